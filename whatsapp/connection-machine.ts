import type { Logger } from '../platform/logger';
import { reconnectDelayMs, type BackoffSettings } from './backoff';
import type { ConnectionState, WAMessage } from './baileys';
import type { OutboundStatusUpdate } from './message-store';

export type SessionStatus = 'disconnected' | 'connecting' | 'qr' | 'open' | 'logged_out' | 'failed';

/** Why a session stopped for good (until the owner asks again). */
export type StopReason = 'logged_out' | 'forbidden' | 'replaced' | 'qr_expired' | 'gave_up' | 'multidevice_mismatch' | 'stopped';

/** The parts of a Baileys socket the session uses (a real WASocket or devtools/fakes/baileys-socket-fake). */
export interface SessionSocket {
  ev: {
    on(event: 'connection.update', listener: (update: Partial<ConnectionState>) => void): unknown;
    on(event: 'creds.update', listener: (update: unknown) => void): unknown;
    on(event: 'messages.upsert', listener: (upsert: { messages: WAMessage[]; type: string }) => void): unknown;
    on(event: 'messages.update', listener: (updates: OutboundStatusUpdate[]) => void): unknown;
  };
  end(error: Error | undefined): Promise<void>;
  logout(message?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  sendMessage(jid: string, content: { text: string }, options?: { messageId?: string }): Promise<{ key: { id?: string | null }; message?: unknown } | undefined>;
}

export interface SessionStatusUpdate {
  status: SessionStatus;
  qr: string | null;
  pairingCode: string | null;
  reason: StopReason | string | null;
  /** False when the stop needs the owner (logout, QR timeout, replaced elsewhere). */
  wanted: boolean;
}

export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SessionConnectionOptions extends BackoffSettings {
  businessId: string;
  logger: Logger;
  /** Opens a socket with the stored auth state (Baileys makeWASocket, or the fake in tests). */
  openSocket: () => Promise<SessionSocket>;
  saveCreds: () => Promise<void>;
  clearAuthState: () => Promise<void>;
  onStatus: (update: SessionStatusUpdate) => Promise<void> | void;
  onMessages: (upsert: { messages: WAMessage[]; type: string }) => Promise<void> | void;
  /** Status changes of messages (WhatsApp's server ack of ours); default ignored. */
  onMessageUpdates?: (updates: OutboundStatusUpdate[]) => Promise<unknown> | void;
  /** QR codes shown before giving up when nobody scans (Baileys rotates one every ~20 s). */
  maxQrCodes: number;
  /** Consecutive failed reconnects before the session is marked failed and stops. */
  maxReconnectAttempts: number;
  scheduler?: Scheduler;
  random?: () => number;
}

const MAX_IMMEDIATE_RESTARTS = 3;

const STATUS_CODES = { loggedOut: 401, forbidden: 403, timedOut: 408, multideviceMismatch: 411, connectionReplaced: 440, restartRequired: 515 } as const;

/**
 * One business's linked-device connection: opens a socket, follows Baileys'
 * connection updates and decides what happens after a close. Reconnects use
 * backoff with jitter and there is at most one socket and one pending reconnect
 * at a time; 401 and 403 stop (401 also clears the stored auth state), 440 stops
 * instead of fighting the other device, 515 restarts at once, and QR codes that
 * run out with nobody scanning stop until the owner asks again.
 */
export class SessionConnection {
  readonly #options: SessionConnectionOptions;
  readonly #scheduler: Scheduler;
  #socket: SessionSocket | null = null;
  /** Bumped for every socket; events of an older socket are ignored. */
  #generation = 0;
  #reconnectTimer: unknown = null;
  #attempt = 0;
  #qrCount = 0;
  /** Immediate 515 restarts since the last open: more than a few in a row go through the backoff. */
  #restarts = 0;
  #status: SessionStatus = 'disconnected';
  #running = false;
  /** Sockets opened in this session's life; tests read it to prove there is no storm. */
  socketsOpened = 0;

