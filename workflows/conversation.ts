import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { sendOnWhatsapp, type WhatsappSendPolicy } from './whatsapp-outbound';

export interface ConversationWorkflowInput {
  businessId: string;
  conversationId: string;
  contactE164: string;
  takenOverByUserId?: string | null;
  /** Carried over continue-as-new. */
  pending?: InboundMessageSignal[];
  outbox?: HumanMessageSignal[];
  seenIds?: string[];
  /** Continue-as-new after this many handled messages (history stays small). Default 100; tests pass a few. */
  continueAsNewAfter?: number;
  /** End after this long with nothing to do; the next message starts a new run. Default 7 days. */
  idleTimeoutMs?: number;
}

/** A customer's message, already stored (its database id dedupes redeliveries). */
export interface InboundMessageSignal {
  messageId: string;
  body: string | null;
  receivedAt: string;
}

/** A reply written by a person in the CRM; its id comes from the CRM request, so a re-sent signal sends once. */
export interface HumanMessageSignal {
  id: string;
  /** The CRM user who wrote it; null when written through an API key. */
  userId: string | null;
  body: string;
}

export interface ConversationView {
  takenOverByUserId: string | null;
  repliesSent: number;
  humanMessagesSent: number;
  handled: number;
  pending: number;
}

export const inboundMessageSignal = defineSignal<[InboundMessageSignal]>('inboundMessage');
export const humanMessageSignal = defineSignal<[HumanMessageSignal]>('humanMessage');
export const takeOverUpdate = defineUpdate<ConversationView, [{ userId: string }]>('takeOver');
export const handBackUpdate = defineUpdate<ConversationView, [{ userId: string }]>('handBack');
export const conversationQuery = defineQuery<ConversationView>('conversation');

const SEEN_IDS_KEPT = 200;

const assistant = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});
const CONVERSATION_SENDS: WhatsappSendPolicy = {
  route: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  send: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
};

/**
 * One WhatsApp conversation (business + contact), long-lived: each stored inbound
 * message arrives as a signal; the assistant answers with the phone's tools
 * unless a person has taken the conversation over; replies written in the CRM
 * go out through the same send path. Continues as new when history grows.
 */
export async function conversation(input: ConversationWorkflowInput): Promise<ConversationView> {
  const { businessId, conversationId, contactE164 } = input;
  const seen = new Set(input.seenIds ?? []);
  const pending: InboundMessageSignal[] = [...(input.pending ?? [])];
  const outbox: HumanMessageSignal[] = [...(input.outbox ?? [])];
  const view: ConversationView = { takenOverByUserId: input.takenOverByUserId ?? null, repliesSent: 0, humanMessagesSent: 0, handled: 0, pending: 0 };
  upsertSearchAttributes({ BusinessId: [businessId], Channel: ['whatsapp'], Kind: ['conversation'] });

  setHandler(inboundMessageSignal, (message) => {
    if (seen.has(message.messageId)) return;
    seen.add(message.messageId);
    pending.push(message);
  });
  setHandler(humanMessageSignal, (message) => {
    if (seen.has(`human:${message.id}`)) return;
    seen.add(`human:${message.id}`);
    outbox.push(message);
  });
  const current = (): ConversationView => ({ ...view, pending: pending.length });
  setHandler(
    takeOverUpdate,
    ({ userId }) => {
      view.takenOverByUserId = userId;
      return current();
    },
    { validator: ({ userId }) => requireUserId(userId) },
  );
  setHandler(
    handBackUpdate,
    () => {
      view.takenOverByUserId = null;
      return current();
    },
    { validator: ({ userId }) => requireUserId(userId) },
  );
  setHandler(conversationQuery, current);

  const continueAfter = input.continueAsNewAfter ?? 100;
  const idleTimeoutMs = input.idleTimeoutMs ?? 7 * 24 * 3600_000;
  for (;;) {
    const aiTurn = () => pending.length > 0 && view.takenOverByUserId === null;
    const woke = await condition(() => outbox.length > 0 || aiTurn() || (pending.length > 0 && view.takenOverByUserId !== null), idleTimeoutMs);
    // Idle: end (the next message starts a new run), unless a person holds the conversation,
    // whose takeover must outlive the idle time until they hand it back.
    if (!woke) {
      if (view.takenOverByUserId === null) break;
      continue;
    }

    while (outbox.length > 0) {
      const message = outbox.shift()!;
      if (await send(message.body, `conversation/${conversationId}/human/${message.id}`, message.userId)) view.humanMessagesSent++;
      view.handled++;
    }
    // While a person has the conversation, the messages are theirs to answer (they see them in the CRM).
    if (view.takenOverByUserId !== null) {
      view.handled += pending.splice(0).length;
    } else if (pending.length > 0) {
      const batch = pending.splice(0);
      view.handled += batch.length;
      const reply = await generateReply();
      // Taken over while the assistant was thinking: the person answers instead.
      if (reply && view.takenOverByUserId === null) {
        if (await send(reply, `conversation/${conversationId}/reply/${batch.at(-1)!.messageId}`, null)) view.repliesSent++;
      }
    }

    if (view.handled >= continueAfter || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof conversation>({
        ...input,
        takenOverByUserId: view.takenOverByUserId,
        pending,
        outbox,
        seenIds: [...seen].slice(-SEEN_IDS_KEPT),
      });
    }
  }
  await condition(allHandlersFinished);
  return current();

  async function generateReply(): Promise<string | null> {
    try {
      const reply = await assistant.generateConversationReply({ businessId, conversationId, toolKey: `wa-${conversationId}` });
      return reply.text.trim() || null;
    } catch (error) {
      log.error('the assistant could not answer; the message waits for a person in the CRM', { conversationId, error: String(error) });
      return null;
    }
  }

  async function send(body: string, idempotencyKey: string, authorUserId: string | null): Promise<boolean> {
    return sendOnWhatsapp({ businessId, conversationId, to: contactE164, body, idempotencyKey, authorUserId }, CONVERSATION_SENDS);
  }
}

function requireUserId(userId: unknown): void {
  if (typeof userId !== 'string' || !userId) throw new Error('userId is required');
}
