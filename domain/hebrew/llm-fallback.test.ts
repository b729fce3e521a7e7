import type { DateTimeContext, ParsedDateTime } from './datetime';
import { looksLikeDateTime, parseDateTimeWithFallback, type DateTimeLlmParser } from './llm-fallback';

const CONTEXT: DateTimeContext = { now: '2026-03-10T09:00:00', timeZone: 'Asia/Jerusalem' };

/** A stand-in for the language model: answers from a table and records what it was asked. */
class FakeLlm implements DateTimeLlmParser {
  readonly asked: string[] = [];
  constructor(private readonly answer: (text: string) => ParsedDateTime | null | Error) {}

  parse(text: string, context: DateTimeContext): Promise<ParsedDateTime | null> {
    this.asked.push(`${text} @ ${String(context.now)}`);
    const answer = this.answer(text);
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
}

describe('looksLikeDateTime', () => {
  it.each(['אחרי החגים', 'בערך בעוד כמה ימים', 'ב-3', 'בסוף החודש', 'לקראת פסח, אחרי שבוע הספר', 'מתי שנוח לכם', 'שלושה'])(
    'says "%s" may name a time',
    (text) => {
      expect(looksLikeDateTime(text)).toBe(true);
    },
  );

  it.each(['לא יודע עדיין', 'תודה רבה', 'אני רוצה לבטל את התור', ''])('says "%s" names no time', (text) => {
    expect(looksLikeDateTime(text)).toBe(false);
  });
});

describe('parseDateTimeWithFallback', () => {
  it('answers from the rules and never asks the model when the rules find a date or time', async () => {
    const llm = new FakeLlm(() => ({ date: '2099-01-01', time: '00:00' }));
    await expect(parseDateTimeWithFallback('מחר בשלוש', CONTEXT, llm)).resolves.toEqual({
      result: { date: '2026-03-11', time: '15:00' },
      source: 'rules',
    });
    expect(llm.asked).toEqual([]);
  });

  it('asks the model, with the same context, when the rules find nothing in text that looks like a time', async () => {
    const llm = new FakeLlm(() => ({ date: '2026-04-05', time: null }));
    await expect(parseDateTimeWithFallback('אחרי החגים', CONTEXT, llm)).resolves.toEqual({
      result: { date: '2026-04-05', time: null },
      source: 'llm',
    });
    expect(llm.asked).toEqual(['אחרי החגים @ 2026-03-10T09:00:00']);
  });

  it('does not ask the model about text that names no time', async () => {
    const llm = new FakeLlm(() => ({ date: '2026-04-05', time: null }));
    await expect(parseDateTimeWithFallback('לא יודע עדיין', CONTEXT, llm)).resolves.toEqual({
      result: { date: null, time: null },
      source: 'none',
    });
    expect(llm.asked).toEqual([]);
  });

  it('works without a model, answering nothing when the rules find nothing', async () => {
    await expect(parseDateTimeWithFallback('אחרי החגים', CONTEXT)).resolves.toEqual({ result: { date: null, time: null }, source: 'none' });
  });

  it('treats a model that fails as no answer and reports why', async () => {
    const llm = new FakeLlm(() => new Error('timeout'));
    await expect(parseDateTimeWithFallback('אחרי החגים', CONTEXT, llm)).resolves.toEqual({
      result: { date: null, time: null },
      source: 'none',
      llmError: 'timeout',
    });
  });

  it('throws away a model answer that is not a real date or time', async () => {
    const llm = new FakeLlm(() => ({ date: '2026-02-30', time: '25:00' }));
    const outcome = await parseDateTimeWithFallback('אחרי החגים', CONTEXT, llm);
    expect(outcome.result).toEqual({ date: null, time: null });
    expect(outcome.source).toBe('none');
    expect(outcome.llmError).toMatch(/malformed/);
  });

  it('counts a model that cannot tell either as no answer, without an error', async () => {
    const llm = new FakeLlm(() => ({ date: null, time: null }));
    await expect(parseDateTimeWithFallback('בסוף החודש', CONTEXT, llm)).resolves.toEqual({ result: { date: null, time: null }, source: 'none' });
  });
});
