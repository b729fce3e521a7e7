import { FaqMatcher, contentWords, faqForChannel, type FaqEmbedder } from './faq-matcher';

const FAQ = [
  { id: 'hours', question: 'מה שעות הפתיחה?', answer: 'א-ה 9:00-18:00, שישי 9:00-13:00' },
  { id: 'parking', question: 'יש לכם חניה?', answer: 'כן, יש חניה חינם מאחורי הבניין.' },
  { id: 'price', question: 'כמה עולה תספורת גברים?', answer: 'תספורת גברים עולה 80 שקלים.' },
];

describe('FaqMatcher (normalizer, then the semantic fallback)', () => {
  const matcher = new FaqMatcher(FAQ);

  it('matches a spoken question through niqqud, final letters, prefixes and filler words', () => {
    expect(matcher.matchLocal('שלום, רציתי לשאול מה שְׁעוֹת הפתיחה שלכם')?.entry.id).toBe('hours');
    expect(matcher.matchLocal('יש חניה?')?.entry.id).toBe('parking');
    expect(matcher.matchLocal('והחניה, יש לכם?')?.entry.id).toBe('parking');
    expect(matcher.matchLocal('כמה עולה תספורת גברים אצלכם')).toMatchObject({ method: 'normalized', entry: { id: 'price' } });
  });

  it('lets near misses and longer requests fall through to the model', () => {
    expect(matcher.matchLocal('יש לכם חנות נוספת?')).toBeNull();
    expect(matcher.matchLocal('כמה עולה צבע?')).toBeNull();
    expect(matcher.matchLocal('אני רוצה לקבוע תור למחר בעשר')).toBeNull();
    expect(matcher.matchLocal('יש לכם חניה? ואני רוצה לקבוע תור למחר בעשר לתספורת')).toBeNull();
    expect(matcher.matchLocal('שלום')).toBeNull();
    expect(new FaqMatcher([]).matchLocal('מה שעות הפתיחה')).toBeNull();
  });

  it('falls back to trigram similarity for a transcription slip', () => {
    expect(matcher.matchLocal('מה שעות הפתיחא')).toMatchObject({ method: 'trigram', entry: { id: 'hours' } });
  });

  it('uses embeddings as the fallback when an embedder is given, and no match when it fails', async () => {
    const vectors: Record<string, number[]> = { 'מתי אתם פתוחים?': [1, 0.1, 0], 'מה שעות הפתיחה?': [0.98, 0.12, 0], 'יש לכם חניה?': [0, 1, 0], 'כמה עולה תספורת גברים?': [0, 0, 1] };
    const embedder: FaqEmbedder = { embed: (texts) => Promise.resolve(texts.map((text) => vectors[text] ?? [0.3, 0.3, 0.3])) };
    await expect(new FaqMatcher(FAQ, { embedder }).match('מתי אתם פתוחים?')).resolves.toMatchObject({ method: 'embedding', entry: { id: 'hours' } });
    await expect(new FaqMatcher(FAQ, { embedder }).match('משהו אחר לגמרי')).resolves.toBeNull();
    const failing: FaqEmbedder = { embed: () => Promise.reject(new Error('down')) };
    await expect(new FaqMatcher(FAQ, { embedder: failing }).match('מתי אתם פתוחים?')).resolves.toBeNull();
    await expect(new FaqMatcher(FAQ, { embedder: failing }).match('מה שעות הפתיחה')).resolves.toMatchObject({ method: 'normalized' });
  });

  it('keeps only the entries of the channel', () => {
    const entries = [
      { ...FAQ[0]!, channels: ['voice', 'whatsapp'] },
      { ...FAQ[1]!, channels: ['whatsapp'] },
    ];
    expect(faqForChannel(entries, 'voice').map((entry) => entry.id)).toEqual(['hours']);
    expect(faqForChannel(entries, 'whatsapp').map((entry) => entry.id)).toEqual(['hours', 'parking']);
  });

  it('drops filler words', () => {
    expect(contentWords('שלום, יש לכם חניה?')).toEqual(['חניה']);
  });
});
