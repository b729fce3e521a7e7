import { ACCOUNT_LOCKOUT_RULE, EMPTY_LOCKOUT, afterFailure, lockedForSeconds, checkPassword } from './index';

describe('login lockout', () => {
  const now = new Date('2026-03-27T10:00:00+03:00'); // Asia/Jerusalem, the day DST starts

  it('locks a key after the fifth failure within the window, for fifteen minutes', () => {
    let state = EMPTY_LOCKOUT;
    for (let i = 0; i < 4; i++) state = afterFailure(state, ACCOUNT_LOCKOUT_RULE, now);
    expect(lockedForSeconds(state, now)).toBe(0);
    state = afterFailure(state, ACCOUNT_LOCKOUT_RULE, now);
    expect(lockedForSeconds(state, now)).toBe(15 * 60);
    expect(lockedForSeconds(state, new Date(now.getTime() + 15 * 60_000))).toBe(0);
  });

  it('starts counting again when failures are further apart than the window', () => {
    let state = EMPTY_LOCKOUT;
    for (let i = 0; i < 4; i++) state = afterFailure(state, ACCOUNT_LOCKOUT_RULE, now);
    state = afterFailure(state, ACCOUNT_LOCKOUT_RULE, new Date(now.getTime() + 16 * 60_000));
    expect(state.failures).toBe(1);
    expect(lockedForSeconds(state, now)).toBe(0);
  });
});

describe('checkPassword', () => {
  it('accepts a long, varied password and explains each rule it breaks in both languages', () => {
    expect(checkPassword('correct horse battery')).toEqual([]);
    const codes = checkPassword('aaa', { email: 'x@y.z' }).map((v) => v.code);
    expect(codes).toEqual(['too_short', 'too_few_distinct']);
    expect(checkPassword('dana.cohen-2026!', { email: 'dana.cohen@example.com' }).map((v) => v.code)).toEqual(['contains_email']);
    expect(checkPassword('x'.repeat(129))[0]).toMatchObject({ code: 'too_long' });
    expect(checkPassword('Password123')[0]?.he).toBeTruthy();
  });
});
