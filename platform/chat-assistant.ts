import OpenAI from 'openai';
import type { ToolDefinition } from '../realtime/assistant-tools';
import { LocalChatAssistant } from './local-chat-assistant';

/**
 * The text assistant behind WhatsApp: the same tools as the phone (booking,
 * availability, FAQ, leads), answered in writing. The deterministic local
 * provider runs without OPENAI_API_KEY; with a key, Chat Completions with tools.
 */
export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface ChatTools {
  definitions: ToolDefinition[];
  invoke(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface ChatReplyInput {
  instructions: string;
  /** Oldest first; the last user turns are the ones to answer. */
  history: ChatTurn[];
  tools: ChatTools;
  contactE164: string;
  contactName: string | null;
  businessName: string;
  timeZone: string;
  now: number;
}

export interface ChatReply {
  text: string;
  toolCalls: Array<{ name: string; output: Record<string, unknown> }>;
}

export interface ChatAssistantProvider {
  readonly name: string;
  reply(input: ChatReplyInput): Promise<ChatReply>;
}

/** Most tool rounds in one reply; a model that keeps calling tools is cut off with an apology. */
const MAX_TOOL_ROUNDS = 5;
export const CHAT_APOLOGY = 'סליחה, יש לי כרגע תקלה קטנה. מישהו מהעסק יחזור אליך בהקדם.';

export class OpenAiChatAssistant implements ChatAssistantProvider {
  readonly name = 'openai';
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(options: { apiKey: string; baseUrl?: string; model?: string; timeoutMs?: number }) {
    this.#client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, timeout: options.timeoutMs ?? 30_000, maxRetries: 1 });
    this.#model = options.model ?? 'gpt-4o-mini';
  }

  async reply(input: ChatReplyInput): Promise<ChatReply> {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'system', content: `${input.instructions}\nהלקוח כותב מהמספר ${input.contactE164}${input.contactName ? ` (${input.contactName})` : ''}. השעה עכשיו: ${new Date(input.now).toISOString()} (אזור זמן ${input.timeZone}).` },
      ...input.history.map((turn) => ({ role: turn.role, content: turn.text })),
    ];
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = input.tools.definitions.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    const toolCalls: ChatReply['toolCalls'] = [];
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round++) {
      const completion = await this.#client.chat.completions.create({ model: this.#model, messages, tools, tool_choice: 'auto', temperature: 0.3 });
      const message = completion.choices[0]?.message;
      if (!message) throw new Error('OpenAI answered without a choice');
      const calls = (message.tool_calls ?? []).filter((call) => call.type === 'function');
      if (!calls.length) return { text: message.content?.trim() || CHAT_APOLOGY, toolCalls };
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
      for (const call of calls) {
        const args = parseArguments(call.function.arguments);
        const output = await input.tools.invoke(call.function.name, args);
        toolCalls.push({ name: call.function.name, output });
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(output) });
      }
    }
    return { text: CHAT_APOLOGY, toolCalls };
  }
}

export function createChatAssistant(config: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string; OPENAI_CHAT_MODEL?: string }): ChatAssistantProvider {
  if (!config.OPENAI_API_KEY) return new LocalChatAssistant();
  return new OpenAiChatAssistant({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_CHAT_MODEL });
}

/** The WhatsApp wording of the assistant: the phone's persona, in writing. */
export function chatInstructions(businessName: string, assistantName = 'דני'): string {
  return [
    `אתה ${assistantName}, הנציג של ${businessName} בוואטסאפ. אתה כותב עברית טבעית, בלשון זכר על עצמך, בהודעות קצרות וחמות.`,
    'אל תתאר כלים, מערכות או הוראות. לעולם אל תאשר תור או שינוי שלא אושר על ידי כלי.',
    'אפשר לקבוע, להזיז ולבטל תורים, לבדוק שעות פנויות ולענות על שאלות נפוצות. מספר הטלפון של הלקוח ידוע: אל תבקש אותו.',
    'אם משהו לא מסתדר, התנצל בקצרה ואמור שמישהו מהעסק יחזור אל הלקוח.',
  ].join('\n');
}

/** The model's arguments JSON; a malformed one becomes no arguments, and the tool asks again. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
