import type { Weekday } from '../time/civil';
import {
  AFTER_WORDS, ANY_PREFIX, BEFORE_WORDS, COMING_WORDS, COUNTED_NOUNS, DAY_CHOICE_LEADS, DAY_WORDS, DURATION_UNITS, EVE_WORDS,
  FILLER_WORDS, GREETING_FOLLOWERS, HALF_WORDS, HOUR_MARKERS, HOURS_NOUN, LOCATIVE_PREFIX, MINUS_WORDS, MINUTE_WORDS,
  NEXT_WORDS, NO_PREFIX, NOON_WORDS, ORDINAL_DAYS, PART_OF_DAY_ACRONYMS, PARTS_OF_DAY, QUARTER_WORDS, QUARTERS_WORDS,
  RELATIVE_DAYS, SATURDAY_NIGHT_WORDS, SATURDAY_WORDS, THIS_WORDS, TOWARDS_WORDS, WEEK_WORDS, WEEKDAY_LETTERS,
  WEEKDAY_NAMES, isWord, matchWord, prefixBefore, type PartOfDay, type PrefixRule,
} from './datetime-lexicon';
import { readHebrewNumber, type NumberMatch } from './numbers';
import type { NumberToken, Token } from './tokens';

/**
 * Readers for the phrases a date/time is made of: each looks at the tokens from a position and
 * says what phrase starts there and how many tokens it takes, without deciding anything. The
 * scanner (datetime-scan.ts) chooses among them and records what was said.
 */

export type WeekChoice = 'next_occurrence' | 'this_week' | 'next_week';

/** A clock reading before the part of day is applied: "רבע לחמש" is hour 5, offset −15. */
export interface ClockReading {
  readonly hour: number;
  readonly minute: number;
  readonly offsetMinutes: number;
  /** Said as a 24-hour time (16:00, 09:30, שמונה עשרה) and so never moved to the afternoon. */
  readonly literal: boolean;
}

export const VAV_ONLY: PrefixRule = (prefix) => prefix === 'ו';
export const VAV_OR_NONE: PrefixRule = (prefix) => prefix === '' || prefix === 'ו';
/** '', ו, ב, וב: "בעוד", "ובעוד", "ברבע ל…". */
export const IN_PREFIX: PrefixRule = (prefix) => /^ו?ב?$/.test(prefix);
export const HOUR_PREFIX: PrefixRule = (prefix) => /^[וש]?[בלמכ]?$/.test(prefix);
export const TO_PREFIX: PrefixRule = (prefix) => prefix === 'ל';
/** כ- is "about": "בעוד כשעה", "בעוד כ-20 דקות". */
export const ABOUT_PREFIX: PrefixRule = (prefix) => prefix === '' || prefix === 'כ';

export interface Span {
  readonly value: number;
  readonly length: number;
}

export class PhraseReader {
  /** Words and numbers, punctuation dropped. */
  readonly tokens: readonly Token[];
  private readonly words: readonly (string | null)[];

  constructor(allTokens: readonly Token[]) {
    this.tokens = allTokens.filter((token) => token.kind !== 'punctuation');
    this.words = this.tokens.map((token) => (token.kind === 'word' ? token.text : null));
  }

  word(index: number): string | null {
    return this.words[index] ?? null;
  }

  numberAt(index: number): NumberToken | null {
    const token = this.tokens[index];
    return token?.kind === 'number' ? token : null;
  }

  plainNumber(index: number, allowPrefix: PrefixRule): number | null {
    const token = this.numberAt(index);
    if (!token || token.parts.length !== 1 || !allowPrefix(token.prefix) || token.parts[0]!.length > 4) return null;
    return Number(token.parts[0]);
  }

  numberWords(index: number, allowPrefix: PrefixRule): NumberMatch | null {
    return readHebrewNumber(this.words, index, allowPrefix);
  }

