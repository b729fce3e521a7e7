import { QueryTypes } from 'sequelize';
import type { Database } from '../data';
import type { Logger } from '../platform/logger';

export interface SessionLeaseOptions {
  db: Database;
  logger: Logger;
  /** This process's identity in whatsapp_session_leases (host + pid + random, unique per start). */
  ownerId: string;
  /** How long a lease lasts without renewal: a dead process's sessions move after this. */
  leaseMs: number;
  /** How often leases are renewed and free businesses claimed; well under leaseMs. */
  renewEveryMs: number;
  /** Most sessions this process runs; the rest are left to the others. */
  maxSessions?: number;
  /** Only these businesses (tests and benchmarks that share one database with other runs); default all. */
  onlyBusinessIds?: readonly string[];
  /** A lease was won: start the business's session here. */
  onAcquire: (businessId: string) => Promise<void> | void;
  /** The lease is gone (released, lost or no longer wanted): stop the session here. */
  onRelease: (businessId: string) => Promise<void> | void;
}

/**
 * Puts each wanted Baileys session in exactly one whatsapp process. Leases live in
 * whatsapp_session_leases (one row per business, so one owner), judged by the
 * database clock; each process renews its own, claims free or expired ones, and
 * stops a session locally before its lease could have expired when it cannot
 * renew (database unreachable), so two processes never run one session.
 */
export class SessionLeaseManager {
  readonly #options: SessionLeaseOptions;
  readonly #held = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  /** Local-clock instant until which our leases are surely still ours. */
  #safeUntil = 0;
  #stopped = false;

  constructor(options: SessionLeaseOptions) {
    if (options.renewEveryMs * 2 > options.leaseMs) throw new RangeError('renewEveryMs must be at most half of leaseMs');
    this.#options = options;
  }

  get held(): ReadonlySet<string> {
    return this.#held;
  }

  get ownerId(): string {
    return this.#options.ownerId;
  }

  async start(): Promise<void> {
    this.#stopped = false;
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#options.renewEveryMs);
    this.#timer.unref();
  }

  /** One round: renew ours, drop what is no longer wanted, claim what is free. Never runs twice at once. */
  tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#round()
      .catch((error: unknown) => this.#onRoundFailed(error))
      .finally(() => {
        this.#ticking = null;
      });
    return this.#ticking;
  }

