import type { Weekday } from '../time/civil';
import { normalizeHebrewWord } from './normalize';
import { MAX_PREFIX_LENGTH, isPrefixLetter } from './tokens';

/** Words the date/time parser knows, spelled the way callers type them, looked up in normalized form. */

function lexicon<T>(entries: readonly (readonly [string, T])[]): ReadonlyMap<string, T> {
  return new Map(entries.map(([spelling, value]) => [normalizeHebrewWord(spelling), value]));
}

function wordSet(spellings: readonly string[]): ReadonlySet<string> {
  return new Set(spellings.map(normalizeHebrewWord));
}

/** Which prefix letters a word may carry where it is being matched. */
export type PrefixRule = (prefix: string) => boolean;
export const ANY_PREFIX: PrefixRule = () => true;
export const NO_PREFIX: PrefixRule = (prefix) => prefix === '';
/** "at / to / from", optionally after "and"/"that" and before "the": ב, ל, מ, וב, של, מה … */
export const LOCATIVE_PREFIX: PrefixRule = (prefix) => /^[וש]?[בלמ]ה?$/.test(prefix);

// The matchers below try a word whole, then without one, two or three leading prefix letters
// (as prefixSplits lists them), inline rather than through prefixSplits: they run for every
// token and recognizer, and allocating the splits each time was most of the parser's cost.

/** The value of a word, trying it whole first and then without prefix letters the rule allows. */
export function matchWord<T>(
  word: string | null | undefined,
  words: ReadonlyMap<string, T>,
  allowPrefix: PrefixRule = ANY_PREFIX,
): { value: T; prefix: string } | null {
  if (!word) return null;
  for (let length = 0; length <= MAX_PREFIX_LENGTH && length < word.length - 1; length++) {
    if (length > 0 && !isPrefixLetter(word[length - 1]!)) break;
    const value = words.get(length === 0 ? word : word.slice(length));
    if (value === undefined) continue;
    const prefix = word.slice(0, length);
    if (allowPrefix(prefix)) return { value, prefix };
  }
  return null;
}

/** The prefix letters before a word of the set ('' when bare), or null when it is not one. */
export function prefixBefore(
  word: string | null | undefined,
  words: ReadonlySet<string>,
  allowPrefix: PrefixRule = ANY_PREFIX,
): string | null {
  if (!word) return null;
  for (let length = 0; length <= MAX_PREFIX_LENGTH && length < word.length - 1; length++) {
    if (length > 0 && !isPrefixLetter(word[length - 1]!)) break;
    if (!words.has(length === 0 ? word : word.slice(length))) continue;
    const prefix = word.slice(0, length);
    if (allowPrefix(prefix)) return prefix;
  }
  return null;
}

export function isWord(word: string | null | undefined, words: ReadonlySet<string>, allowPrefix: PrefixRule = ANY_PREFIX): boolean {
  return prefixBefore(word, words, allowPrefix) !== null;
}

export const RELATIVE_DAYS = lexicon<number>([
  ['היום', 0],
  ['מחר', 1],
  ['מחרתיים', 2],
]);

export const WEEKDAY_NAMES = lexicon<Weekday>([
  ['ראשון', 0],
  ['שני', 1],
  ['שלישי', 2],
  ['שלשי', 2],
  ['רביעי', 3],
  ['רבעי', 3],
  ['חמישי', 4],
  ['חמשי', 4],
  ['שישי', 5],
  ['ששי', 5],
  ['שבת', 6],
]);

/** "יום א׳" … "יום ו׳", and "יום ש׳" / "יום ז׳" for Saturday. */
export const WEEKDAY_LETTERS = lexicon<Weekday>([
  ['א', 0],
  ['ב', 1],
  ['ג', 2],
  ['ד', 3],
  ['ה', 4],
  ['ו', 5],
  ['ש', 6],
  ['ז', 6],
]);

export const DAY_WORDS = wordSet(['יום']);