  /** A count before a unit: "3", "שלושה", "עשרים ואחד". */
  readCount(index: number): Span | null {
    const digits = this.plainNumber(index, ABOUT_PREFIX);
    if (digits !== null) return { value: digits, length: 1 };
    const spoken = this.numberWords(index, ABOUT_PREFIX);
    return spoken ? { value: spoken.value, length: spoken.length } : null;
  }

  /** "שבוע", "3 ימים", "שעתיים וחצי", "חצי שעה", "שעה ועשרים דקות". */
  readDuration(index: number): { days: number; months: number; minutes: number; length: number } | null {
    if (/^שלוש[הת]?$/.test(this.word(index) ?? '') && isWord(this.word(index + 1), QUARTERS_WORDS, NO_PREFIX)) {
      const unit = matchWord(this.word(index + 2), DURATION_UNITS, NO_PREFIX)?.value;
      return unit?.minutes === 60 && !unit.dual ? { days: 0, months: 0, minutes: 45, length: 3 } : null; // שלושת רבעי שעה
    }
    if (isWord(this.word(index), HALF_WORDS, ABOUT_PREFIX) || isWord(this.word(index), QUARTER_WORDS, ABOUT_PREFIX)) {
      const unit = matchWord(this.word(index + 1), DURATION_UNITS, NO_PREFIX)?.value;
      if (unit?.minutes !== 60 || unit.dual) return null;
      return { days: 0, months: 0, minutes: isWord(this.word(index), HALF_WORDS) ? 30 : 15, length: 2 };
    }
    const count = this.readCount(index);
    let next = index + (count?.length ?? 0);
    const unit = matchWord(this.word(next), DURATION_UNITS, count ? NO_PREFIX : ABOUT_PREFIX)?.value;
    if (!unit || (unit.dual && count)) return null;
    next++;
    const times = count?.value ?? unit.countWhenAlone ?? 1;
    if (!count && /^אח[דת]$/.test(this.word(next) ?? '')) next++; // "יום אחד"
    let minutes = (unit.minutes ?? 0) * times;
    if (unit.minutes === 60 || unit.minutes === 120) {
      const extra = this.readMinutesAfter(next);
      if (extra) {
        minutes += extra.value;
        next += extra.length;
      }
    }
    return { days: (unit.days ?? 0) * times, months: (unit.months ?? 0) * times, minutes, length: next - index };
  }

  /** A day of the month: "20", "ה-20", "עשרים ואחד", "הראשון". */
  readDayOfMonth(index: number): Span | null {
    const digits = this.plainNumber(index, ANY_PREFIX);
    if (digits !== null) return digits >= 1 && digits <= 31 ? { value: digits, length: 1 } : null;
    const spoken = this.numberWords(index, ANY_PREFIX);
    if (spoken && spoken.value >= 1 && spoken.value <= 31) return { value: spoken.value, length: spoken.length };
    const ordinal = matchWord(this.word(index), ORDINAL_DAYS, ANY_PREFIX);
    return ordinal ? { value: ordinal.value, length: 1 } : null;
  }

  /** "9.15", "14.30", "בשעה 10.30", "8.30 בבוקר" are times; "12.3" is a date. */
  dottedIsTime(index: number, token: NumberToken): boolean {
    const [hourText, minuteText] = token.parts as [string, string];
    if (minuteText.length !== 2 || Number(hourText) > 24 || Number(minuteText) > 59) return false;
    return (
      Number(minuteText) > 12 ||
      isWord(this.word(index - 1), HOUR_MARKERS, ANY_PREFIX) ||
      this.readPartOfDay(index + 1) !== null
    );
  }

