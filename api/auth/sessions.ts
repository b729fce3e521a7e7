import { QueryTypes } from 'sequelize';
import type { Database } from '../../data';
import { AuthSession } from '../../data';
import type { Role } from '../../domain/policy';
import { hmacSha256, randomToken } from './secrets';

/** What a valid session cookie stands for. */
export interface ResolvedSession {
  sessionId: string;
  csrfToken: string;
  /** The person who signed in. */
  user: { id: string; role: Role; businessId: string | null };
  /** While a system_admin impersonates: the user acted as. */
  impersonated: { id: string; role: Role; businessId: string | null } | null;
}

interface SessionRow {
  id: string;
  csrf_token: string;
  last_seen_at: Date;
  user_id: string;
  role: Role;
  business_id: string | null;
  is_active: boolean;
  imp_id: string | null;
  imp_role: Role | null;
  imp_business_id: string | null;
  imp_active: boolean | null;
}

const TOUCH_AFTER_MS = 60_000;

/** Server-side sessions in PostgreSQL. The cookie holds a random token; the table holds its HMAC. */
export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  async create(input: { userId: string; impersonatedUserId?: string | null; ip?: string; userAgent?: string }): Promise<{ token: string; csrfToken: string }> {
    const token = randomToken();
    const csrfToken = randomToken();
    await this.db.withSystemScope('create a login session', async (transaction) => {
      // Housekeeping: the user's expired sessions go when a new one starts.
      await this.db.sequelize.query('DELETE FROM auth_sessions WHERE user_id = :userId AND expires_at <= now()', { replacements: { userId: input.userId }, transaction });
      await AuthSession.create({
        tokenHash: this.hash(token),
        userId: input.userId,
        impersonatedUserId: input.impersonatedUserId ?? null,
        csrfToken,
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, 400) ?? null,
        expiresAt: new Date(Date.now() + this.ttlMs),
      });
    });
    return { token, csrfToken };
  }

  /** The session behind a cookie token, or null when unknown, expired or its user is deactivated. Slides the expiry. */
  async resolve(token: string): Promise<ResolvedSession | null> {
    if (!token || token.length > 200) return null;
    const tokenHash = this.hash(token);
    return this.db.withSystemScope(
      'resolve a session cookie',
      async (transaction) => {
        const rows = await this.db.sequelize.query<SessionRow>(
          `SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.role, u.business_id, u.is_active,
                  iu.id AS imp_id, iu.role AS imp_role, iu.business_id AS imp_business_id, iu.is_active AS imp_active
             FROM auth_sessions s
             JOIN users u ON u.id = s.user_id
             LEFT JOIN users iu ON iu.id = s.impersonated_user_id
            WHERE s.token_hash = :tokenHash AND s.expires_at > now()`,
          { replacements: { tokenHash }, type: QueryTypes.SELECT, transaction },
        );
        const row = rows[0];
        if (!row || !row.is_active) return null;
        if (row.imp_id && !row.imp_active) return null;
        if (Date.now() - new Date(row.last_seen_at).getTime() > TOUCH_AFTER_MS) {
          await this.db.sequelize.query(
            'UPDATE auth_sessions SET last_seen_at = now(), expires_at = now() + make_interval(secs => :ttl) WHERE id = :id',
            { replacements: { id: row.id, ttl: this.ttlSeconds }, transaction },
          );
        }
        return {
          sessionId: row.id,
          csrfToken: row.csrf_token,
          user: { id: row.user_id, role: row.role, businessId: row.business_id },
          impersonated: row.imp_id ? { id: row.imp_id, role: row.imp_role!, businessId: row.imp_business_id } : null,
        };
      },
      { logLevel: 'debug' },
    );
  }

  async destroy(sessionId: string): Promise<void> {
    await this.db.withSystemScope('end a login session', () => AuthSession.destroy({ where: { id: sessionId } }));
  }

  /** Logout everywhere; also used when a password is reset or a user deactivated. */
  async destroyAllForUser(userId: string): Promise<number> {
    return this.db.withSystemScope('end every session of a user', async (transaction) => {
      const [, result] = await this.db.sequelize.query('DELETE FROM auth_sessions WHERE user_id = :userId OR impersonated_user_id = :userId', {
        replacements: { userId },
        transaction,
      });
      return (result as { rowCount?: number }).rowCount ?? 0;
    });
  }

  private hash(token: string): string {
    return hmacSha256(this.secret, token);
  }
}
