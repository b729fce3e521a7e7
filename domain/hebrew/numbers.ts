import { normalizeHebrewWord } from './normalize';
import { MAX_PREFIX_LENGTH, isPrefixLetter } from './tokens';

/**
 * Hebrew cardinal numbers 0–9999 in words, both genders, with construct forms (שלושת, ארבעת) and
 * the conjunction ו before any part but the first: "אלף תשע מאות שמונים וארבע" = 1984.
 */

type NumberWordKind =
  | 'zero'
  | 'unit' // 1–9
  | 'ten' // עשר / עשרה: 10 alone, or the "-teen" after a unit
  | 'tens' // 20–90
  | 'hundred' // מאה, מאתיים: a complete hundreds part
  | 'hundreds' // מאות: multiplies the unit before it
  | 'thousand' // אלף: a complete thousands part
  | 'thousands'; // אלפים: multiplies the unit before it, or 2000 alone (אלפיים once yods are collapsed)

interface NumberWord {
  readonly value: number;
  readonly kind: NumberWordKind;
  /** Feminine is the counting form and the one used for clock hours; construct forms count as masculine. */
  readonly gender: 'feminine' | 'masculine' | 'either';
}

const SPELLINGS: readonly (readonly [string, number, NumberWordKind, NumberWord['gender']])[] = [
  ['אפס', 0, 'zero', 'either'],
  ['אחת', 1, 'unit', 'feminine'],
  ['אחד', 1, 'unit', 'masculine'],
  ['שתיים', 2, 'unit', 'feminine'],
  ['שתי', 2, 'unit', 'feminine'],
  ['שניים', 2, 'unit', 'masculine'],
  ['שני', 2, 'unit', 'masculine'],
  ['שלוש', 3, 'unit', 'feminine'],
  ['שלש', 3, 'unit', 'feminine'],
  ['שלושה', 3, 'unit', 'masculine'],
  ['שלשה', 3, 'unit', 'masculine'],
  ['שלושת', 3, 'unit', 'masculine'],
  ['שלשת', 3, 'unit', 'masculine'],
  ['ארבע', 4, 'unit', 'feminine'],
  ['ארבעה', 4, 'unit', 'masculine'],
  ['ארבעת', 4, 'unit', 'masculine'],
  ['חמש', 5, 'unit', 'feminine'],
  ['חמישה', 5, 'unit', 'masculine'],
  ['חמשה', 5, 'unit', 'masculine'],
  ['חמשת', 5, 'unit', 'masculine'],
  ['חמישת', 5, 'unit', 'masculine'],
  ['שש', 6, 'unit', 'feminine'],
  ['שישה', 6, 'unit', 'masculine'],
  ['ששה', 6, 'unit', 'masculine'],
  ['ששת', 6, 'unit', 'masculine'],
  ['שישת', 6, 'unit', 'masculine'],
  ['שבע', 7, 'unit', 'feminine'],
  ['שבעה', 7, 'unit', 'masculine'],
  ['שבעת', 7, 'unit', 'masculine'],
  ['שמונה', 8, 'unit', 'either'],
  ['שמנה', 8, 'unit', 'either'],
  ['שמונת', 8, 'unit', 'masculine'],
  ['תשע', 9, 'unit', 'feminine'],
  ['תשעה', 9, 'unit', 'masculine'],
  ['תשעת', 9, 'unit', 'masculine'],
  ['עשר', 10, 'ten', 'feminine'],
  ['עשרה', 10, 'ten', 'masculine'],
  ['עשרת', 10, 'ten', 'masculine'],
  ['עשרים', 20, 'tens', 'either'],
  ['שלושים', 30, 'tens', 'either'],
  ['שלשים', 30, 'tens', 'either'],
  ['ארבעים', 40, 'tens', 'either'],
  ['חמישים', 50, 'tens', 'either'],
  ['חמשים', 50, 'tens', 'either'],
  ['שישים', 60, 'tens', 'either'],
  ['ששים', 60, 'tens', 'either'],
  ['שבעים', 70, 'tens', 'either'],
  ['שמונים', 80, 'tens', 'either'],
  ['תשעים', 90, 'tens', 'either'],
  ['מאה', 100, 'hundred', 'either'],
  ['מאתיים', 200, 'hundred', 'either'],
  ['מאות', 100, 'hundreds', 'either'],
  ['אלף', 1000, 'thousand', 'either'],
  ['אלפיים', 2000, 'thousands', 'either'],
];

const NUMBER_WORDS: ReadonlyMap<string, NumberWord> = new Map(
  SPELLINGS.map(([spelling, value, kind, gender]) => [normalizeHebrewWord(spelling), { value, kind, gender }]),
);

/** The number word a normalized word is, with no prefix letters. */
export function lookupNumberWord(word: string): NumberWord | undefined {
  return NUMBER_WORDS.get(word);
}

export interface NumberMatch {
  readonly value: number;
  /** How many words the number took. */
  readonly length: number;
  /** Prefix letters on its first word ('ב' in 'בשלוש'). */
  readonly prefix: string;
  /** Gender of the first word, to tell 'שלוש' (a clock hour) from 'שלושה' (three of something). */
  readonly gender: NumberWord['gender'];
  /** The number is a single word naming a digit 0–9 (phone numbers read digit by digit). */
  readonly isSingleDigitWord: boolean;
}