  /** Graceful stop: sessions end here and their leases are freed at once for another process. */
  async stop(): Promise<void> {
    this.#halt();
    await this.#ticking;
    const businesses = [...this.#held];
    await this.#releaseLocally(businesses);
    await this.#options.db
      .withSystemScope('whatsapp: release session leases on shutdown', (transaction) =>
        this.#options.db.sequelize.query('DELETE FROM whatsapp_session_leases WHERE owner_id = :owner', { replacements: { owner: this.#options.ownerId }, transaction }),
      { logLevel: 'debug' })
      .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'whatsapp leases not released; they expire on their own'));
  }

  /** What a crash looks like to the others: no release, the leases just stop being renewed (tests, chaos). */
  abandon(): void {
    this.#halt();
    this.#held.clear();
  }

  #halt(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    const { db, ownerId, leaseMs } = this.#options;
    const startedAt = Date.now();
    const { renewed, wanted } = await db.withSystemScope(
      'whatsapp: renew session leases',
      async (transaction) => {
        const renewedRows = await db.sequelize.query<{ business_id: string }>(
          `UPDATE whatsapp_session_leases SET expires_at = now() + make_interval(secs => :leaseSeconds), renewed_at = now()
           WHERE owner_id = :owner AND expires_at > now() RETURNING business_id`,
          { replacements: { owner: ownerId, leaseSeconds: leaseMs / 1000 }, type: QueryTypes.SELECT, transaction },
        );
        const only = this.#options.onlyBusinessIds;
        const wantedRows = await db.sequelize.query<{ business_id: string }>(
          `SELECT business_id FROM whatsapp_connections WHERE wanted AND provider = 'baileys'${only ? ' AND business_id IN (:only)' : ''} ORDER BY business_id`,
          { replacements: only ? { only: only.length ? [...only] : ['00000000-0000-0000-0000-000000000000'] } : {}, type: QueryTypes.SELECT, transaction },
        );
        return { renewed: new Set(renewedRows.map((r) => r.business_id)), wanted: new Set(wantedRows.map((r) => r.business_id)) };
      },
      { logLevel: 'debug' },
    );
    this.#safeUntil = startedAt + leaseMs;
    if (this.#stopped) return;

    const lost = [...this.#held].filter((id) => !renewed.has(id));
    const unwanted = [...renewed].filter((id) => !wanted.has(id));
    await this.#releaseLocally([...lost, ...unwanted]);
    if (unwanted.length) await this.#deleteLeases(unwanted);
    // A lease renewed in the database but not running here (a start that failed): run it now.
    for (const id of renewed) if (wanted.has(id) && !this.#held.has(id)) await this.#acquireLocally(id);

    const room = (this.#options.maxSessions ?? Number.POSITIVE_INFINITY) - this.#held.size;
    const candidates = [...wanted].filter((id) => !this.#held.has(id)).slice(0, Math.max(0, room));
    if (!candidates.length) return;
    const won = await db.withSystemScope(
      'whatsapp: claim free session leases',
      (transaction) =>
        db.sequelize.query<{ business_id: string }>(
          `INSERT INTO whatsapp_session_leases (business_id, owner_id, expires_at)
           SELECT id, :owner, now() + make_interval(secs => :leaseSeconds) FROM unnest(ARRAY[:ids]::uuid[]) AS id
           ON CONFLICT (business_id) DO UPDATE
             SET owner_id = EXCLUDED.owner_id, expires_at = EXCLUDED.expires_at, acquired_at = now(), renewed_at = now()
             WHERE whatsapp_session_leases.expires_at <= now()
           RETURNING business_id`,
          { replacements: { owner: ownerId, leaseSeconds: leaseMs / 1000, ids: candidates }, type: QueryTypes.SELECT, transaction },
        ),
      { logLevel: 'debug' },
    );
    for (const row of won) {
      if (this.#stopped) break;
      await this.#acquireLocally(row.business_id);
    }
  }

  async #onRoundFailed(error: unknown): Promise<void> {
    this.#options.logger.error({ err: error, ownerId: this.#options.ownerId }, 'whatsapp lease round failed');
    // Without a renewal the leases may expire and move; stop before that can happen.
    if (Date.now() + this.#options.renewEveryMs >= this.#safeUntil) await this.#releaseLocally([...this.#held]);
  }

  async #acquireLocally(businessId: string): Promise<void> {
    this.#held.add(businessId);
    try {
      await this.#options.onAcquire(businessId);
    } catch (error) {
      this.#options.logger.error({ err: error, businessId }, 'whatsapp session did not start; retried next round');
      this.#held.delete(businessId);
    }
  }

  async #releaseLocally(businessIds: string[]): Promise<void> {
    for (const businessId of businessIds) {
      if (!this.#held.delete(businessId)) continue;
      try {
        await this.#options.onRelease(businessId);
      } catch (error) {
        this.#options.logger.error({ err: error, businessId }, 'whatsapp session did not stop cleanly');
      }
    }
  }

  #deleteLeases(businessIds: string[]): Promise<unknown> {
    return this.#options.db.withSystemScope(
      'whatsapp: release unwanted session leases',
      (transaction) =>
        this.#options.db.sequelize.query('DELETE FROM whatsapp_session_leases WHERE owner_id = :owner AND business_id IN (:ids)', {
          replacements: { owner: this.#options.ownerId, ids: businessIds },
          transaction,
        }),
      { logLevel: 'debug' },
    );
  }
}
