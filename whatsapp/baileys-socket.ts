import type { Database } from '../data';
import type { Logger } from '../platform/logger';
import { loadBaileys } from './baileys';
import type { SessionSocket } from './connection-machine';
import type { PostgresAuthState } from './auth-state';
import { messageStoreGetMessage } from './inbound';

/**
 * A real Baileys 7 linked-device socket for one business: auth state from
 * PostgreSQL (signal keys behind Baileys' cache), getMessage from our message
 * store, no QR in the terminal (the CRM shows it), not marked online (the
 * owner's phone keeps getting notifications), no full history sync.
 */
export async function openBaileysSocket(options: {
  db: Database;
  logger: Logger;
  businessId: string;
  auth: PostgresAuthState;
  /** WhatsApp's WebSocket endpoint; tests point it at a local port. */
  waWebSocketUrl?: string;
  connectTimeoutMs?: number;
}): Promise<SessionSocket> {
  const { makeCacheableSignalKeyStore, makeWASocket } = await loadBaileys();
  const logger = options.logger.child({ businessId: options.businessId, component: 'baileys' });
  logger.level = 'warn';
  const socket = makeWASocket({
    auth: { creds: options.auth.state.creds, keys: makeCacheableSignalKeyStore(options.auth.state.keys, logger) },
    logger,
    browser: ['ProSaaS', 'Chrome', '1.0.0'],
    markOnlineOnConnect: false,
    syncFullHistory: false,
    getMessage: messageStoreGetMessage(options.db, options.businessId),
    ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  return socket as unknown as SessionSocket;
}