function wordWithPrefix(word: string, allowPrefix: (prefix: string) => boolean): { entry: NumberWord; prefix: string } | null {
  for (let length = 0; length <= MAX_PREFIX_LENGTH && length < word.length - 1; length++) {
    if (length > 0 && !isPrefixLetter(word[length - 1]!)) break;
    const entry = NUMBER_WORDS.get(length === 0 ? word : word.slice(length));
    if (!entry) continue;
    const prefix = word.slice(0, length);
    if (allowPrefix(prefix)) return { entry, prefix };
  }
  return null;
}

/** The number word at a position after the first, bare or with ו ("ושלוש"). */
function laterNumberWord(words: readonly (string | null)[], position: number): NumberWord | undefined {
  const word = words[position];
  if (!word) return undefined;
  return NUMBER_WORDS.get(word) ?? (word.startsWith('ו') ? NUMBER_WORDS.get(word.slice(1)) : undefined);
}

function startsWithVav(words: readonly (string | null)[], position: number): boolean {
  const word = words[position];
  return !!word && !NUMBER_WORDS.has(word) && word.startsWith('ו');
}

// Parts of a number in the order they must come; teens and a bare ten fill both tens and units.
const RANK: Readonly<Record<'thousands' | 'hundreds' | 'tens' | 'units', number>> = { thousands: 4, hundreds: 3, tens: 2, units: 1 };

/**
 * Reads the longest number starting at words[index]. The first word may carry prefix letters
 * accepted by `allowPrefix`; later words may carry only ו. Returns null when no number starts there.
 */
export function readHebrewNumber(
  words: readonly (string | null)[],
  index: number,
  allowPrefix: (prefix: string) => boolean = (prefix) => prefix === '' || prefix === 'ו',
): NumberMatch | null {
  const first = words[index];
  if (!first) return null;
  const head = wordWithPrefix(first, allowPrefix);
  if (!head) return null;
  if (head.entry.kind === 'zero') {
    return { value: 0, length: 1, prefix: head.prefix, gender: 'either', isSingleDigitWord: true };
  }

  let total = 0;
  let length = 0;
  let lowestRank = Infinity; // rank of the last part read; the next must rank lower
  while (true) {
    const partStart = index + length;
    const part = readPart(length === 0 ? head.entry : laterNumberWord(words, partStart), words, partStart);
    if (!part || RANK[part.rank] >= lowestRank) break;
    total += part.value;
    length += part.length;
    lowestRank = part.fillsUnits ? RANK.units : RANK[part.rank];
    if (lowestRank === RANK.units) break;
  }
  if (length === 0) return null;
  const isSingleDigitWord = length === 1 && head.entry.kind === 'unit';
  return { value: total, length, prefix: head.prefix, gender: head.entry.gender, isSingleDigitWord };
}

interface NumberPart {
  readonly value: number;
  readonly length: number;
  readonly rank: keyof typeof RANK;
  /** A teen or a bare ten leaves no room for a units word after it. */
  readonly fillsUnits: boolean;
}

function readPart(word: NumberWord | undefined, words: readonly (string | null)[], position: number): NumberPart | null {
  if (!word) return null;
  const next = laterNumberWord(words, position + 1);
  const nextHasVav = startsWithVav(words, position + 1);
  switch (word.kind) {
    case 'unit':
    case 'ten': {
      if (word.kind === 'unit' && next?.kind === 'ten' && !nextHasVav) {
        return { value: word.value + 10, length: 2, rank: 'tens', fillsUnits: true };
      }
      if (next && !nextHasVav && (next.kind === 'hundreds' || next.kind === 'thousands' || next.kind === 'thousand')) {
        const multiplier = next.kind === 'hundreds' ? 100 : 1000;
        if (next.kind === 'hundreds' && word.kind === 'ten') return null;
        return { value: word.value * multiplier, length: 2, rank: multiplier === 100 ? 'hundreds' : 'thousands', fillsUnits: false };
      }
      return word.kind === 'ten'
        ? { value: 10, length: 1, rank: 'tens', fillsUnits: true }
        : { value: word.value, length: 1, rank: 'units', fillsUnits: true };
    }
    case 'tens':
      return { value: word.value, length: 1, rank: 'tens', fillsUnits: false };
    case 'hundred':
      return { value: word.value, length: 1, rank: 'hundreds', fillsUnits: false };
    case 'thousand':
    case 'thousands':
      return { value: word.kind === 'thousand' ? 1000 : 2000, length: 1, rank: 'thousands', fillsUnits: false };
    default:
      return null;
  }
}

/**
 * A whole text as one number: Hebrew words ("שלושת אלפים ומאתיים") or digits ("120"), with an
 * optional leading ו. Null when anything else is in the text or it is not within 0–9999.
 */
export function parseHebrewNumber(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{1,4}$/.test(trimmed)) return Number(trimmed);
  const words = trimmed
    .split(/[\s\u05BE-]+/)
    .filter((word) => word.length > 0)
    .map(normalizeHebrewWord);
  if (words.length === 0) return null;
  const match = readHebrewNumber(words, 0);
  if (!match || match.length !== words.length || match.value > 9999) return null;
  return match.value;
}
