import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Boom } from '@hapi/boom';

/** A message the fake was asked to send, as Baileys' sendMessage receives it. */
export interface FakeSentMessage {
  jid: string;
  content: { text?: string };
  id: string;
}

/**
 * A stand-in for a Baileys 7 socket (makeWASocket's result) with the parts the
 * whatsapp service uses: `ev.on` / `ev.off`, `end`, `logout`, `requestPairingCode`,
 * `sendMessage`. Tests drive it with Baileys' own event shapes: `connection.update`
 * (a close carries `lastDisconnect.error` as a Boom with `output.statusCode`, as
 * Baileys' socket.end does), `creds.update` and `messages.upsert`.
 */
export class FakeBaileysSocket {
  readonly ev = new EventEmitter();
  readonly sent: FakeSentMessage[] = [];
  ended = false;
  loggedOut = false;
  pairingRequests: string[] = [];
  /** Sends fail with this error while set (a dropped connection). */
  sendFailure: Error | null = null;
  /**
   * While set, a send is written (recorded in `sent`) but its answer never comes back: what the
   * caller sees when its process dies right after Baileys wrote the frame.
   */
  holdAnswers = false;
  readonly #heldAnswers: Array<() => void> = [];

  constructor(readonly index: number) {
    this.ev.setMaxListeners(50);
  }

  end(error: Error | undefined): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.emitClose(error instanceof Boom ? (error.output.statusCode) : 428, error?.message ?? 'Connection Closed');
    return Promise.resolve();
  }

  async logout(): Promise<void> {
    this.loggedOut = true;
    await this.end(new Boom('Intentional Logout', { statusCode: 401 }));
  }

  requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return Promise.resolve('ABCD1234');
  }

  /** Like Baileys: sends under the given message id (or a random one) and answers with the sent WAMessage. */
  sendMessage(
    jid: string,
    content: { text?: string },
    options?: { messageId?: string },
  ): Promise<{ key: { id: string; remoteJid: string; fromMe: boolean }; message: { conversation?: string } }> {
    if (this.ended) return Promise.reject(new Boom('Connection Closed', { statusCode: 428 }));
    if (this.sendFailure) return Promise.reject(this.sendFailure);
    const id = options?.messageId ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
    this.sent.push({ jid, content, id });
    const answer = { key: { id, remoteJid: jid, fromMe: true }, message: { conversation: content.text } };
    if (this.holdAnswers) return new Promise((resolve) => this.#heldAnswers.push(() => resolve(answer)));
    return Promise.resolve(answer);
  }

  /** The held answers come back after all (a slow socket, not a dead process). */
  releaseHeldAnswers(): void {
    for (const release of this.#heldAnswers.splice(0)) release();
  }

  emitConnecting(): void {
    this.ev.emit('connection.update', { connection: 'connecting' });
  }

  emitQr(qr = `2@${randomBytes(12).toString('base64')}`): void {
    this.ev.emit('connection.update', { qr });
  }

  emitOpen(): void {
    this.ev.emit('connection.update', { connection: 'open', receivedPendingNotifications: false });
  }

  /** What Baileys emits when the connection closes (its `end(new Boom(message, { statusCode }))`). */
  emitClose(statusCode: number, message = 'Connection Failure'): void {
    this.ended = true;
    this.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom(message, { statusCode }), date: new Date() },
    });
  }

  emitCredsUpdate(update: Record<string, unknown>): void {
    this.ev.emit('creds.update', update);
  }

  /** WhatsApp's status of a message we sent (Baileys' messages.update): 2 server ack, 3 delivered, 4 read. */
  emitMessageStatus(id: string, status: number, remoteJid = 'unknown@s.whatsapp.net'): void {
    this.ev.emit('messages.update', [{ key: { id, remoteJid, fromMe: true }, update: { status } }]);
  }

  emitMessages(messages: unknown[], type: 'notify' | 'append' = 'notify'): void {
    this.ev.emit('messages.upsert', { messages, type });
  }
}

/** A socket factory that remembers every socket it made, in order. */
export class FakeBaileysSocketFactory {
  readonly sockets: FakeBaileysSocket[] = [];

  readonly create = (): FakeBaileysSocket => {
    const socket = new FakeBaileysSocket(this.sockets.length);
    this.sockets.push(socket);
    return socket;
  };

  get latest(): FakeBaileysSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was created yet');
    return socket;
  }
}
