import { WhatsappConnection, type Database } from '../../data';
import { SessionLeaseManager } from '../../whatsapp/session-leases';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { waitFor } from '../support/wait';

const LEASE_MS = 3_000;
const RENEW_EVERY_MS = 500;

/** Where each session runs right now, as the two "processes" report it; any double start is recorded. */
class SessionRegistry {
  readonly runningOn = new Map<string, string>();
  readonly doubleStarts: string[] = [];

  constructor(readonly businesses: readonly string[]) {}

  manager(db: Database, ownerId: string): SessionLeaseManager {
    return new SessionLeaseManager({
      db,
      logger: testLogger,
      ownerId,
      leaseMs: LEASE_MS,
      renewEveryMs: RENEW_EVERY_MS,
      // Other test files share the database: only this file's businesses.
      onlyBusinessIds: this.businesses,
      onAcquire: (businessId) => {
        const current = this.runningOn.get(businessId);
        if (current && current !== ownerId) this.doubleStarts.push(`${businessId} on ${current} and ${ownerId}`);
        this.runningOn.set(businessId, ownerId);
      },
      onRelease: (businessId) => {
        if (this.runningOn.get(businessId) === ownerId) this.runningOn.delete(businessId);
      },
    });
  }

  /** A process died: its sessions died with it. */
  kill(ownerId: string): void {
    for (const [businessId, owner] of this.runningOn) if (owner === ownerId) this.runningOn.delete(businessId);
  }

  countOn(ownerId: string): number {
    return [...this.runningOn.values()].filter((owner) => owner === ownerId).length;
  }
}

describe(SessionLeaseManager.name, () => {
  let dbA: Database;
  let dbB: Database;
  const businesses: string[] = [];

  beforeAll(async () => {
    dbA = openAppDatabase(3);
    dbB = openAppDatabase(3);
    for (let i = 0; i < 20; i++) {
      const businessId = await createBusiness(dbA, `Lease business ${i}`);
      await dbA.withTenant({ businessId }, () => WhatsappConnection.create({ businessId, provider: 'baileys', wanted: true }));
      businesses.push(businessId);
    }
  });

  afterAll(async () => {
    await dbA.close();
    await dbB.close();
  });

  it('runs each of 20 sessions exactly once across two processes, and moves a dead process\'s sessions within the lease time', async () => {
    const registry = new SessionRegistry(businesses);
    const first = registry.manager(dbA, 'process-a');
    const second = registry.manager(dbB, 'process-b');
    // Both start together and race for the same free leases.
    await Promise.all([first.start(), second.start()]);
    try {
      const ours = () => businesses.filter((id) => registry.runningOn.has(id)).length;
      await waitFor(ours, (count) => count === 20);
      expect(ours()).toBe(20);
      expect(first.held.size + second.held.size).toBeGreaterThanOrEqual(20);
      expect([...first.held].filter((id) => second.held.has(id))).toEqual([]);

      // Let a few renewal rounds pass: nothing moves while both live.
      const before = new Map(registry.runningOn);
      await new Promise((resolve) => setTimeout(resolve, RENEW_EVERY_MS * 4));
      for (const id of businesses) expect(registry.runningOn.get(id)).toBe(before.get(id));

      // The process holding sessions dies without releasing anything.
      const victim = first.held.size > 0 ? first : second;
      const survivor = victim === first ? second : first;
      const victimSessions = businesses.filter((id) => registry.runningOn.get(id) === victim.ownerId);
      expect(victimSessions.length).toBeGreaterThan(0);
      victim.abandon();
      registry.kill(victim.ownerId);
      const diedAt = Date.now();
      await waitFor(() => businesses.filter((id) => registry.runningOn.get(id) === survivor.ownerId).length, (count) => count === 20, LEASE_MS * 5);
      for (const id of businesses) expect(registry.runningOn.get(id)).toBe(survivor.ownerId);
      // Not before the dead process's leases could have expired (no double run) ...
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(LEASE_MS - RENEW_EVERY_MS * 2);
      expect(registry.doubleStarts).toEqual([]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('hands sessions over at once on a graceful stop, and stops a session that is no longer wanted', async () => {
    const registry = new SessionRegistry(businesses);
    const first = registry.manager(dbA, 'graceful-a');
    await first.start();
    await waitFor(() => registry.countOn('graceful-a'), (count) => count === 20);
    const second = registry.manager(dbB, 'graceful-b');
    await second.start();
    expect(registry.countOn('graceful-b')).toBe(0);
    await first.stop();
    await second.tick();
    expect(registry.countOn('graceful-b')).toBe(20);

    const unwanted = businesses[0]!;
    await dbA.withTenant({ businessId: unwanted }, () => WhatsappConnection.update({ wanted: false }, { where: {} }));
    await second.tick();
    expect(registry.runningOn.has(unwanted)).toBe(false);
    expect(registry.countOn('graceful-b')).toBe(19);
    await second.stop();
    expect(registry.runningOn.size).toBe(0);
    expect(registry.doubleStarts).toEqual([]);
  });
});
