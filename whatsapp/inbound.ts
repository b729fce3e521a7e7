import type { Database } from '../data';
import type { Logger } from '../platform/logger';
import { inboundFromBaileys } from './baileys-inbound';
import { loadBaileys, type WAMessage, type WAMessageContent, type WAMessageKey } from './baileys';
import { findProviderPayload, storeInbound, type InboundMessage, type StoredInbound } from './message-store';

/** Hands newly stored messages on (to the conversation workflow); a redelivered message is not handed on again. */
export type InboundListener = (businessId: string, messages: StoredInbound[]) => Promise<void>;

/**
 * Stores a batch, then hands on the new messages. The database write comes
 * first: a message stored is never lost, and the listener's own retries (signal
 * with start) are idempotent by message id in the workflow.
 */
export async function acceptInbound(
  deps: { db: Database; logger: Logger; listener: InboundListener },
  businessId: string,
  provider: string,
  batch: InboundMessage[],
): Promise<StoredInbound[]> {
  const stored = await storeInbound(deps.db, businessId, provider, batch);
  const fresh = stored.filter((message) => message.isNew);
  if (fresh.length) await deps.listener(businessId, fresh);
  return stored;
}

/** Longest text kept of one Baileys message by default (the Twilio webhook refuses longer ones with 413). */
const DEFAULT_MAX_BODY_CHARS = 4_096;

/**
 * Baileys' messages.upsert: every message of the batch ('notify' and 'append' alike), parsed and
 * stored. A linked device cannot refuse a message, so an oversized text is kept cut at
 * `maxBodyChars` (marked with an ellipsis): the CRM and the assistant never get more than that.
 */
export async function acceptBaileysUpsert(
  deps: { db: Database; logger: Logger; listener: InboundListener; maxBodyChars?: number },
  businessId: string,
  upsert: { messages: WAMessage[]; type: string },
): Promise<StoredInbound[]> {
  await loadBaileys();
  const maxBodyChars = deps.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  const parsed: InboundMessage[] = [];
  for (const message of upsert.messages) {
    const inbound = inboundFromBaileys(message);
    if (!inbound) continue;
    if (inbound.body && inbound.body.length > maxBodyChars) {
      deps.logger.warn({ businessId, providerMessageId: inbound.providerMessageId, chars: inbound.body.length, maxBodyChars }, 'oversized WhatsApp message cut');
      // No half of a surrogate pair (an emoji) left at the cut.
      inbound.body = `${inbound.body.slice(0, maxBodyChars - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
    }
    parsed.push(inbound);
  }
  deps.logger.debug({ businessId, received: upsert.messages.length, kept: parsed.length, type: upsert.type }, 'whatsapp upsert');
  return acceptInbound(deps, businessId, 'baileys', parsed);
}

/** Baileys' getMessage, from our store: the content of a message we stored or sent, so WhatsApp retries can be answered. */
export function messageStoreGetMessage(db: Database, businessId: string) {
  return async (key: WAMessageKey): Promise<WAMessageContent | undefined> => {
    if (!key.id) return undefined;
    const payload = await findProviderPayload(db, businessId, key.id);
    if (!payload) return undefined;
    const { BufferJSON } = await loadBaileys();
    const revived = JSON.parse(JSON.stringify(payload), BufferJSON.reviver) as WAMessage;
    return revived.message ?? undefined;
  };
}
