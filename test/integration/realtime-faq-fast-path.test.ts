import type { TwilioCallerFake } from '../../devtools/fakes/twilio-caller-fake';
import { profileFromConfig } from '../../realtime/assistant-profile';
import { StaticAssistantTools } from '../../realtime/assistant-tools';
import { mulawSilence } from '../../realtime/mulaw';
import { nextCallSid, openCall, speech, startHarness, stopHarness, waitUntil, type Harness } from '../support/realtime';

const HOURS_ANSWER = 'אנחנו פתוחים בימים א עד ה מתשע בבוקר עד שש בערב, ובשישי עד אחת בצהריים.';
const PARKING_ANSWER = 'יש חניה חינם מאחורי הבניין.';
/** The business's FAQ as saved in the CRM: hours for both channels, parking for WhatsApp only. */
const BUSINESS_FAQ = [
  { id: '0b6f2a1e-1111-4c1e-8a55-000000000001', question: 'מה שעות הפתיחה?', answer: HOURS_ANSWER, channels: ['voice', 'whatsapp'] as Array<'voice' | 'whatsapp'>, position: 0 },
  { id: '0b6f2a1e-1111-4c1e-8a55-000000000002', question: 'יש לכם חניה?', answer: PARKING_ANSWER, channels: ['whatsapp'] as Array<'voice' | 'whatsapp'>, position: 1 },
];

/** The phone profile as the service builds it from the saved configuration (voice FAQ only). */
const loadProfile = (businessId: string) => Promise.resolve(profileFromConfig(businessId, 'מספרת הדוגמה', { settings: null, activeInstructions: { voice: '', whatsapp: '' }, faq: BUSINESS_FAQ }));

/** One spoken caller turn, once the assistant is quiet (no barge-in). */
async function speakTurn(caller: TwilioCallerFake): Promise<void> {
  await waitUntil(() => caller.frames.length > 0 && caller.bufferedMs === 0, 20_000, 'the assistant to finish speaking');
  await caller.streamAudio(Buffer.concat([speech(600), mulawSilence(900)]));
}

function faqResponseCreates(events: Array<Record<string, unknown>>): Array<{ response: { instructions: string; tool_choice: string; metadata: Record<string, string> } }> {
  return events.filter((e) => e.type === 'response.create' && (e.response as { metadata?: unknown } | undefined)?.metadata) as never;
}

const functionOutputs = (events: Array<Record<string, unknown>>) => events.filter((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'function_call_output');

for (const [title, script] of [
  ['transcription before the automatic reply', { transcriptionDelayMs: 0 }],
  ['transcription after the automatic reply started', { transcriptionDelayMs: 250, deltaIntervalMs: 100 }],
] as const) {
  describe(`FAQ fast path (${title})`, () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness(script, {}, { tools: new StaticAssistantTools(), loadProfile });
    });
    afterAll(async () => {
      await stopHarness(harness);
    });

    it('a Hebrew caller asks an FAQ: the model gets the verbatim answer at once, no answer_faq round trip; other channels and near misses go to the model', async () => {
      harness.fake.armNextSession({
        greeting: 'שלום, מדבר דני',
        turns: [
          // Transcribed first, the model would look it up; transcribed late, it has started a reply of its own.
          script.transcriptionDelayMs === 0
            ? { say: 'שלום, רציתי לשאול מה שעות הפתיחה שלכם?', tool: { name: 'answer_faq', arguments: { question: 'מה שעות הפתיחה' } }, reply: 'לפי מה שמצאתי...' }
            : { say: 'שלום, רציתי לשאול מה שעות הפתיחה שלכם?', reply: 'רגע, אני בודק את שעות הפתיחה בשבילך, זה ייקח לי שנייה אחת בלבד' },
          { say: 'יש לכם חניה?', tool: { name: 'answer_faq', arguments: { question: 'יש לכם חניה?' } }, reply: 'אין לי מידע על חניה, מישהו מהעסק יחזור אליך.' },
          { say: 'יש לכם חנות נוספת בעיר?', reply: 'לא, רק הסניף הזה.' },
        ],
      });
      const callSid = nextCallSid();
      const caller = await openCall(harness, callSid);
      const session = () => harness.fake.sessions.at(-1)!;

      // Turn 1: an FAQ of the phone channel.
      await speakTurn(caller);
      const fast = await harness.events.waitFor('toolCall', (e) => e.callSid === callSid && e.name === 'faq_fast_path', 20_000);
      expect(fast).toMatchObject({ args: { question: 'שלום, רציתי לשאול מה שעות הפתיחה שלכם?' }, output: { found: true, answer: HOURS_ANSWER, faqId: BUSINESS_FAQ[0]!.id, method: 'normalized' } });
      const spoken = await harness.events.waitFor('transcript', (e) => e.callSid === callSid && e.role === 'assistant' && e.text === HOURS_ANSWER, 20_000);
      expect(spoken.text).toBe(HOURS_ANSWER);
      const creates = faqResponseCreates(session().events);
      expect(creates).toHaveLength(1);
      expect(creates[0]!.response.instructions).toContain(`"${HOURS_ANSWER}"`);
      expect(creates[0]!.response).toMatchObject({ tool_choice: 'none', metadata: { prosaas_faq: BUSINESS_FAQ[0]!.id } });
      // No function output was ever sent for answer_faq, and the tools were not asked.
      expect(functionOutputs(session().events)).toEqual([]);
      expect(harness.events.of('toolCall').filter((e) => e.callSid === callSid && e.name === 'answer_faq')).toEqual([]);
      if (script.transcriptionDelayMs > 0) {
        // The automatic reply was already speaking: cancelled and cut where the caller stopped hearing it.
        expect(session().events.some((e) => e.type === 'response.cancel')).toBe(true);
        expect(session().truncates).toHaveLength(1);
        expect(caller.clears.length).toBe(1);
      }

      // Turn 2: an FAQ of the WhatsApp channel only: not answered on the phone, the model looks it up (and finds nothing).
      await speakTurn(caller);
      const lookup = await harness.events.waitFor('toolCall', (e) => e.callSid === callSid && e.name === 'answer_faq', 20_000);
      expect(lookup.output).toEqual({ found: false });
      await waitUntil(() => functionOutputs(session().events).length === 1, 10_000, 'answer_faq output');

      // Turn 3: a near miss ("חנות" is not "חניה"): the model answers itself.
      await speakTurn(caller);
      await harness.events.waitFor('transcript', (e) => e.callSid === callSid && e.role === 'assistant' && e.text === 'לא, רק הסניף הזה.', 20_000);
      expect(faqResponseCreates(session().events)).toHaveLength(1);
      expect(harness.events.of('toolCall').filter((e) => e.callSid === callSid && e.name === 'faq_fast_path')).toHaveLength(1);
      // The only model error allowed: a cancel that reached a response the fake had already finished.
      expect(session().errorsSent.map((e) => (e.error as { code: string }).code).filter((code) => code !== 'response_cancel_not_active')).toEqual([]);

      caller.stop();
      await harness.events.waitFor('end', (e) => e.callSid === callSid);
      caller.close();
    }, 60_000);
  });
}