/** Ordinals for days of the month ("הראשון לאפריל", "בעשירי לחודש"). */
export const ORDINAL_DAYS = lexicon<number>([
  ['ראשון', 1],
  ['שני', 2],
  ['שלישי', 3],
  ['רביעי', 4],
  ['חמישי', 5],
  ['שישי', 6],
  ['שביעי', 7],
  ['שמיני', 8],
  ['תשיעי', 9],
  ['עשירי', 10],
]);

export const MONTHS = lexicon<number>([
  ['ינואר', 1], ['יאנואר', 1], ['ינו', 1],
  ['פברואר', 2], ['פבואר', 2], ['פבר', 2], ['פברוארי', 2],
  ['מרץ', 3], ['מרס', 3], ['מארס', 3], ['מארץ', 3], ['מרטס', 3],
  ['אפריל', 4], ['אפרל', 4], ['אפר', 4], ['אבריל', 4],
  ['מאי', 5],
  ['יוני', 6], ['יונ', 6],
  ['יולי', 7], ['יול', 7],
  ['אוגוסט', 8], ['אגוסט', 8], ['אוג', 8], ['אוגוסת', 8],
  ['ספטמבר', 9], ['ספטמבער', 9], ['ספט', 9],
  ['אוקטובר', 10], ['אוקטובער', 10], ['אוקטבר', 10], ['אוק', 10], ['אקטובר', 10],
  ['נובמבר', 11], ['נובמבער', 11], ['נוב', 11],
  ['דצמבר', 12], ['דצמבער', 12], ['דיצמבר', 12], ['דצמ', 12], ['דסמבר', 12],
]);

export const MONTH_NOUN = wordSet(['חודש']);

export type PartOfDay = 'morning' | 'early_morning' | 'noon' | 'afternoon' | 'evening' | 'night';

/** One-word parts of the day; they count only with a prefix (בבוקר, ובערב) or ה (today: הערב). */
export const PARTS_OF_DAY = lexicon<PartOfDay>([
  ['בוקר', 'morning'],
  ['צהריים', 'noon'],
  ['צהרי', 'noon'],
  ['ערב', 'evening'],
  ['לילה', 'night'],
]);

/** Acronyms and one-word forms that stand alone: אחה״צ, לפנה״צ. */
export const PART_OF_DAY_ACRONYMS = lexicon<PartOfDay>([
  ['אחהצ', 'afternoon'],
  ['אחהצה', 'afternoon'],
  ['לפנהצ', 'morning'],
  ['אחצ', 'afternoon'],
]);

export const AFTER_WORDS = wordSet(['אחרי', 'אחר']);
export const BEFORE_WORDS = wordSet(['לפני']);
export const TOWARDS_WORDS = wordSet(['לפנות']);
export const NOON_WORDS = wordSet(['צהריים', 'צהרים', 'צהרי']);
export const HOURS_NOUN = wordSet(['שעות']);
export const MIDNIGHT_WORDS = wordSet(['חצות']);

/** Greetings that contain a part of the day but say nothing about when. */
export const GREETING_FOLLOWERS = wordSet(['טוב', 'טובים', 'טובה', 'שלום']);

/**
 * "יום רביעי הבא" said on a Tuesday is the Wednesday of next week (the fixtures' reading, as with
 * English "next Wednesday"); "יום רביעי הקרוב" is the coming one, tomorrow.
 */
export const NEXT_WORDS = wordSet(['הבא', 'הבאה', 'שבא', 'שבאה', 'שאחרי']);
export const COMING_WORDS = wordSet(['הקרוב', 'הקרובה']);
export const THIS_WORDS = wordSet(['הזה', 'הזאת', 'הנוכחי']);
export const WEEK_WORDS = wordSet(['שבוע']);
export const OF_WORDS = wordSet(['של']);
export const SATURDAY_NIGHT_WORDS = wordSet(['מוצש', 'מוצאש', 'מוצאי', 'מוצאיי', 'מוצאשבת']);
export const SATURDAY_WORDS = wordSet(['שבת']);
export const EVE_WORDS = wordSet(['ערב']);

