import net from 'node:net';
import type { Database } from '../../data';
import { usePostgresAuthState } from '../../whatsapp/auth-state';
import { openBaileysSocket } from '../../whatsapp/baileys-socket';
import { SessionConnection, type SessionStatusUpdate } from '../../whatsapp/connection-machine';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { waitFor } from '../support/wait';

/**
 * The real Baileys 7 socket (makeWASocket with our PostgreSQL auth state), pointed
 * at a local port that refuses connections: its own close events drive the
 * connection state machine, which backs off and gives up instead of storming.
 */
describe('a real Baileys socket under the connection state machine', () => {
  let db: Database;
  let businessId: string;

  beforeAll(async () => {
    db = openAppDatabase(2);
    businessId = await createBusiness(db, 'Real Baileys');
  });

  afterAll(async () => {
    await db.close();
  });

  it('reads Baileys\' own close events, reconnects with backoff and stops after the configured attempts', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const auth = await usePostgresAuthState(db, businessId);
    const statuses: SessionStatusUpdate[] = [];
    const connection = new SessionConnection({
      businessId,
      logger: testLogger,
      openSocket: () => openBaileysSocket({ db, logger: testLogger, businessId, auth, waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat`, connectTimeoutMs: 2_000 }),
      saveCreds: auth.saveCreds,
      clearAuthState: auth.clear,
      onStatus: (update) => void statuses.push(update),
      onMessages: () => undefined,
      baseDelayMs: 200,
      maxDelayMs: 800,
      maxQrCodes: 3,
      maxReconnectAttempts: 3,
    });
    await connection.start();
    const last = await waitFor(() => statuses.at(-1), (update) => update?.status === 'failed', 30_000);
    expect(last).toMatchObject({ status: 'failed', reason: 'gave_up', wanted: true });
    // The first socket and three reconnects, no more.
    expect(connection.socketsOpened).toBe(4);
    expect(statuses.filter((update) => update.reason?.startsWith('closed_')).length).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(connection.socketsOpened).toBe(4);
  });
});
