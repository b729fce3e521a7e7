import { ApplicationFailure } from '@temporalio/activity';
import type { WhatsappOutgoing, WhatsappSendResult, WhatsappSender } from '../platform/messaging';
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
 * the conversation workflow routes again; a held session that is not open yet is
 * an ordinary failure Temporal retries. There is no way to ask WhatsApp whether
 * a message went out, so a resend after a crash goes under the same message id.
 */
export class BaileysSessionSender implements WhatsappSender {
  readonly provider = 'baileys' as const;

  constructor(private readonly sessions: LocalSessions) {}

  async send(message: WhatsappOutgoing): Promise<WhatsappSendResult> {
    const { held, socket } = this.sessions.socketOf(message.businessId);
    if (!held) throw ApplicationFailure.nonRetryable('the WhatsApp session is not held by this process', WHATSAPP_FAILURE_TYPES.sessionMoved);
    if (!socket) throw new Error('the WhatsApp session is not connected yet');
    const { BufferJSON } = await loadBaileys();
    const sent = await socket.sendMessage(jidOf(message.to), { text: message.body }, { messageId: message.messageId });
    return {
      providerMessageId: sent?.key.id ?? message.messageId,
      payload: sent ? (JSON.parse(JSON.stringify(sent, BufferJSON.replacer)) as unknown) : undefined,
    };
  }

  findSent(): Promise<{ providerMessageId: string } | null> {
    return Promise.resolve(null);
  }
}
