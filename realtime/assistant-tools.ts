import { FaqMatcher, type FaqEntry } from './faq-matcher';

/**
 * The tools the phone assistant may call. The bridge only declares and invokes
 * them; the real implementation (Temporal updates/queries of the call's
 * workflow, booking workflows) plugs in behind this interface.
 */
export interface ToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCallContext {
  businessId: string;
  callSid: string;
  /** Where the customer is talking to the assistant: bookings and leads record it as their source. Default 'call'. */
  channel?: 'call' | 'whatsapp';
  /** The WhatsApp conversation (channel 'whatsapp'): "transfer to a person" hands it to the business's people. */
  conversationId?: string;
  /** The business's FAQ from the call's profile; when absent, the tools' own list. */
  faq?: FaqEntry[];
}

export interface ToolResult {
  /** JSON-serialisable answer the model receives as the function call output. */
  output: Record<string, unknown>;
  /** The assistant asked to hang up: the bridge ends the stream after the goodbye has played. */
  endCall?: boolean;
}

export interface AssistantTools {
  definitions(): ToolDefinition[];
  invoke(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult>;
}

export type { FaqEntry } from './faq-matcher';

const BOOKING_TOOLS = ['check_availability', 'book_appointment', 'move_appointment', 'cancel_appointment', 'create_or_update_lead', 'transfer_to_human'] as const;

export const TOOL_DEFINITIONS: ToolDefinition[] = [
  {
    type: 'function',
    name: 'answer_faq',
    description: "Look up the business's answer to a common question (prices, address, opening hours, parking ...).",
    parameters: { type: 'object', properties: { question: { type: 'string', description: "The caller's question, in Hebrew" } }, required: ['question'] },
  },
  {
    type: 'function',
    name: 'check_availability',
    description: 'Find free appointment slots for a service around a requested date and time.',
    parameters: {
      type: 'object',
      properties: { service: { type: 'string' }, date: { type: 'string', description: 'YYYY-MM-DD' }, time: { type: 'string', description: 'HH:MM, optional' } },
      required: ['date'],
    },
  },
  {
    type: 'function',
    name: 'book_appointment',
    description: 'Book an appointment in a slot that check_availability returned, after the caller confirmed name, phone and time.',
    parameters: {
      type: 'object',
      properties: { slotStart: { type: 'string' }, service: { type: 'string' }, name: { type: 'string' }, phone: { type: 'string' } },
      required: ['slotStart', 'name', 'phone'],
    },
  },
  {
    type: 'function',
    name: 'move_appointment',
    description: "Move the caller's existing appointment to another free slot.",
    parameters: { type: 'object', properties: { phone: { type: 'string' }, newSlotStart: { type: 'string' } }, required: ['phone', 'newSlotStart'] },
  },
  {
    type: 'function',
    name: 'cancel_appointment',
    description: "Cancel the caller's existing appointment after they confirmed.",
    parameters: { type: 'object', properties: { phone: { type: 'string' } }, required: ['phone'] },
  },
  {
    type: 'function',
    name: 'create_or_update_lead',
    description: "Save the caller's details and what they need.",
    parameters: { type: 'object', properties: { name: { type: 'string' }, phone: { type: 'string' }, need: { type: 'string' } } },
  },
  {
    type: 'function',
    name: 'transfer_to_human',
    description: 'Ask for a person from the business to call the caller back or take over.',
    parameters: { type: 'object', properties: { reason: { type: 'string' } } },
  },
  {
    type: 'function',
    name: 'end_call',
    description: 'End the call after saying goodbye, when the caller has nothing more.',
    parameters: { type: 'object', properties: {} },
  },
];

/**
 * The development and test implementation: answers FAQ by normalised text
 * overlap, ends the call, and answers every booking tool with "not available
 * yet" so the assistant apologises instead of claiming a booking it never made.
 */
export class StaticAssistantTools implements AssistantTools {
  constructor(readonly faq: FaqEntry[] = []) {}

  definitions(): ToolDefinition[] {
    return TOOL_DEFINITIONS;
  }

  invoke(name: string, args: Record<string, unknown>, context?: ToolCallContext): Promise<ToolResult> {
    if (name === 'end_call') return Promise.resolve({ output: { ok: true }, endCall: true });
    if (name === 'answer_faq') return Promise.resolve({ output: this.#answer(typeof args.question === 'string' ? args.question : '', context?.faq ?? this.faq) });
    if ((BOOKING_TOOLS as readonly string[]).includes(name)) {
      return Promise.resolve({
        output: {
          ok: false,
          error: 'not_available_yet',
          instruction: 'This action is not available by phone yet. Apologise briefly, say that someone from the business will get back to the caller, and do not claim that anything was booked, changed or saved.',
        },
      });
    }
    return Promise.resolve({ output: { ok: false, error: 'unknown_tool' } });
  }

  #answer(question: string, faq: FaqEntry[]): Record<string, unknown> {
    const match = new FaqMatcher(faq).matchLocal(question);
    return match ? { found: true, answer: match.entry.answer } : { found: false };
  }
}
