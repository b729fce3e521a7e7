/**
 * Login rate limiting and lockout as pure state transitions; the data layer
 * stores one LockoutState per key (an IP address or an account email).
 */
export interface LockoutState {
  failures: number;
  windowStartedAt: Date | null;
  lockedUntil: Date | null;
}

export interface LockoutRule {
  /** Failures within the window that trigger a lockout. */
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export const ACCOUNT_LOCKOUT_RULE: LockoutRule = { maxFailures: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };
export const IP_LOCKOUT_RULE: LockoutRule = { maxFailures: 20, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

export const EMPTY_LOCKOUT: LockoutState = { failures: 0, windowStartedAt: null, lockedUntil: null };

/** Seconds until the key may try again, or 0 when it is not locked. */
export function lockedForSeconds(state: LockoutState, now: Date): number {
  if (!state.lockedUntil || state.lockedUntil <= now) return 0;
  return Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 1000);
}

export function afterFailure(state: LockoutState, rule: LockoutRule, now: Date): LockoutState {
  const windowOpen = state.windowStartedAt && now.getTime() - state.windowStartedAt.getTime() < rule.windowMs;
  const failures = windowOpen ? state.failures + 1 : 1;
  const windowStartedAt = windowOpen ? state.windowStartedAt : now;
  const lockedUntil = failures >= rule.maxFailures ? new Date(now.getTime() + rule.lockoutMs) : state.lockedUntil;
  return { failures: failures >= rule.maxFailures ? 0 : failures, windowStartedAt: failures >= rule.maxFailures ? null : windowStartedAt, lockedUntil };
}

export const LOCKOUT_MESSAGE = (seconds: number) => ({
  he: `יותר מדי ניסיונות התחברות כושלים. אפשר לנסות שוב בעוד ${Math.ceil(seconds / 60)} דקות, או לאפס את הסיסמה.`,
  en: `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minutes, or reset your password.`,
});
