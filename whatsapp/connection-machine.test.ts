import { FakeBaileysSocketFactory } from '../devtools/fakes/baileys-socket-fake';
import { createLogger } from '../platform/logger';
import { reconnectDelayMs } from './backoff';
import { SessionConnection, type Scheduler, type SessionStatusUpdate } from './connection-machine';

/** Timers under the test's control: nothing fires until the test advances the clock. */
class ManualScheduler implements Scheduler {
  now = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  readonly delays: number[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn });
    this.delays.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      await flush();
    }
    this.now = until;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function setup(overrides: { maxQrCodes?: number; maxReconnectAttempts?: number } = {}) {
  const sockets = new FakeBaileysSocketFactory();
  const scheduler = new ManualScheduler();
  const statuses: SessionStatusUpdate[] = [];
  const saved: number[] = [];
  const cleared: number[] = [];
  const batches: unknown[] = [];
  const connection = new SessionConnection({
    businessId: '00000000-0000-4000-8000-000000000001',
    logger: createLogger('test', 'silent'),
    openSocket: () => Promise.resolve(sockets.create()),
    saveCreds: () => Promise.resolve(void saved.push(1)),
    clearAuthState: () => Promise.resolve(void cleared.push(1)),
    onStatus: (update) => void statuses.push(update),
    onMessages: (upsert) => void batches.push(upsert),
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    maxQrCodes: overrides.maxQrCodes ?? 5,
    maxReconnectAttempts: overrides.maxReconnectAttempts ?? 20,
    scheduler,
    random: () => 0.5,
  });
  return { sockets, scheduler, statuses, saved, cleared, batches, connection, last: () => statuses.at(-1)! };
}

