import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createWhatsappActivities } from '../activities/whatsapp';
import { Database } from '../data';
import type { AppConfig } from '../platform/config';
import { closeServer, handleHealthRequest, listen } from '../platform/health';
import type { RunningService } from '../platform/lifecycle';
import { createLogger, type Logger } from '../platform/logger';
import { LogMessageProvider } from '../platform/messaging';
import { whatsappSessionTaskQueue } from '../temporal-config';
import { openBaileysSocket } from './baileys-socket';
import { BaileysSessionSender } from './baileys-sender';
import type { PostgresAuthState } from './auth-state';
import type { SessionSocket } from './connection-machine';
import { InboundDelivery } from './inbox';
import { SessionLeaseManager } from './session-leases';
import { SessionRegistry } from './sessions';

export interface StartedWhatsapp extends RunningService {
  healthPort: number;
  ownerId: string;
  sessions: SessionRegistry;
  leases: SessionLeaseManager;
  inbox: InboundDelivery;
}

export interface WhatsappDependencies {
  logger?: Logger;
  /** Replaces real Baileys sockets (tests: devtools/fakes/baileys-socket-fake). */
  openSocket?: (input: { businessId: string; auth: PostgresAuthState }) => SessionSocket | Promise<SessionSocket>;
  /** Names this process in the lease table (tests run two in one process). */
  ownerId?: string;
  /** Only these businesses' sessions and inbox (tests and benchmarks sharing a database); default all. */
  onlyBusinessIds?: readonly string[];
  /** The client that hands inbound messages to their workflows (tests: one whose connection they cut); default one to TEMPORAL_ADDRESS. */
  temporalClient?: Client;
}

/**
 * The whatsapp service: runs the Baileys sessions whose leases it holds, writes
 * their status for the CRM, stores inbound messages and signals their
 * conversation workflows, and runs the send activity on its own task queue so
 * replies go out through the socket that is connected here.
 */
export async function startWhatsapp(config: AppConfig, deps: WhatsappDependencies = {}): Promise<StartedWhatsapp> {
  const logger = deps.logger ?? createLogger('whatsapp', config.LOG_LEVEL);
  const ownerId = deps.ownerId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const db = new Database({ url: config.DATABASE_URL, logger, poolMax: config.DATABASE_POOL_MAX });
  await db.verifyRole();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = deps.temporalClient ?? new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const inbox = new InboundDelivery({
    db,
    logger,
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    retryBaseMs: config.WHATSAPP_INBOX_RETRY_BASE_MS,
    retryMaxMs: config.WHATSAPP_INBOX_RETRY_MAX_MS,
    onlyBusinessIds: deps.onlyBusinessIds,
  });
  const sessions = new SessionRegistry({
    db,
    logger,
    inbox,
    settings: {
      maxQrCodes: config.WHATSAPP_MAX_QR_CODES,
      reconnectBaseMs: config.WHATSAPP_RECONNECT_BASE_MS,
      reconnectMaxMs: config.WHATSAPP_RECONNECT_MAX_MS,
      maxReconnects: config.WHATSAPP_MAX_RECONNECTS,
      maxMessageChars: config.WHATSAPP_MAX_MESSAGE_CHARS,
    },
    openSocket: deps.openSocket ?? ((input) => openBaileysSocket({ db, logger, ...input })),
  });

  const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: whatsappSessionTaskQueue(ownerId),
    activities: createWhatsappActivities({ db, logger, messages: new LogMessageProvider(logger), whatsappSenders: { baileys: new BaileysSessionSender(sessions) } }),
  });
  const running = worker.run();
  running.catch((error: unknown) => logger.fatal({ err: error }, 'whatsapp send worker stopped with an error'));

  const leases = new SessionLeaseManager({
    db,
    logger,
    ownerId,
    leaseMs: config.WHATSAPP_LEASE_SECONDS * 1000,
    renewEveryMs: Math.min(config.WHATSAPP_LEASE_RENEW_SECONDS, config.WHATSAPP_LEASE_SECONDS / 2) * 1000,
    maxSessions: config.WHATSAPP_MAX_SESSIONS,
    onlyBusinessIds: deps.onlyBusinessIds,
    onAcquire: (businessId) => sessions.start(businessId),
    onRelease: (businessId) => sessions.stop(businessId),
  });
  await leases.start();
  inbox.start(config.WHATSAPP_INBOX_SWEEP_MS);
  const pairing = setInterval(() => void sessions.servePairingRequests().catch((error: unknown) => logger.warn({ err: error }, 'pairing requests not served')), 2_000);
  pairing.unref();

  const server = http.createServer((req, res) => {
    const handled = handleHealthRequest(
      'whatsapp',
      {
        database: () => db.ping(),
        temporal: async () => {
          if (worker.getState() !== 'RUNNING') throw new Error(`send worker is ${worker.getState()}`);
        },
      },
      req,
      res,
    );
    if (!handled) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found' } }));
  });
  const healthPort = await listen(server, config.WHATSAPP_PORT, config.API_HOST);
  logger.info({ ownerId, healthPort }, 'whatsapp service running');

  return {
    healthPort,
    ownerId,
    sessions,
    leases,
    inbox,
    close: async () => {
      clearInterval(pairing);
      await inbox.stop();
      await leases.stop();
      await sessions.stopAll();
      worker.shutdown();
      await running.catch(() => undefined);
      await closeServer(server);
      await connection.close();
      await nativeConnection.close();
      await db.close();
    },
  };
}