  /** "יום חמישי", "יום ה׳", "בחמישי", "שבת", "מוצאי שבת" (evening), "ערב שבת" (Friday, evening). */
  readWeekdayName(index: number): { day: Weekday; length: number; tonightIfSaturday: boolean; evening: boolean } | null {
    const current = this.word(index);
    if (!RELATIVE_DAYS.has(current ?? '') && isWord(current, DAY_WORDS, ANY_PREFIX)) {
      const token = this.tokens[index + 1];
      const name = matchWord(this.word(index + 1), WEEKDAY_NAMES, NO_PREFIX);
      const letter = token?.kind === 'word' && token.text.length === 1 ? WEEKDAY_LETTERS.get(token.text) : undefined;
      const day = name?.value ?? letter;
      return day === undefined ? null : { day, length: 2, tonightIfSaturday: false, evening: false };
    }
    if (isWord(current, SATURDAY_NIGHT_WORDS, ANY_PREFIX)) {
      const needsSaturday = /מוצאי$/.test(current ?? '');
      if (needsSaturday && !isWord(this.word(index + 1), SATURDAY_WORDS, NO_PREFIX)) return null;
      return { day: 6, length: needsSaturday ? 2 : 1, tonightIfSaturday: true, evening: true };
    }
    if (isWord(current, EVE_WORDS, HOUR_PREFIX) && isWord(this.word(index + 1), SATURDAY_WORDS, NO_PREFIX)) {
      return { day: 5, length: 2, tonightIfSaturday: false, evening: true }; // ערב שבת: Friday, towards the evening
    }
    const name = matchWord(current, WEEKDAY_NAMES, ANY_PREFIX);
    if (!name || isWord(this.word(index + 1), COUNTED_NOUNS, NO_PREFIX)) return null;
    if (name.value === 6 && isWord(this.word(index + 1), GREETING_FOLLOWERS, NO_PREFIX)) return null; // שבת שלום
    const following = this.word(index + 1);
    const hasModifier =
      isWord(following, NEXT_WORDS, NO_PREFIX) ||
      isWord(following, COMING_WORDS, NO_PREFIX) ||
      isWord(following, THIS_WORDS, NO_PREFIX) ||
      isWord(following, WEEK_WORDS, ANY_PREFIX);
    // Bare ראשון/שני/שלישי are also ordinals ("תור ראשון"), so they need more to count as days.
    const standsAsDay =
      hasModifier ||
      index === 0 ||
      isWord(this.word(index - 1), DAY_CHOICE_LEADS, NO_PREFIX) ||
      this.readTime(index + 1, false) !== null ||
      name.value >= 3;
    const accepted = LOCATIVE_PREFIX(name.prefix) || (name.prefix === '' && standsAsDay);
    return accepted ? { day: name.value, length: 1, tonightIfSaturday: false, evening: false } : null;
  }

  /** "בשבוע הבא", "השבוע הבא", "שבוע הבא", "בשבוע הזה", "השבוע". */
  readWeekChoice(index: number): { week: WeekChoice; length: number } | null {
    const prefix = prefixBefore(this.word(index), WEEK_WORDS, ANY_PREFIX);
    if (prefix === null) return null;
    if (isWord(this.word(index + 1), NEXT_WORDS, NO_PREFIX)) return { week: 'next_week', length: 2 };
    if (isWord(this.word(index + 1), THIS_WORDS, NO_PREFIX)) return { week: 'this_week', length: 2 };
    return prefix.endsWith('ה') ? { week: 'this_week', length: 1 } : null;
  }