/** "בעוד", "עוד": the start of "in N days/hours". */
export const IN_WORDS = wordSet(['עוד']);
export const FROM_NOW_WORDS = wordSet(['מהיום', 'מעכשיו', 'מעכשו', 'מהרגע']);

export interface DurationUnit {
  readonly days?: number;
  readonly months?: number;
  readonly minutes?: number;
  /** Dual forms (יומיים, שעתיים) already carry their count of two. */
  readonly dual?: boolean;
  /** Count meant when the word stands without one (1 unless said otherwise). */
  readonly countWhenAlone?: number;
}

export const DURATION_UNITS = lexicon<DurationUnit>([
  ['יום', { days: 1 }],
  ['ימים', { days: 1 }],
  ['יומיים', { days: 2, dual: true }],
  ['שבוע', { days: 7 }],
  ['שבועות', { days: 7 }],
  ['שבועיים', { days: 14, dual: true }],
  ['חודש', { months: 1 }],
  // חודשיים (two months) and חודשים (months) are one word once the doubled yod is collapsed;
  // alone it is the dual, after a count ("שלושה חודשים") the plural.
  ['חודשים', { months: 1, countWhenAlone: 2 }],
  ['שנה', { months: 12 }],
  ['שנים', { months: 12 }],
  ['שנתיים', { months: 24, dual: true }],
  ['שעה', { minutes: 60 }],
  ['שעות', { minutes: 60 }],
  ['שעתיים', { minutes: 120, dual: true }],
  ['דקה', { minutes: 1 }],
  ['דקות', { minutes: 1 }],
]);

export const HALF_WORDS = wordSet(['חצי']);
export const MINUS_WORDS = wordSet(['פחות']);
/** Words after which a bare "ראשון"/"שני" is a day: "אפשר ראשון?", "או שני". */
export const DAY_CHOICE_LEADS = wordSet(['אפשר', 'אולי', 'או', 'נגיד', 'עדיף', 'רק', 'כן', 'לא', 'אז', 'גם', 'ואולי', 'מעדיף', 'מעדיפה']);
/** Words that leave an answer a bare number: "שלוש" or "אולי שלוש, תודה" is three o'clock. */
export const FILLER_WORDS = wordSet([
  'אפשר', 'אולי', 'נגיד', 'עדיף', 'רק', 'כן', 'אז', 'גם', 'בבקשה', 'תודה', 'רבה', 'טוב', 'בסדר', 'סבבה', 'יאללה', 'אה', 'אהה',
  'אמ', 'אממ', 'ממ', 'נו', 'בערך', 'בדיוק', 'מעדיף', 'מעדיפה', 'נוח', 'לי', 'בשבילי', 'שלום', 'היי',
]);
export const QUARTER_WORDS = wordSet(['רבע']);
export const QUARTERS_WORDS = wordSet(['רבעי']);
export const MINUTE_WORDS = wordSet(['דקה', 'דקות', "דק"]);
export const HOUR_MARKERS = wordSet(['שעה']);

/** Words before a bare number that make it a clock hour: "אחרי שלוש", "עד 5", "בסביבות ארבע". */
export const HOUR_LEAD_WORDS = wordSet([
  'אחרי', 'לפני', 'עד', 'סביב', 'סביבות', 'בסביבות', 'בערך', 'בסביבת', 'לקראת', 'החל', 'בין',
]);
export const BETWEEN_WORDS = wordSet(['בין']);

/** Nouns that make a number a count of something, not a clock hour: "שלושה ימים", "לשניים אנשים". */
export const COUNTED_NOUNS = wordSet([
  'יום', 'ימים', 'שבוע', 'שבועות', 'חודש', 'חודשים', 'שנה', 'שנים', 'שעות', 'דקות', 'דקה', 'אנשים', 'איש', 'פעמים',
  'תורים', 'שקל', 'שקלים', 'שח', 'אחוז', 'ילדים', 'מקומות', 'טיפולים', 'חדרים', 'נשים', 'גברים', 'בנות', 'בנים',
]);
