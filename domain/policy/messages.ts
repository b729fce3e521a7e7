/** Why the policy said no, with the text a client shows, in Hebrew and English. */
export const DENIAL_MESSAGES = {
  not_authenticated: { he: 'יש להתחבר כדי להמשיך', en: 'Sign in to continue' },
  role_too_low: { he: 'אין לך הרשאה לפעולה זו', en: 'Your role does not allow this action' },
  platform_only: { he: 'פעולה זו שמורה למנהל המערכת', en: 'Only a system administrator may do this' },
  other_business: { he: 'אין לך גישה לעסק אחר', en: 'You have no access to another business' },
  business_override_forbidden: {
    he: 'רק מנהל מערכת רשאי לבחור עסק בפרמטר businessId',
    en: 'Only a system administrator may choose a business with the businessId parameter',
  },
  api_key_not_allowed: { he: 'מפתח API אינו רשאי לבצע פעולה זו', en: 'An API key may not perform this action' },
  api_key_scope: { he: 'למפתח ה-API אין את ההרשאה הנדרשת (read/write)', en: 'The API key lacks the scope this action needs (read/write)' },
  target_role_too_high: {
    he: 'אין באפשרותך לנהל משתמש בתפקיד זה',
    en: 'You may not manage a user with this role',
  },
  assign_role_too_high: { he: 'אין באפשרותך להעניק תפקיד זה', en: 'You may not grant this role' },
  self_delete: { he: 'אין באפשרותך למחוק את המשתמש של עצמך', en: 'You cannot delete yourself' },
  self_demote: { he: 'אין באפשרותך להוריד את התפקיד של עצמך', en: 'You cannot demote yourself' },
  self_deactivate: { he: 'אין באפשרותך להשבית את המשתמש של עצמך', en: 'You cannot deactivate yourself' },
  impersonation_required_stop: {
    he: 'יש לסיים את ההתחזות לפני פעולה זו',
    en: 'Stop impersonating before doing this',
  },
} as const satisfies Record<string, { he: string; en: string }>;

export type DenialReason = keyof typeof DENIAL_MESSAGES;

/** Invariants that a valid request would break (HTTP 409). */
export const CONFLICT_MESSAGES = {
  last_owner: {
    he: 'לא ניתן להסיר, להוריד בתפקיד או להשבית את הבעלים האחרון של העסק',
    en: 'The last owner of a business cannot be deleted, demoted or deactivated',
  },
  email_taken: { he: 'כתובת הדוא"ל כבר בשימוש', en: 'This email address is already in use' },
  already_impersonating: { he: 'כבר מתבצעת התחזות; יש לסיים אותה קודם', en: 'Already impersonating; stop first' },
  not_impersonating: { he: 'לא מתבצעת התחזות כרגע', en: 'You are not impersonating anyone' },
  no_owner_to_impersonate: { he: 'לעסק אין בעלים פעיל להתחזות אליו', en: 'The business has no active owner to impersonate' },
  user_inactive: { he: 'המשתמש מושבת', en: 'The user is deactivated' },
  api_key_revoked: { he: 'המפתח כבר בוטל', en: 'The key is already revoked' },
} as const satisfies Record<string, { he: string; en: string }>;

export type ConflictReason = keyof typeof CONFLICT_MESSAGES;

export interface LocalizedMessage {
  he: string;
  en: string;
}
