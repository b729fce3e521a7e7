import type { LocalizedMessage } from './messages';

export const PASSWORD_MIN_LENGTH = 10;
/** Upper bound keeps hashing cost bounded. */
export const PASSWORD_MAX_LENGTH = 128;

const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  'qwertyuiop',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou123',
  'abcdefghij',
  '1q2w3e4r5t',
  'qwerty12345',
  'aaaaaaaaaa',
]);

export interface PasswordViolation extends LocalizedMessage {
  code: 'too_short' | 'too_long' | 'too_few_distinct' | 'too_common' | 'contains_email';
}

/** The password rules; an empty list means the password is acceptable. */
export function checkPassword(password: string, context: { email?: string } = {}): PasswordViolation[] {
  const violations: PasswordViolation[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    violations.push({ code: 'too_short', he: `הסיסמה חייבת להכיל לפחות ${PASSWORD_MIN_LENGTH} תווים`, en: `Password must be at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    violations.push({ code: 'too_long', he: `הסיסמה ארוכה מ-${PASSWORD_MAX_LENGTH} תווים`, en: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (new Set(password).size < 4) {
    violations.push({ code: 'too_few_distinct', he: 'הסיסמה חייבת להכיל לפחות 4 תווים שונים', en: 'Password must contain at least 4 different characters' });
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase())) {
    violations.push({ code: 'too_common', he: 'הסיסמה נפוצה מדי', en: 'Password is too common' });
  }
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) {
    violations.push({ code: 'contains_email', he: 'הסיסמה לא יכולה להכיל את כתובת הדוא"ל', en: 'Password must not contain your email address' });
  }
  return violations;
}