describe(SessionConnection.name, () => {
  it('goes connecting → qr → open and saves creds on every creds.update', async () => {
    const t = setup();
    await t.connection.start();
    expect(t.last().status).toBe('connecting');
    t.sockets.latest.emitQr('2@first-qr');
    await flush();
    expect(t.last()).toMatchObject({ status: 'qr', qr: '2@first-qr' });
    t.sockets.latest.emitCredsUpdate({ me: { id: '972501234567:1@s.whatsapp.net' } });
    t.sockets.latest.emitOpen();
    await flush();
    expect(t.last().status).toBe('open');
    expect(t.saved).toHaveLength(1);
    expect(t.connection.socket).toBe(t.sockets.latest);
  });

  it('hands every messages.upsert batch to the inbound handler', async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitOpen();
    t.sockets.latest.emitMessages([{ key: { id: 'A' } }, { key: { id: 'B' } }]);
    await flush();
    expect(t.batches).toEqual([{ messages: [{ key: { id: 'A' } }, { key: { id: 'B' } }], type: 'notify' }]);
  });

  it('reconnects after a dropped connection with exponential backoff and jitter, one socket at a time', async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitOpen();
    await flush();
    t.sockets.latest.emitClose(428, 'Connection Closed');
    // A burst of duplicate close events from the same dead socket schedules one reconnect, not five.
    for (let i = 0; i < 4; i++) t.sockets.latest.emitClose(428);
    await flush();
    expect(t.scheduler.pending).toBe(1);
    expect(t.sockets.sockets).toHaveLength(1);
    expect(t.last().status).toBe('connecting');

    await t.scheduler.advance(t.scheduler.delays[0]!);
    expect(t.sockets.sockets).toHaveLength(2);
    t.sockets.latest.emitClose(500);
    await flush();
    await t.scheduler.advance(t.scheduler.delays[1]!);
    expect(t.sockets.sockets).toHaveLength(3);
    expect(t.scheduler.delays).toEqual([reconnectDelayMs(0, { baseDelayMs: 1000, maxDelayMs: 60000 }, 0.5), reconnectDelayMs(1, { baseDelayMs: 1000, maxDelayMs: 60000 }, 0.5)]);
    expect(t.scheduler.delays[1]!).toBeGreaterThan(t.scheduler.delays[0]!);

    // Once open again, the backoff starts over.
    t.sockets.latest.emitOpen();
    await flush();
    t.sockets.latest.emitClose(428);
    await flush();
    expect(t.scheduler.delays[2]).toBe(t.scheduler.delays[0]);
  });

  it('makes no reconnect storm when every socket dies at once: a handful of sockets in ten minutes', async () => {
    const t = setup({ maxReconnectAttempts: 1000 });
    await t.connection.start();
    for (let step = 0; step < 200; step++) {
      if (!t.sockets.latest.ended) t.sockets.latest.emitClose(503, 'Stream Errored');
      await flush();
      await t.scheduler.advance(1_000);
      if (t.scheduler.now >= 600_000) break;
    }
    // 1+2+4+...+32 s then 60 s caps (jitter at half): about 16 sockets in 10 minutes, never hundreds.
    expect(t.sockets.sockets.length).toBeLessThan(25);
    expect(t.scheduler.delays.every((delay) => delay >= 500 && delay <= 60_000)).toBe(true);
  });

  it('stops and clears the auth state on 401 (logged out from the phone)', async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitOpen();
    t.sockets.latest.emitClose(401, 'Connection Failure');
    await flush();
    expect(t.last()).toMatchObject({ status: 'logged_out', reason: 'logged_out', wanted: false });
    expect(t.cleared).toHaveLength(1);
    await t.scheduler.advance(600_000);
    expect(t.sockets.sockets).toHaveLength(1);
    expect(t.scheduler.pending).toBe(0);
  });

  it.each([
    [403, 'forbidden'],
    [440, 'replaced'],
  ])('stops on %i (%s) instead of reconnecting, keeping the auth state', async (code, reason) => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitOpen();
    t.sockets.latest.emitClose(code);
    await flush();
    expect(t.last()).toMatchObject({ status: 'failed', reason, wanted: false });
    expect(t.cleared).toHaveLength(0);
    await t.scheduler.advance(600_000);
    expect(t.sockets.sockets).toHaveLength(1);
    expect(t.connection.running).toBe(false);
  });

  it('restarts at once on 515 (restart required after pairing), without backoff', async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitQr();
    await flush();
    t.sockets.latest.emitClose(515, 'Stream Errored (restart required)');
    await flush();
    expect(t.sockets.sockets).toHaveLength(2);
    expect(t.scheduler.delays).toEqual([]);
    t.sockets.latest.emitOpen();
    await flush();
    expect(t.last().status).toBe('open');
  });

  it('does not loop on 515: after a few immediate restarts without an open, the restarts go through the backoff', async () => {
    const t = setup();
    await t.connection.start();
    for (let i = 0; i < 3; i++) {
      t.sockets.latest.emitClose(515, 'Stream Errored (restart required)');
      await flush();
    }
    expect(t.sockets.sockets).toHaveLength(4);
    expect(t.scheduler.delays).toEqual([]);
    t.sockets.latest.emitClose(515, 'Stream Errored (restart required)');
    await flush();
    expect(t.sockets.sockets).toHaveLength(4);
    expect(t.scheduler.delays).toHaveLength(1);
    expect(t.last()).toMatchObject({ status: 'connecting', reason: 'restart_loop' });
    await t.scheduler.advance(t.scheduler.delays[0]!);
    expect(t.sockets.sockets).toHaveLength(5);
    // An open resets the count: the next 515 restarts at once again.
    t.sockets.latest.emitOpen();
    await flush();
    t.sockets.latest.emitClose(515, 'Stream Errored (restart required)');
    await flush();
    expect(t.sockets.sockets).toHaveLength(6);
    expect(t.scheduler.delays).toHaveLength(1);
  });

  it('stops when the QR codes run out with nobody scanning, until the owner asks again', async () => {
    const t = setup({ maxQrCodes: 3 });
    await t.connection.start();
    for (let i = 0; i < 4; i++) t.sockets.latest.emitQr(`2@qr-${i}`);
    await flush();
    expect(t.last()).toMatchObject({ status: 'failed', reason: 'qr_expired', wanted: false });
    expect(t.sockets.latest.ended).toBe(true);
    await t.scheduler.advance(600_000);
    expect(t.sockets.sockets).toHaveLength(1);

    await t.connection.start();
    expect(t.sockets.sockets).toHaveLength(2);
    t.sockets.latest.emitQr('2@again');
    await flush();
    expect(t.last()).toMatchObject({ status: 'qr', qr: '2@again' });
  });

  it("stops on Baileys' own QR timeout (408 while showing a QR)", async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitQr();
    await flush();
    t.sockets.latest.emitClose(408, 'QR refs attempts ended');
    await flush();
    expect(t.last()).toMatchObject({ status: 'failed', reason: 'qr_expired' });
    expect(t.scheduler.pending).toBe(0);
  });

  it('gives up after the configured number of failed reconnects', async () => {
    const t = setup({ maxReconnectAttempts: 3 });
    await t.connection.start();
    for (let i = 0; i < 4; i++) {
      t.sockets.latest.emitClose(503);
      await flush();
      await t.scheduler.advance(60_000);
    }
    expect(t.last()).toMatchObject({ status: 'failed', reason: 'gave_up' });
    expect(t.sockets.sockets).toHaveLength(4);
  });

  it('ignores events of a socket it already replaced, and stop() cancels the pending reconnect', async () => {
    const t = setup();
    await t.connection.start();
    const first = t.sockets.latest;
    first.emitClose(428);
    await flush();
    await t.scheduler.advance(60_000);
    first.emitOpen();
    first.emitMessages([{ key: { id: 'stale' } }]);
    await flush();
    expect(t.last().status).toBe('connecting');
    expect(t.batches).toEqual([]);
    t.sockets.latest.emitClose(428);
    await flush();
    expect(t.scheduler.pending).toBe(1);
    await t.connection.stop();
    expect(t.scheduler.pending).toBe(0);
    expect(t.last().status).toBe('disconnected');
  });

  it('logs out at WhatsApp and clears the stored state on logout', async () => {
    const t = setup();
    await t.connection.start();
    t.sockets.latest.emitOpen();
    await flush();
    await t.connection.logout();
    expect(t.sockets.latest.loggedOut).toBe(true);
    expect(t.cleared).toHaveLength(1);
    expect(t.last()).toMatchObject({ status: 'logged_out', wanted: false });
    expect(t.sockets.sockets).toHaveLength(1);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from the base, caps at the maximum and keeps half the delay fixed', () => {
    const settings = { baseDelayMs: 1000, maxDelayMs: 30_000 };
    expect(reconnectDelayMs(0, settings, 0)).toBe(500);
    expect(reconnectDelayMs(0, settings, 0.999999)).toBe(1000);
    expect(reconnectDelayMs(3, settings, 0)).toBe(4000);
    expect(reconnectDelayMs(20, settings, 1)).toBe(30_000);
    expect(reconnectDelayMs(20, settings, 0)).toBe(15_000);
  });
});