  /** Minutes said after an hour: "וחצי", "ורבע", "ועשרים", "ו-10 דקות", "עשרים וחמש". */
  readMinutesAfter(index: number): Span | null {
    if (isWord(this.word(index), HALF_WORDS, VAV_ONLY)) return { value: 30, length: 1 };
    if (isWord(this.word(index), QUARTER_WORDS, VAV_ONLY)) return { value: 15, length: 1 };
    if (isWord(this.word(index), MINUTE_WORDS, VAV_ONLY)) return { value: 1, length: 1 };
    let minutes: Span | null = null;
    const digits = this.plainNumber(index, VAV_ONLY);
    if (digits !== null) {
      minutes = { value: digits, length: 1 };
    } else {
      // Without ו only a tens or teens number follows an hour as its minutes: "שלוש עשרים".
      const spoken = this.numberWords(index, VAV_ONLY) ?? this.numberWords(index, NO_PREFIX);
      if (spoken && (spoken.prefix === 'ו' || spoken.value >= 10)) minutes = { value: spoken.value, length: spoken.length };
    }
    if (!minutes || minutes.value < 1 || minutes.value > 59) return null;
    const unit = isWord(this.word(index + minutes.length), MINUTE_WORDS, NO_PREFIX) ? 1 : 0;
    if (!unit && isWord(this.word(index + minutes.length), COUNTED_NOUNS, NO_PREFIX)) return null;
    return { value: minutes.value, length: minutes.length + unit };
  }

  /** Minutes said before "ל<hour>": "רבע", "עשרים", "עשרה", "חמישה", "עשרים וחמש", "7 דקות". */
  readMinutesBefore(index: number): Span | null {
    if (isWord(this.word(index), QUARTER_WORDS, IN_PREFIX)) return { value: 15, length: 1 };
    const digits = this.plainNumber(index, IN_PREFIX);
    const spoken = digits === null ? this.numberWords(index, IN_PREFIX) : null;
    const value = digits ?? spoken?.value;
    const length = digits !== null ? 1 : (spoken?.length ?? 0);
    if (value === undefined || value < 1 || value > 59) {
      return isWord(this.word(index), MINUTE_WORDS, IN_PREFIX) ? { value: 1, length: 1 } : null;
    }
    if (isWord(this.word(index + length), MINUTE_WORDS, NO_PREFIX)) return { value, length: length + 1 };
    return digits === null && [5, 10, 15, 20, 25].includes(value) ? { value, length } : null;
  }

  /** An hour with its minutes, when the words around it make it a time of day. */
  readTime(index: number, certain: boolean): { reading: ClockReading; length: number } | null {
    const token = this.numberAt(index);
    if (token && token.parts.length === 2) return this.readWrittenTime(index, token, certain);
    let hour: number;
    let length: number;
    let prefix: string;
    let weak = false; // masculine count words ("שלושה") are rarely hours
    if (token) {
      const digits = this.plainNumber(index, HOUR_PREFIX);
      if (digits === null || token.parts[0]!.length > 2) return null;
      hour = digits;
      length = 1;
      prefix = token.prefix;
    } else {
      const spoken = this.numberWords(index, HOUR_PREFIX);
      if (!spoken || spoken.value < 1) return null;
      hour = spoken.value;
      length = spoken.length;
      prefix = spoken.prefix;
      weak = spoken.gender === 'masculine' || (hour === 1 && /^ה/.test(this.word(index + 1) ?? ''));
    }
    if (hour > 24 || isWord(this.word(index + length), COUNTED_NOUNS, NO_PREFIX)) return null;
    let minutes = this.readMinutesAfter(index + length);
    let offsetMinutes = 0;
    if (!minutes && isWord(this.word(index + length), MINUS_WORDS, NO_PREFIX)) {
      // "בשמונה פחות רבע" is 7:45.
      const before = this.readMinutesBefore(index + length + 1);
      if (before) {
        offsetMinutes = -before.value;
        minutes = { value: 0, length: before.length + 1 };
      }
    }
    const partFollows = this.readPartOfDay(index + length + (minutes?.length ?? 0)) !== null;
    const prefixed = /[בלמ]/.test(prefix);
    if (!(certain || minutes || partFollows || (prefixed && !weak))) return null;
    return {
      reading: { hour, minute: minutes?.value ?? 0, offsetMinutes, literal: hour >= 13 || hour === 0 },
      length: length + (minutes?.length ?? 0),
    };
  }

