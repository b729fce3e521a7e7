import fc from 'fast-check';
import { normalizeHebrewWord } from './normalize';
import { parseHebrewNumber, readHebrewNumber } from './numbers';

describe('parseHebrewNumber', () => {
  it.each<[string, number]>([
    ['אפס', 0],
    ['אחת', 1],
    ['אחד', 1],
    ['שתיים', 2],
    ['שתים', 2],
    ['שניים', 2],
    ['שלוש', 3],
    ['שלש', 3],
    ['שלושה', 3],
    ['ארבעה', 4],
    ['חמישה', 5],
    ['חמשה', 5],
    ['שש', 6],
    ['שישה', 6],
    ['ששה', 6],
    ['שבעה', 7],
    ['שמונה', 8],
    ['תשע', 9],
    ['עשר', 10],
    ['עשרה', 10],
    ['אחת עשרה', 11],
    ['אחד עשר', 11],
    ['שתים עשרה', 12],
    ['שתיים-עשרה', 12],
    ['שנים עשר', 12],
    ['שלוש עשרה', 13],
    ['חמישה עשר', 15],
    ['שמונה עשרה', 18],
    ['תשעה עשר', 19],
    ['עשרים', 20],
    ['עשרים ואחת', 21],
    ['עשרים ושתיים', 22],
    ['שלושים ושלוש', 33],
    ['חמישים ואחת', 51],
    ['חמישים אחת', 51],
    ['ששים', 60],
    ['תשעים ותשע', 99],
    ['מאה', 100],
    ['מאה ואחת', 101],
    ['מאה ועשר', 110],
    ['מאה חמש עשרה', 115],
    ['מאה עשרים ושלוש', 123],
    ['מאתיים', 200],
    ['שלוש מאות', 300],
    ['תשע מאות תשעים ותשע', 999],
    ['אלף', 1000],
    ['אלף ואחת', 1001],
    ['אלפיים', 2000],
    ['שלושת אלפים', 3000],
    ['ארבעת אלפים וחמש מאות', 4500],
    ['חמשת אלפים', 5000],
    ['אלף תשע מאות שמונים וארבע', 1984],
    ['אלפיים עשרים ושש', 2026],
    ['תשעת אלפים תשע מאות תשעים ותשע', 9999],
    ['ושלוש', 3],
    ['ועשרים', 20],
    ['שָׁלוֹשׁ', 3],
    ['42', 42],
  ])('reads "%s" as %i', (text, value) => {
    expect(parseHebrewNumber(text)).toBe(value);
  });

  it.each(['', 'שלום', 'שלוש תפוחים', 'עשרת אלפים', 'מאות', 'שלוש שלוש', 'עשרים עשרים', '12345'])(
    'refuses "%s", which is not one number from 0 to 9999',
    (text) => {
      expect(parseHebrewNumber(text)).toBeNull();
    },
  );
});

describe('readHebrewNumber', () => {
  it('reads the longest number at a position and says how many words it took', () => {
    const words = ['בשלוש', 'ועשרים', 'וחמש', 'דקות'].map(normalizeHebrewWord);
    expect(readHebrewNumber(words, 0, () => true)).toMatchObject({ value: 3, length: 1, prefix: 'ב', gender: 'feminine' });
    expect(readHebrewNumber(words, 1)).toMatchObject({ value: 25, length: 2, prefix: 'ו' });
  });

  it('stops before a number that cannot continue the one it is reading', () => {
    expect(readHebrewNumber(['חמש', 'שתים', 'שלוש'], 0)).toMatchObject({ value: 5, length: 1, isSingleDigitWord: true });
    expect(readHebrewNumber(['אפס', 'חמישים', 'ואחת'].map(normalizeHebrewWord), 0)).toMatchObject({ value: 0, length: 1 });
    expect(readHebrewNumber(['חמישים', 'ואחת'].map(normalizeHebrewWord), 0)).toMatchObject({ value: 51, length: 2 });
  });

  it('tells masculine count words from the feminine forms used for hours', () => {
    expect(readHebrewNumber(['שלושה'], 0)?.gender).toBe('masculine');
    expect(readHebrewNumber(['ארבעת'], 0)?.gender).toBe('masculine');
    expect(readHebrewNumber(['שמונה'], 0)?.gender).toBe('either');
  });

  it('reads back every number from 1 to 9999 written out the way it is spoken', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), (value) => {
        expect(parseHebrewNumber(spellOut(value))).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});

const UNITS = ['', 'אחת', 'שתיים', 'שלוש', 'ארבע', 'חמש', 'שש', 'שבע', 'שמונה', 'תשע'];
const TEENS = ['עשר', 'אחת עשרה', 'שתים עשרה', 'שלוש עשרה', 'ארבע עשרה', 'חמש עשרה', 'שש עשרה', 'שבע עשרה', 'שמונה עשרה', 'תשע עשרה'];
const TENS = ['', '', 'עשרים', 'שלושים', 'ארבעים', 'חמישים', 'שישים', 'שבעים', 'שמונים', 'תשעים'];
const HUNDREDS = ['', 'מאה', 'מאתיים', 'שלוש מאות', 'ארבע מאות', 'חמש מאות', 'שש מאות', 'שבע מאות', 'שמונה מאות', 'תשע מאות'];
const THOUSANDS = ['', 'אלף', 'אלפיים', 'שלושת אלפים', 'ארבעת אלפים', 'חמשת אלפים', 'ששת אלפים', 'שבעת אלפים', 'שמונת אלפים', 'תשעת אלפים'];

/** Feminine counting form, with ו before the last part: 1984 → "אלף תשע מאות שמונים וארבע". */
function spellOut(value: number): string {
  const parts: string[] = [];
  if (value >= 1000) parts.push(THOUSANDS[Math.floor(value / 1000)]!);
  if (value % 1000 >= 100) parts.push(HUNDREDS[Math.floor((value % 1000) / 100)]!);
  const belowHundred = value % 100;
  if (belowHundred >= 10 && belowHundred < 20) parts.push(TEENS[belowHundred - 10]!);
  else {
    if (belowHundred >= 20) parts.push(TENS[Math.floor(belowHundred / 10)]!);
    if (belowHundred % 10 > 0) parts.push(UNITS[belowHundred % 10]!);
  }
  if (parts.length > 1) parts[parts.length - 1] = `ו${parts[parts.length - 1]!}`;
  return parts.join(' ');
}
