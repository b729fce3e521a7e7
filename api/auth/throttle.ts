import type { Database } from '../../data';
import { LoginThrottle } from '../../data';
import {
  ACCOUNT_LOCKOUT_RULE,
  EMPTY_LOCKOUT,
  IP_LOCKOUT_RULE,
  afterFailure,
  lockedForSeconds,
  type LockoutRule,
  type LockoutState,
} from '../../domain/policy';

export interface ThrottleRules {
  account: LockoutRule;
  ip: LockoutRule;
}

export const DEFAULT_THROTTLE_RULES: ThrottleRules = { account: ACCOUNT_LOCKOUT_RULE, ip: IP_LOCKOUT_RULE };

const keys = (ip: string, email: string) => ({ ip: `ip:${ip}`.slice(0, 200), account: `account:${email.toLowerCase()}`.slice(0, 300) });

/** Login lockout per IP and per account, stored in login_throttles; the rules themselves are pure (domain/policy). */
export class LoginThrottleStore {
  constructor(
    private readonly db: Database,
    private readonly rules: ThrottleRules = DEFAULT_THROTTLE_RULES,
  ) {}

  /** Seconds the caller must wait, or 0. */
  async lockedFor(ip: string, email: string, now = new Date()): Promise<number> {
    const { ip: ipKey, account } = keys(ip, email);
    const rows = await this.db.withSystemScope('check login lockout', () => LoginThrottle.findAll({ where: { key: [ipKey, account] } }), { logLevel: 'debug' });
    return Math.max(0, ...rows.map((row) => lockedForSeconds(row, now)));
  }

  /** Counts a failure for both keys; returns the lockout it caused (seconds), or 0. */
  async recordFailure(ip: string, email: string, now = new Date()): Promise<number> {
    const { ip: ipKey, account } = keys(ip, email);
    return this.db.withSystemScope('count a failed login', async (transaction) => {
      let locked = 0;
      for (const [key, rule] of [[ipKey, this.rules.ip], [account, this.rules.account]] as const) {
        await this.db.sequelize.query('INSERT INTO login_throttles (key) VALUES (:key) ON CONFLICT (key) DO NOTHING', { replacements: { key }, transaction });
        const row = await LoginThrottle.findByPk(key, { lock: transaction.LOCK.UPDATE, transaction });
        const state: LockoutState = row ? { failures: row.failures, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil } : EMPTY_LOCKOUT;
        const next = afterFailure(state, rule, now);
        await LoginThrottle.update(next, { where: { key }, transaction });
        locked = Math.max(locked, lockedForSeconds(next, now));
      }
      return locked;
    }, { logLevel: 'debug' });
  }

  /** A successful login or password reset clears the account's counter (the IP's stays). */
  async clearAccount(email: string): Promise<void> {
    const { account } = keys('', email);
    await this.db.withSystemScope('clear login lockout', () => LoginThrottle.destroy({ where: { key: account } }), { logLevel: 'debug' });
  }
}