  /** "14:30", "9.15" (see dottedIsTime, or any dotted pair when `certain`), and "10-12" after "בין"/"בשעות". */
  private readWrittenTime(index: number, token: NumberToken, certain: boolean): { reading: ClockReading; length: number } | null {
    const [hourText, minuteText] = token.parts as [string, string];
    const separator = token.separators[0];
    if (separator === '-') {
      // A range of hours; the caller can come from its start.
      const [from, to] = [Number(hourText), Number(minuteText)];
      if (!certain || from > 24 || to > 24) return null;
      return { reading: { hour: from, minute: 0, offsetMinutes: 0, literal: from >= 13 || from === 0 }, length: 1 };
    }
    if (separator !== ':' && !(separator === '.' && (certain || this.dottedIsTime(index, token)))) return null;
    const hour = Number(hourText);
    const minute = Number(minuteText);
    if (hour > 24 || minute > 59 || minuteText.length !== 2) return null;
    const literal = hour >= 13 || hour === 0 || (hourText.length === 2 && hourText.startsWith('0'));
    return { reading: { hour, minute, offsetMinutes: 0, literal }, length: 1 };
  }

  /** A number that is the whole answer, give or take a filler word ("שלוש", "אולי אחת עשרה?"), is an hour. */
  readAnswerTime(index: number): { reading: ClockReading; length: number } | null {
    const time = this.readTime(index, true);
    if (!time) return null;
    for (let other = 0; other < this.tokens.length; other++) {
      if (other >= index && other < index + time.length) continue;
      if (!isWord(this.word(other), FILLER_WORDS, VAV_OR_NONE)) return null;
    }
    return time;
  }

  /**
   * "בבוקר", "אחה״צ", "אחר הצהריים", "לפנות ערב", "בשעות הערב", "בצהרי היום"; with ה alone it also
   * names today ("הערב" is this evening). Bare "בוקר", "ערב", "לילה" do not count: they open
   * greetings ("בוקר טוב"); bare "צהריים" does, unless "טובים" follows.
   */
  readPartOfDay(index: number): { part: PartOfDay; length: number; today: boolean } | null {
    const current = this.word(index);
    if (!current) return null;
    const noonNext = isWord(this.word(index + 1), NOON_WORDS, (prefix) => prefix === 'ה' || prefix === '');
    if (isWord(current, AFTER_WORDS, HOUR_PREFIX) && noonNext) return { part: 'afternoon', length: 2, today: false };
    if (isWord(current, BEFORE_WORDS, HOUR_PREFIX) && noonNext) return { part: 'morning', length: 2, today: false };
    if (isWord(current, TOWARDS_WORDS, HOUR_PREFIX)) {
      const part = matchWord(this.word(index + 1), PARTS_OF_DAY, NO_PREFIX)?.value;
      if (part === 'evening') return { part: 'evening', length: 2, today: false };
      if (part === 'morning') return { part: 'early_morning', length: 2, today: false };
    }
    if (isWord(current, HOURS_NOUN, HOUR_PREFIX)) {
      const inner = this.readPartOfDay(index + 1);
      return inner ? { part: inner.part, length: inner.length + 1, today: false } : null;
    }
    const acronym = matchWord(current, PART_OF_DAY_ACRONYMS, ANY_PREFIX);
    if (acronym) return { part: acronym.value, length: 1, today: false };
    const match = matchWord(current, PARTS_OF_DAY, ANY_PREFIX);
    if (!match || isWord(this.word(index + 1), GREETING_FOLLOWERS, NO_PREFIX)) return null;
    const length = match.value === 'noon' && RELATIVE_DAYS.get(this.word(index + 1) ?? '') === 0 ? 2 : 1;
    if (match.prefix === 'ה') return { part: match.value, length, today: length === 1 };
    if (match.prefix === '' && match.value !== 'noon') return null;
    return LOCATIVE_PREFIX(match.prefix) || match.prefix === '' ? { part: match.value, length, today: false } : null;
  }
}
