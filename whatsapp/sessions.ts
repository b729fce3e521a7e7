import { WhatsappConnection, type Database } from '../data';
import type { Logger } from '../platform/logger';
import { usePostgresAuthState, type PostgresAuthState } from './auth-state';
import type { LocalSessions } from './baileys-sender';
import { SessionConnection, type SessionSocket, type SessionStatusUpdate } from './connection-machine';
import type { InboundDelivery } from './inbox';
import { acceptBaileysUpsert, type InboundListener } from './inbound';
import { recordOutboundAcks } from './message-store';

export interface SessionSettings {
  maxQrCodes: number;
  reconnectBaseMs: number;
  reconnectMaxMs: number;
  maxReconnects: number;
  /** Longest inbound text kept (longer ones are cut). */
  maxMessageChars: number;
}

export interface SessionRegistryOptions {
  db: Database;
  logger: Logger;
  /** Where stored inbound messages go: their conversation workflows, durably (retried until Temporal takes them). */
  inbox: InboundDelivery;
  settings: SessionSettings;
  /** Opens a socket for a business (real Baileys in production, the fake in tests). */
  openSocket: (input: { businessId: string; auth: PostgresAuthState }) => SessionSocket | Promise<SessionSocket>;
}

/**
 * The Baileys sessions this process runs (the leases decide which): each one's
 * status goes to whatsapp_connections, its inbound messages to the store and
 * then to their conversation workflows.
 */
export class SessionRegistry implements LocalSessions {
  readonly #options: SessionRegistryOptions;
  readonly #sessions = new Map<string, SessionConnection>();
  readonly #listener: InboundListener;

  constructor(options: SessionRegistryOptions) {
    this.#options = options;
    this.#listener = (businessId, messages) => options.inbox.deliver(businessId, messages);
  }

  get size(): number {
    return this.#sessions.size;
  }

  socketOf(businessId: string): { held: boolean; socket: SessionSocket | null } {
    const session = this.#sessions.get(businessId);
    return { held: session !== undefined, socket: session?.socket ?? null };
  }

  /** The lease was won: connect with the stored auth state (no QR when the device is already linked). */
  async start(businessId: string): Promise<void> {
    if (this.#sessions.has(businessId)) return;
    const { db, logger, settings } = this.#options;
    const auth = await usePostgresAuthState(db, businessId);
    const session = new SessionConnection({
      businessId,
      logger: logger.child({ businessId }),
      openSocket: async () => this.#options.openSocket({ businessId, auth }),
      saveCreds: auth.saveCreds,
      clearAuthState: auth.clear,
      onStatus: (update) => this.#writeStatus(businessId, update),
      onMessages: async (upsert) => {
        await acceptBaileysUpsert({ db, logger, listener: this.#listener, maxBodyChars: settings.maxMessageChars }, businessId, upsert);
      },
      onMessageUpdates: (updates) => recordOutboundAcks(db, businessId, updates),
      baseDelayMs: settings.reconnectBaseMs,
      maxDelayMs: settings.reconnectMaxMs,
      maxQrCodes: settings.maxQrCodes,
      maxReconnectAttempts: settings.maxReconnects,
    });
    this.#sessions.set(businessId, session);
    await session.start();
  }

  /** The lease is gone or the owner no longer wants it: stop here, or log out when the owner asked for that. */
  async stop(businessId: string): Promise<void> {
    const session = this.#sessions.get(businessId);
    if (!session) return;
    this.#sessions.delete(businessId);
    const connection = await this.#options.db.withTenant({ businessId }, () => WhatsappConnection.findOne());
    if (connection?.status === 'logged_out' && !connection.wanted) await session.logout();
    // Still wanted: the session moves to another process (lease lost, shutdown), which reports its status.
    else if (connection?.wanted) await session.stop('stopped', true, false);
    else await session.stop('stopped', false);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((businessId) => this.#sessions.get(businessId)!.stop('stopped', true, false).finally(() => this.#sessions.delete(businessId))));
  }

  /** Pairing codes asked for in the CRM (pairing_phone_e164 set, no code yet) for the sessions held here. */
  async servePairingRequests(): Promise<void> {
    for (const [businessId, session] of this.#sessions) {
      if (session.status !== 'qr' && session.status !== 'connecting') continue;
      const connection = await this.#options.db.withTenant({ businessId }, () => WhatsappConnection.findOne());
      if (!connection?.pairingPhoneE164 || connection.pairingCode) continue;
      try {
        await session.requestPairingCode(connection.pairingPhoneE164.replace(/^\+/, ''));
      } catch (error) {
        this.#options.logger.warn({ err: error, businessId }, 'whatsapp pairing code request failed');
      }
    }
  }

  async #writeStatus(businessId: string, update: SessionStatusUpdate): Promise<void> {
    await this.#options.db.withTenant({ businessId }, async () => {
      const connection = await WhatsappConnection.findOne();
      if (!connection) return;
      const changes: Partial<WhatsappConnection> = { status: update.status, lastError: update.reason ?? null, statusChangedAt: new Date() };
      if (update.status === 'qr') {
        if (update.qr) changes.qr = update.qr;
        if (update.pairingCode) changes.pairingCode = update.pairingCode;
      } else {
        changes.qr = null;
        changes.pairingCode = null;
      }
      if (update.status === 'open') changes.pairingPhoneE164 = null;
      if (!update.wanted) changes.wanted = false;
      await connection.update(changes);
    });
  }
}
