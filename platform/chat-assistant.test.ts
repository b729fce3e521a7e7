import { FakeOpenAiChat } from '../devtools/fakes/openai-chat-fake';
import { TEMPORAL_TOOL_DEFINITIONS } from '../realtime/temporal-tools';
import { chatInstructions, OpenAiChatAssistant, type ChatReplyInput, type ChatTools, type ChatTurn } from './chat-assistant';
import { BOOKED_MARK, LocalChatAssistant } from './local-chat-assistant';

// Sunday 23 Nov 2026, 10:00 in Israel.
const NOW = Date.parse('2026-11-23T08:00:00Z');

function recordingTools(answers: Record<string, Record<string, unknown>>): ChatTools & { calls: Array<{ name: string; args: Record<string, unknown> }> } {
  const calls: Array<{ name: string; args: Record<string, unknown> }> = [];
  return {
    calls,
    definitions: TEMPORAL_TOOL_DEFINITIONS,
    invoke: (name, args) => {
      calls.push({ name, args });
      return Promise.resolve(answers[name] ?? { ok: false, error: 'unknown_tool' });
    },
  };
}

function input(history: ChatTurn[], tools: ChatTools): ChatReplyInput {
  return { instructions: chatInstructions('מספרת רותי'), history, tools, contactE164: '+972501112233', contactName: null, businessName: 'מספרת רותי', timeZone: 'Asia/Jerusalem', now: NOW };
}

describe(LocalChatAssistant.name, () => {
  it('books an appointment in a scripted Hebrew chat, only through the booking tool', async () => {
    const assistant = new LocalChatAssistant();
    const tools = recordingTools({
      answer_faq: { found: false },
      check_availability: { ok: true, slots: [{ time: '09:00' }, { time: '10:00' }, { time: '10:30' }] },
      book_appointment: { ok: true, booked: true, when: 'יום שני 24.11 בשעה 10:00' },
    });
    const history: ChatTurn[] = [];
    const say = async (text: string) => {
      history.push({ role: 'user', text });
      const reply = await assistant.reply(input(history, tools));
      history.push({ role: 'assistant', text: reply.text });
      return reply.text;
    };
    expect(await say('שלום')).toContain('מספרת רותי');
    expect(await say('אפשר לקבוע תור למחר?')).toContain('10:00');
    expect(tools.calls.at(-1)).toEqual({ name: 'check_availability', args: { date: '2026-11-24' } });
    expect(await say('בעשר בבקשה')).toContain('על איזה שם');
    const confirmation = await say('דנה כהן');
    expect(confirmation.startsWith(BOOKED_MARK)).toBe(true);
    expect(confirmation).toContain('יום שני 24.11 בשעה 10:00');
    expect(tools.calls.filter((c) => c.name === 'book_appointment')).toEqual([
      { name: 'book_appointment', args: { slotStart: '2026-11-24T10:00', name: 'דנה כהן', phone: '+972501112233' } },
    ]);
    // After the booking, a thank-you is not a second booking.
    await say('תודה רבה');
    expect(tools.calls.filter((c) => c.name === 'book_appointment')).toHaveLength(1);
  });

  it('never claims a booking the tool refused, and offers the alternatives', async () => {
    const tools = recordingTools({ book_appointment: { ok: false, booked: false, error: 'slot_unavailable', alternatives: [{ when: 'מחר ב-11:00' }] } });
    const reply = await new LocalChatAssistant().reply(input([{ role: 'user', text: 'קוראים לי יוסי, תור למחר בעשר' }], tools));
    expect(reply.text).not.toContain(BOOKED_MARK);
    expect(reply.text).toContain('מחר ב-11:00');
  });

  it('answers a FAQ question from the FAQ tool', async () => {
    const tools = recordingTools({ answer_faq: { found: true, answer: 'אנחנו ברחוב הרצל 5, תל אביב.' } });
    const reply = await new LocalChatAssistant().reply(input([{ role: 'user', text: 'מה הכתובת שלכם?' }], tools));
    expect(reply.text).toBe('אנחנו ברחוב הרצל 5, תל אביב.');
  });
});

describe(OpenAiChatAssistant.name, () => {
  let fake: FakeOpenAiChat;
  let baseUrl: string;

  beforeAll(async () => {
    fake = new FakeOpenAiChat('sk-test', (request) => {
      const toolAnswer = request.messages.find((message) => message.role === 'tool');
      if (!toolAnswer) return { toolCalls: [{ name: 'book_appointment', arguments: { slotStart: 'מחר בעשר', name: 'דנה', phone: '0501112233' } }] };
      const result = JSON.parse(toolAnswer.content ?? '{}') as { booked?: boolean; when?: string };
      return { content: result.booked ? `קבעתי לך תור ל${result.when}` : 'לא הצלחתי לקבוע' };
    });
    baseUrl = await fake.start();
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('calls the tools the model asks for over Chat Completions and answers from their results', async () => {
    const tools = recordingTools({ book_appointment: { ok: true, booked: true, when: 'מחר ב-10:00' } });
    const assistant = new OpenAiChatAssistant({ apiKey: 'sk-test', baseUrl, model: 'gpt-4o-mini' });
    const reply = await assistant.reply(input([{ role: 'user', text: 'אני דנה, אפשר תור למחר בעשר?' }], tools));
    expect(reply.text).toBe('קבעתי לך תור למחר ב-10:00');
    expect(tools.calls).toEqual([{ name: 'book_appointment', args: { slotStart: 'מחר בעשר', name: 'דנה', phone: '0501112233' } }]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.tools?.map((tool) => tool.function.name)).toContain('book_appointment');
    expect(fake.requests[0]!.messages[0]).toMatchObject({ role: 'system' });
    expect(fake.requests[1]!.messages.at(-1)).toMatchObject({ role: 'tool' });
  });

  it('fails loudly on a wrong key, so the activity retries instead of sending nonsense', async () => {
    const assistant = new OpenAiChatAssistant({ apiKey: 'sk-wrong', baseUrl });
    await expect(assistant.reply(input([{ role: 'user', text: 'שלום' }], recordingTools({})))).rejects.toThrow(/401|Incorrect API key/);
  });
});
