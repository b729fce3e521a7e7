import { Business, Conversation, Message, findAssistantConfig } from '../data';
import { chatInstructions, type ChatTools, type ChatTurn } from '../platform/chat-assistant';
import { LocalChatAssistant } from '../platform/local-chat-assistant';
import { StaticAssistantTools, type AssistantTools } from '../realtime/assistant-tools';
import { faqForChannel } from '../realtime/faq-matcher';
import { TemporalAssistantTools } from '../realtime/temporal-tools';
import type { ActivityDependencies } from './dependencies';

export interface ConversationReplyInput {
  businessId: string;
  conversationId: string;
  /**
   * Names the tools' actions (the booking idempotency key is built from it and
   * what was asked), so a retried reply books once. The conversation id: the
   * same person asking for the same time twice books once too.
   */
  toolKey: string;
}

export interface ConversationReply {
  text: string;
  toolCalls: string[];
}

/** Turns of the conversation the assistant reads, newest last. */
const HISTORY_TURNS = 30;
const TOOL_TIMEOUT_MS = 20_000;

export function createConversationAssistantActivities({ db, logger, chat, temporal }: ActivityDependencies) {
  const provider = chat ?? new LocalChatAssistant();
  const tools: AssistantTools = temporal
    ? new TemporalAssistantTools({ client: temporal.client, taskQueue: temporal.taskQueue, db, logger, timeoutMs: TOOL_TIMEOUT_MS, leadFollowUpAfterMs: temporal.leadFollowUpAfterMs })
    : new StaticAssistantTools();
  return {
    /** The assistant's answer to the conversation so far, with the same tools as the phone (bookings through Temporal). */
    async generateConversationReply(input: ConversationReplyInput): Promise<ConversationReply> {
      const { business, conversation, recent, config } = await db.withTenant({ businessId: input.businessId }, async (transaction) => ({
        business: await Business.findByPk(input.businessId, { rejectOnEmpty: true, transaction }),
        config: await findAssistantConfig(transaction),
        conversation: await Conversation.findByPk(input.conversationId, { rejectOnEmpty: true, transaction }),
        recent: await Message.findAll({ where: { conversationId: input.conversationId }, order: [['createdAt', 'DESC']], limit: HISTORY_TURNS, transaction }),
      }));
      const history: ChatTurn[] = recent
        .reverse()
        .filter((message) => message.body)
        .map((message) => ({ role: message.direction === 'inbound' ? 'user' : 'assistant', text: message.body! }));
      const chatTools: ChatTools = {
        definitions: tools.definitions().filter((tool) => tool.name !== 'end_call'),
        // answer_faq looks in this channel's FAQ with the same matcher as the phone's fast path.
        invoke: async (name, args) =>
          (
            await tools.invoke(name, args, {
              businessId: input.businessId,
              callSid: input.toolKey,
              channel: 'whatsapp',
              conversationId: input.conversationId,
              faq: faqForChannel(config.faq, 'whatsapp'),
            })
          ).output,
      };
      const reply = await provider.reply({
        instructions: chatInstructions(business.name),
        history,
        tools: chatTools,
        contactE164: conversation.contactE164,
        contactName: conversation.contactName,
        businessName: business.name,
        timeZone: business.timezone,
        now: Date.now(),
      });
      return { text: reply.text, toolCalls: reply.toolCalls.map((call) => call.name) };
    },
  };
}
