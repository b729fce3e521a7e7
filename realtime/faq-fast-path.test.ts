import { FAQ_METADATA_KEY, FaqFastPath } from './faq-fast-path';
import type { FaqEmbedder, FaqMatch } from './faq-matcher';

const FAQ = [
  { id: 'hours', question: 'מה שעות הפתיחה?', answer: 'א-ה 9:00-18:00, שישי 9:00-13:00' },
  { id: 'parking', question: 'יש לכם חניה?', answer: 'כן, יש חניה חינם מאחורי הבניין.' },
];

function lookUpNow(path: FaqFastPath, question: string): FaqMatch | null {
  let found: FaqMatch | null = null;
  path.lookUp(question, (match) => (found = match));
  return found;
}

describe('FaqFastPath (one call: the turn\'s answer and its response.create)', () => {
  it('answers a local match at once and builds a verbatim response.create tagged with the entry', () => {
    const path = new FaqFastPath();
    path.load(FAQ);
    const match = lookUpNow(path, 'יש חניה?');
    expect(match?.entry.id).toBe('parking');
    expect(path.accept(match!)).toBe(true);
    expect(path.pending).toBe(true);
    expect(path.unrequested).toBe(true);
    const request = path.request('CA1');
    expect(request).toMatchObject({ type: 'response.create', event_id: 'faq_CA1_1', response: { tool_choice: 'none', metadata: { [FAQ_METADATA_KEY]: 'parking' } } });
    expect((request!.response as { instructions: string }).instructions).toContain('כן, יש חניה חינם מאחורי הבניין.');
    expect(path.unrequested).toBe(false);
    expect(path.pending).toBe(true);
  });

  it('gives one answer per caller turn, and none once the model looked the question up itself', () => {
    const path = new FaqFastPath();
    path.load(FAQ);
    const hours = lookUpNow(path, 'מה שעות הפתיחה')!;
    expect(path.accept(hours)).toBe(true);
    expect(path.answeredThisTurn).toBe(FAQ[0]!.answer);
    expect(path.accept(lookUpNow(path, 'יש חניה?')!)).toBe(false);
    path.newTurn();
    expect(path.answeredThisTurn).toBeNull();
    path.lookedUpByModel();
    expect(path.accept(hours)).toBe(false);
    path.newTurn();
    expect(path.accept(hours)).toBe(true);
  });

  it('stops waiting only when the created response carries its metadata', () => {
    const path = new FaqFastPath();
    path.load(FAQ);
    path.accept(lookUpNow(path, 'יש חניה?')!);
    path.request('CA2');
    expect(path.isAnswer(undefined)).toBe(false);
    expect(path.isAnswer({ other: 'x' })).toBe(false);
    expect(path.pending).toBe(true);
    expect(path.isAnswer({ [FAQ_METADATA_KEY]: 'parking' })).toBe(true);
    expect(path.pending).toBe(false);
    expect(path.request('CA2')).toBeNull();
  });

  it('asks to resend only when the model refused this request, with a new event id', () => {
    const path = new FaqFastPath();
    path.load(FAQ);
    path.accept(lookUpNow(path, 'יש חניה?')!);
    expect(path.refused('faq_CA3_1')).toBe(false); // nothing requested yet
    path.request('CA3');
    expect(path.refused('some_other_event')).toBe(false);
    expect(path.refused('faq_CA3_1')).toBe(true);
    expect(path.unrequested).toBe(true);
    expect(path.refused('faq_CA3_1')).toBe(false);
    expect(path.request('CA3')).toMatchObject({ event_id: 'faq_CA3_2' });
  });

  it('finds nothing without entries, and uses the semantic fallback later when the local match misses', async () => {
    const empty = new FaqFastPath();
    empty.load([]);
    expect(lookUpNow(empty, 'יש חניה?')).toBeNull();
    const embedder: FaqEmbedder = { embed: (texts) => Promise.resolve(texts.map((text) => (text.includes('פתוח') || text.includes('שעות') ? [1, 0] : [0, 1]))) };
    const path = new FaqFastPath(embedder);
    path.load(FAQ);
    const found = new Promise<FaqMatch>((resolve) => path.lookUp('מתי אתם פתוחים?', resolve));
    await expect(found).resolves.toMatchObject({ method: 'embedding', entry: { id: 'hours' } });
  });
});
