import { ApplicationFailure } from '@temporalio/activity';
import { NotSentError, type WhatsappOutgoing, type WhatsappSendResult, type WhatsappSender } from '../platform/messaging';
import { WHATSAPP_FAILURE_TYPES } from '../temporal-config';
import { loadBaileys } from './baileys';
import { jidOf } from './baileys-inbound';
import type { SessionSocket } from './connection-machine';

/** The sessions this process runs, by business. */
export interface LocalSessions {
  socketOf(businessId: string): { held: boolean; socket: SessionSocket | null };
}

/**
 * Sends through the linked-device session this process holds. A business whose
 * session is not here (moved to another process) is a non-retryable "moved", so
 * the conversation workflow routes again; a held session that is not open yet,
 * or a sendMessage that rejects, is NotSentError: Baileys rejects before the
 * message is written to the socket (connection closed, no signal session), so
 * a retry may send it.
 *
 * WhatsApp cannot be asked whether a message arrived, so findSent knows only
 * the sends still running in this process (a retry after an activity timeout
 * waits for the first attempt instead of sending again); what a crashed process
 * sent is known only from WhatsApp's server ack (messages.update), recorded by
 * the session in the message store.
 */
export class BaileysSessionSender implements WhatsappSender {
  readonly provider = 'baileys' as const;
  readonly findSentIsComplete = false;
  readonly #inFlight = new Map<string, Promise<WhatsappSendResult>>();

  constructor(private readonly sessions: LocalSessions) {}

  async send(message: WhatsappOutgoing): Promise<WhatsappSendResult> {
    const { held, socket } = this.sessions.socketOf(message.businessId);
    if (!held) throw ApplicationFailure.nonRetryable('the WhatsApp session is not held by this process', WHATSAPP_FAILURE_TYPES.sessionMoved);
    if (!socket) throw new NotSentError('the WhatsApp session is not connected yet');
    const sending = this.#write(socket, message);
    this.#inFlight.set(message.messageId, sending);
    try {
      return await sending;
    } finally {
      if (this.#inFlight.get(message.messageId) === sending) this.#inFlight.delete(message.messageId);
    }
  }

  async findSent(message: WhatsappOutgoing): Promise<{ providerMessageId: string } | null> {
    const running = this.#inFlight.get(message.messageId);
    if (!running) return null;
    try {
      return { providerMessageId: (await running).providerMessageId };
    } catch {
      return null;
    }
  }

  async #write(socket: SessionSocket, message: WhatsappOutgoing): Promise<WhatsappSendResult> {
    const { BufferJSON } = await loadBaileys();
    let sent: Awaited<ReturnType<SessionSocket['sendMessage']>>;
    try {
      sent = await socket.sendMessage(jidOf(message.to), { text: message.body }, { messageId: message.messageId });
    } catch (error) {
      throw new NotSentError(`WhatsApp did not take the message: ${(error as Error).message}`);
    }
    return {
      providerMessageId: sent?.key.id ?? message.messageId,
      payload: sent ? (JSON.parse(JSON.stringify(sent, BufferJSON.replacer)) as unknown) : undefined,
    };
  }
}