  constructor(options: SessionConnectionOptions) {
    this.#options = options;
    this.#scheduler = options.scheduler ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) };
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get running(): boolean {
    return this.#running;
  }

  get socket(): SessionSocket | null {
    return this.#status === 'open' ? this.#socket : null;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    this.#qrCount = 0;
    this.#restarts = 0;
    await this.#connect();
  }

  /**
   * Stops without touching the stored auth state (shutdown, lease lost). `report`
   * false leaves the status alone: the session moves to another process, which
   * reports its own.
   */
  async stop(reason: StopReason = 'stopped', wanted = true, report = true): Promise<void> {
    this.#running = false;
    this.#cancelReconnect();
    const socket = this.#socket;
    this.#socket = null;
    this.#generation++;
    if (socket) await socket.end(undefined).catch(() => undefined);
    if (report) await this.#report(reason === 'stopped' ? 'disconnected' : 'failed', { reason, wanted });
  }

  /** Logs the device out at WhatsApp (when connected) and deletes the stored auth state. */
  async logout(): Promise<void> {
    this.#running = false;
    this.#cancelReconnect();
    const socket = this.#socket;
    this.#socket = null;
    this.#generation++;
    if (socket) await socket.logout().catch((error: unknown) => this.#options.logger.warn({ err: error }, 'whatsapp logout at WhatsApp failed; clearing local state anyway'));
    await this.#options.clearAuthState();
    await this.#report('logged_out', { reason: 'logged_out', wanted: false });
  }

  /** Asks WhatsApp for an 8-character pairing code for this phone number (digits, country code first). */
  async requestPairingCode(phoneDigits: string): Promise<string> {
    if (!this.#socket || (this.#status !== 'qr' && this.#status !== 'connecting')) throw new Error('pairing needs a connecting session');
    const code = await this.#socket.requestPairingCode(phoneDigits);
    await this.#report('qr', { pairingCode: code });
    return code;
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    const generation = ++this.#generation;
    await this.#report('connecting');
    let socket: SessionSocket;
    try {
      socket = await this.#options.openSocket();
    } catch (error) {
      this.#options.logger.error({ err: error, businessId: this.#options.businessId }, 'whatsapp socket could not be opened');
      if (generation === this.#generation) this.#scheduleReconnect('open_failed');
      return;
    }
    if (generation !== this.#generation || !this.#running) {
      await socket.end(undefined).catch(() => undefined);
      return;
    }
    this.#socket = socket;
    this.socketsOpened++;
    socket.ev.on('creds.update', () => {
      if (generation === this.#generation) this.#options.saveCreds().catch((error: unknown) => this.#options.logger.error({ err: error }, 'whatsapp creds not saved'));
    });
    socket.ev.on('messages.upsert', (upsert) => {
      if (generation !== this.#generation) return;
      Promise.resolve(this.#options.onMessages(upsert)).catch((error: unknown) => this.#options.logger.error({ err: error }, 'whatsapp inbound batch failed'));
    });
    socket.ev.on('messages.update', (updates) => {
      if (generation !== this.#generation || !this.#options.onMessageUpdates) return;
      Promise.resolve(this.#options.onMessageUpdates(updates)).catch((error: unknown) => this.#options.logger.error({ err: error }, 'whatsapp message updates not recorded'));
    });
    socket.ev.on('connection.update', (update) => {
      if (generation !== this.#generation) return;
      this.#onConnectionUpdate(update).catch((error: unknown) => this.#options.logger.error({ err: error }, 'whatsapp connection update failed'));
    });
  }

  async #onConnectionUpdate(update: Partial<ConnectionState>): Promise<void> {
    if (update.qr) {
      this.#qrCount++;
      if (this.#qrCount > this.#options.maxQrCodes) {
        await this.#halt('qr_expired', 'failed', false);
        return;
      }
      await this.#report('qr', { qr: update.qr });
    }
    if (update.connection === 'open') {
      this.#attempt = 0;
      this.#qrCount = 0;
      this.#restarts = 0;
      await this.#report('open');
    }
    if (update.connection === 'close') await this.#onClose(statusCodeOf(update.lastDisconnect?.error));
  }

  async #onClose(statusCode: number | null): Promise<void> {
    this.#socket = null;
    if (!this.#running) return;
    switch (statusCode) {
      case STATUS_CODES.loggedOut:
        await this.#options.clearAuthState();
        return this.#halt('logged_out', 'logged_out', false);
      case STATUS_CODES.forbidden:
        return this.#halt('forbidden', 'failed', false);
      case STATUS_CODES.connectionReplaced:
        return this.#halt('replaced', 'failed', false);
      case STATUS_CODES.multideviceMismatch:
        return this.#halt('multidevice_mismatch', 'failed', false);
      case STATUS_CODES.restartRequired:
        // WhatsApp asks for a fresh socket right after pairing: not a failure, no backoff; but a
        // server that keeps asking without ever opening gets the backoff, never a tight loop.
        if (++this.#restarts <= MAX_IMMEDIATE_RESTARTS) return this.#connect();
        return this.#scheduleReconnect('restart_loop');
      case STATUS_CODES.timedOut:
        if (this.#status === 'qr') return this.#halt('qr_expired', 'failed', false);
        return this.#scheduleReconnect(`closed_${statusCode}`);
      default:
        return this.#scheduleReconnect(`closed_${statusCode ?? 'unknown'}`);
    }
  }

  #scheduleReconnect(reason: string): void {
    if (!this.#running || this.#reconnectTimer) return;
    if (this.#attempt >= this.#options.maxReconnectAttempts) {
      void this.#halt('gave_up', 'failed', true);
      return;
    }
    const delay = reconnectDelayMs(this.#attempt, this.#options, (this.#options.random ?? Math.random)());
    this.#attempt++;
    this.#options.logger.info({ businessId: this.#options.businessId, reason, delayMs: delay, attempt: this.#attempt }, 'whatsapp reconnect scheduled');
    void this.#report('connecting', { reason });
    this.#reconnectTimer = this.#scheduler.setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#connect();
    }, delay);
  }

  async #halt(reason: StopReason, status: SessionStatus, wanted: boolean): Promise<void> {
    this.#running = false;
    this.#cancelReconnect();
    const socket = this.#socket;
    this.#socket = null;
    this.#generation++;
    if (socket) await socket.end(undefined).catch(() => undefined);
    this.#options.logger.warn({ businessId: this.#options.businessId, reason }, 'whatsapp session stopped');
    await this.#report(status, { reason, wanted });
  }

  #cancelReconnect(): void {
    if (this.#reconnectTimer) this.#scheduler.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }

  async #report(status: SessionStatus, extra: Partial<SessionStatusUpdate> = {}): Promise<void> {
    this.#status = status;
    await this.#options.onStatus({ status, qr: null, pairingCode: null, reason: null, wanted: true, ...extra });
  }
}

/** The HTTP-like status code Baileys puts on a close (a Boom's output.statusCode); null when there is none. */
export function statusCodeOf(error: unknown): number | null {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : null;
}
