import { normalizeHebrewText, normalizeHebrewWord, stripNiqqud } from './normalize';

describe('normalizeHebrewText (for matching FAQ questions)', () => {
  it('strips niqqud and cantillation marks', () => {
    expect(normalizeHebrewText('שָׁלוֹם')).toBe('שלומ');
    expect(normalizeHebrewText('בְּרֵאשִׁ֖ית בָּרָ֣א')).toBe('בראשית ברא');
  });

  it('turns final letters into their regular forms so "שלום" and a typo without a final mem match', () => {
    expect(normalizeHebrewText('שלום')).toBe(normalizeHebrewText('שלומ'));
    expect(normalizeHebrewText('ךםןףץ')).toBe('כמנפצ');
  });

  it('drops geresh and gershayim inside acronyms whichever character was typed', () => {
    const spellings = ['אחה"צ', 'אחה״צ', "אחה''צ", 'אחה”צ', 'אחהצ'];
    expect(new Set(spellings.map(normalizeHebrewText))).toEqual(new Set(['אחהצ']));
  });

  it('turns punctuation into spaces and collapses whitespace', () => {
    expect(normalizeHebrewText('  מה   שעות הפתיחה?!  (בשישי)  ')).toBe('מה שעות הפתיחה בשישי');
    expect(normalizeHebrewText('יום-שישי,\tשבת')).toBe('יומ שישי שבת');
  });

  it('treats doubled vav and yod as one letter, the common spelling variants', () => {
    expect(normalizeHebrewText('שתיים')).toBe(normalizeHebrewText('שתים'));
    expect(normalizeHebrewText('צהריים')).toBe(normalizeHebrewText('צהרים'));
    expect(normalizeHebrewText('קוורטט')).toBe(normalizeHebrewText('קורטט'));
  });

  it('lower-cases Latin letters and keeps digits', () => {
    expect(normalizeHebrewText('WiFi בחינם 24/7')).toBe('wifi בחינמ 24 7');
  });

  it('decomposes Hebrew presentation forms', () => {
    expect(stripNiqqud('\uFB2A\uFB35')).toBe('שו'); // שׁ וּ
  });
});

describe('normalizeHebrewWord', () => {
  it('spells a word the way the parsers’ word lists do', () => {
    expect(normalizeHebrewWord('מָחֳרָתַיִים')).toBe('מחרתימ');
    expect(normalizeHebrewWord("א'")).toBe('א');
  });
});
