import { parseLocalDate, parseLocalTime } from '../time/civil';
import {
  ANY_PREFIX, DURATION_UNITS, HOUR_MARKERS, IN_WORDS, MIDNIGHT_WORDS, MONTHS, PART_OF_DAY_ACRONYMS, PARTS_OF_DAY, RELATIVE_DAYS,
  SATURDAY_NIGHT_WORDS, WEEK_WORDS, WEEKDAY_NAMES, isWord, matchWord,
} from './datetime-lexicon';
import { parseHebrewDateTime, type DateTimeContext, type ParsedDateTime } from './datetime';
import { readHebrewNumber } from './numbers';
import { tokenize } from './tokens';

/**
 * A slower, smarter parser (a language model) asked only when the rules find nothing in text
 * that looks like it names a time. Implementations live outside domain/ (they do I/O); they
 * resolve to null when they cannot tell either.
 */
export interface DateTimeLlmParser {
  parse(text: string, context: DateTimeContext): Promise<ParsedDateTime | null>;
}

export interface DateTimeParseOutcome {
  readonly result: ParsedDateTime;
  /** Who answered: the deterministic rules, the language model, or nobody. */
  readonly source: 'rules' | 'llm' | 'none';
  /** Why the language model gave no usable answer when it was asked and failed, for the caller to log. */
  readonly llmError?: string;
}

const EMPTY: ParsedDateTime = { date: null, time: null };

const TIME_HINT_WORDS: readonly ReadonlyMap<string, unknown>[] = [
  RELATIVE_DAYS, WEEKDAY_NAMES, MONTHS, PARTS_OF_DAY, PART_OF_DAY_ACRONYMS, DURATION_UNITS,
];
const TIME_HINT_SETS = [HOUR_MARKERS, IN_WORDS, MIDNIGHT_WORDS, SATURDAY_NIGHT_WORDS, WEEK_WORDS] as const;
const FUZZY_TIME_WORDS = /(?:^|\s)(?:אחרי|לפני|מתי|עכשיו|סוף|תחילת|אמצע|שבוע|חג|ערב)/;

/**
 * Whether text plausibly names a date or time (a digit, a number word, a weekday, a month, a part
 * of the day, "בעוד", "שעה", …), so a language model is worth asking when the rules found nothing.
 * "לא יודע עדיין" does not; "אחרי החגים" does.
 */
export function looksLikeDateTime(text: string): boolean {
  if (/\d/.test(text)) return true;
  const tokens = tokenize(text);
  const words = tokens.map((token) => (token.kind === 'word' ? token.text : null));
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    if (!word) continue;
    if (TIME_HINT_WORDS.some((lexicon) => matchWord(word, lexicon, ANY_PREFIX) !== null)) return true;
    if (TIME_HINT_SETS.some((set) => isWord(word, set, ANY_PREFIX))) return true;
    if (readHebrewNumber(words, index, ANY_PREFIX)) return true;
  }
  return FUZZY_TIME_WORDS.test(` ${text}`);
}

/** An answer from outside is kept only when each field is a real date or time, or null. */
function isWellFormed(result: ParsedDateTime): boolean {
  const dateOk = result.date === null || (typeof result.date === 'string' && parseLocalDate(result.date) !== null);
  const timeOk =
    result.time === null || (typeof result.time === 'string' && (parseLocalTime(result.time) ?? 1440) < 1440);
  return dateOk && timeOk;
}

/**
 * The deterministic parser first; the language model only when that found neither a date nor a
 * time and the text looks like it names one. A model that fails, or answers with something other
 * than a date/time, counts as no answer: the caller is asked again rather than booked wrongly.
 */
export async function parseDateTimeWithFallback(
  text: string,
  context: DateTimeContext,
  llm?: DateTimeLlmParser,
): Promise<DateTimeParseOutcome> {
  const byRules = parseHebrewDateTime(text, context);
  if (byRules.date !== null || byRules.time !== null) return { result: byRules, source: 'rules' };
  if (!llm || !looksLikeDateTime(text)) return { result: EMPTY, source: 'none' };
  let byModel: ParsedDateTime | null;
  try {
    byModel = await llm.parse(text, context);
  } catch (error) {
    return { result: EMPTY, source: 'none', llmError: error instanceof Error ? error.message : String(error) };
  }
  if (!byModel || (byModel.date === null && byModel.time === null)) return { result: EMPTY, source: 'none' };
  if (!isWellFormed(byModel)) {
    return { result: EMPTY, source: 'none', llmError: `malformed answer ${JSON.stringify(byModel)}` };
  }
  return { result: { date: byModel.date, time: byModel.time }, source: 'llm' };
}
