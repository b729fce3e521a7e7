import type { Weekday } from '../time/civil';
import {
  AFTER_WORDS, ANY_PREFIX, BETWEEN_WORDS, COMING_WORDS, COUNTED_NOUNS, FROM_NOW_WORDS, HOUR_LEAD_WORDS, HOUR_MARKERS,
  HOURS_NOUN, IN_WORDS, MIDNIGHT_WORDS, MONTH_NOUN, MONTHS, NEXT_WORDS, NO_PREFIX, OF_WORDS, RELATIVE_DAYS, THIS_WORDS,
  isWord, matchWord, type PartOfDay,
} from './datetime-lexicon';
import {
  HOUR_PREFIX, IN_PREFIX, PhraseReader, TO_PREFIX, VAV_OR_NONE, type ClockReading, type WeekChoice,
} from './datetime-readers';
import type { Token } from './tokens';

export type { ClockReading, WeekChoice };

/** Everything the words said about the date and time, before it is resolved against `now`. */
export interface DateTimeFindings {
  calendarDate: { day: number; month: number; year: number | null } | null;
  dayOfMonth: { day: number; nextMonth: boolean } | null;
  offset: { days: number; months: number; minutes: number } | null;
  relativeDay: number | null;
  weekday: { weekday: Weekday; week: WeekChoice; tonightIfSaturday: boolean } | null;
  week: WeekChoice | null;
  todayByPartOfDay: boolean;
  clock: ClockReading | null;
  partOfDay: PartOfDay | null;
}

/** Walks the tokens once, left to right, recording the first reading of each kind it meets. */
export function scanDateTime(tokens: readonly Token[]): DateTimeFindings {
  return new DateTimeScanner(tokens).scan();
}

class DateTimeScanner {
  private readonly text: PhraseReader;
  private readonly found: DateTimeFindings = {
    calendarDate: null, dayOfMonth: null, offset: null, relativeDay: null, weekday: null, week: null,
    todayByPartOfDay: false, clock: null, partOfDay: null,
  };
  /** Index just after the last date phrase: "מחר עשר" makes עשר an hour. */
  private dateEnd = -1;

  constructor(tokens: readonly Token[]) {
    this.text = new PhraseReader(tokens);
  }

  scan(): DateTimeFindings {
    for (let index = 0; index < this.text.tokens.length; ) {
      const consumed =
        this.relativeOffset(index) || this.afterTomorrow(index) || this.calendarDate(index) || this.weekday(index) ||
        this.minutesTo(index) || this.clock(index) || this.relativeDay(index) || this.partOfDay(index) ||
        this.weekChoice(index) || this.nextMonthDay(index);
      index += consumed || 1;
    }
    return this.found;
  }

  private setClock(reading: ClockReading): void {
    this.found.clock ??= reading;
  }

  private setPartOfDay(part: PartOfDay): void {
    this.found.partOfDay ??= part;
  }

  private relativeOffset(index: number): number {
    const startsWithIn = isWord(this.text.word(index), IN_WORDS, IN_PREFIX);
    const duration = this.text.readDuration(startsWithIn ? index + 1 : index);
    if (!duration) return 0;
    let next = (startsWithIn ? index + 1 : index) + duration.length;
    const fromNow = isWord(this.text.word(next), FROM_NOW_WORDS, VAV_OR_NONE);
    if (!startsWithIn && !fromNow) return 0;
    if (fromNow) next++;
    this.found.offset ??= { days: duration.days, months: duration.months, minutes: duration.minutes };
    this.dateEnd = next;
    return next - index;
  }

  private afterTomorrow(index: number): number {
    const tomorrowFollows = matchWord(this.text.word(index + 1), RELATIVE_DAYS, NO_PREFIX)?.value === 1;
    if (!isWord(this.text.word(index), AFTER_WORDS, HOUR_PREFIX) || !tomorrowFollows) return 0;
    this.found.relativeDay ??= 2;
    this.dateEnd = index + 2;
    return 2;
  }

  private relativeDay(index: number): number {
    const match = matchWord(this.text.word(index), RELATIVE_DAYS, ANY_PREFIX);
    if (!match) return 0;
    this.found.relativeDay ??= match.value;
    this.dateEnd = index + 1;
    return 1;
  }

  private calendarDate(index: number): number {
    const day = this.text.readDayOfMonth(index);
    if (day) {
      let next = index + day.length;
      // "ה-20 לחודש מרץ"
      if (isWord(this.text.word(next), MONTH_NOUN, ANY_PREFIX) && matchWord(this.text.word(next + 1), MONTHS, NO_PREFIX)) next++;
      const month = matchWord(this.text.word(next), MONTHS, (prefix) => /^[בלמ]?$/.test(prefix));
      if (month) {
        next++;
        const year = this.text.plainNumber(next, NO_PREFIX);
        const hasYear = year !== null && year >= 1900 && year <= 2199;
        this.found.calendarDate ??= { day: day.value, month: month.value, year: hasYear ? year : null };
        this.dateEnd = next + (hasYear ? 1 : 0);
        return this.dateEnd - index;
      }
      if (isWord(this.text.word(next), MONTH_NOUN, (prefix) => prefix === 'ל' || prefix === 'ב')) {
        const following = this.text.word(next + 1);
        const nextMonth = isWord(following, NEXT_WORDS, NO_PREFIX) || isWord(following, COMING_WORDS, NO_PREFIX);
        this.found.dayOfMonth ??= { day: day.value, nextMonth };
        this.dateEnd = next + (nextMonth ? 2 : 1);
        return this.dateEnd - index;
      }
    }
    const token = this.text.numberAt(index);
    if (!token) return 0;
    if (token.parts.length === 1) {
      // "ה-20" is the twentieth; "ב-27" cannot be an hour, so it is a day of the month too.
      const value = Number(token.parts[0]);
      const isDay = value >= 1 && value <= 31 && (token.prefix.includes('ה') || (value > 24 && /[בל]/.test(token.prefix)));
      if (!isDay) return 0;
      this.found.dayOfMonth ??= { day: value, nextMonth: false };
      this.dateEnd = index + 1;
      return 1;
    }
    if ((token.parts.length !== 2 && token.parts.length !== 3) || token.separators.includes(':')) return 0;
    if (token.parts.length === 2 && token.separators[0] === '.' && this.text.dottedIsTime(index, token)) return 0;
    if (token.separators[0] === '-' && isWord(this.text.word(index - 1), BETWEEN_WORDS)) return 0;
    // Day first as written in Israel, except an ISO date that starts with its year (2026-03-20).
    const isoOrder = token.parts.length === 3 && token.parts[0]!.length === 4;
    const [dayText, monthText, yearText] = (isoOrder ? [...token.parts].reverse() : token.parts) as [string, string, string?];
    const dayValue = Number(dayText);
    const monthValue = Number(monthText);
    if (dayValue < 1 || dayValue > 31 || monthValue < 1 || monthValue > 12 || monthText.length > 2) return 0;
    let year: number | null = null;
    if (yearText !== undefined) {
      if (yearText.length === 2) year = 2000 + Number(yearText);
      else if (yearText.length === 4) year = Number(yearText);
      else return 0;
    }
    this.found.calendarDate ??= { day: dayValue, month: monthValue, year };
    this.dateEnd = index + 1;
    return 1;
  }

  private weekday(index: number): number {
    const named = this.text.readWeekdayName(index);
    if (!named) return 0;
    if (named.evening) this.setPartOfDay('evening');
    let next = index + named.length;
    let week: WeekChoice = 'next_occurrence';
    for (let guard = 0; guard < 3; guard++) {
      if (isWord(this.text.word(next), NEXT_WORDS, NO_PREFIX)) {
        week = 'next_week';
        next++;
      } else if (isWord(this.text.word(next), COMING_WORDS, NO_PREFIX)) {
        next++;
      } else if (isWord(this.text.word(next), THIS_WORDS, NO_PREFIX)) {
        week = 'this_week';
        next++;
      } else if (isWord(this.text.word(next), OF_WORDS, NO_PREFIX)) {
        next++;
      } else {
        const choice = this.text.readWeekChoice(next);
        if (!choice) break;
        week = choice.week;
        next += choice.length;
      }
    }
    this.found.weekday ??= { weekday: named.day, week, tonightIfSaturday: named.tonightIfSaturday };
    this.dateEnd = next;
    return next - index;
  }

  /** "בחודש הבא ב-5" / "בחודש הבא, בעשרים": a day of next month. */
  private nextMonthDay(index: number): number {
    const isNextMonth = isWord(this.text.word(index), MONTH_NOUN, ANY_PREFIX) && isWord(this.text.word(index + 1), NEXT_WORDS, NO_PREFIX);
    if (!isNextMonth) return 0;
    const day = this.text.readDayOfMonth(index + 2);
    if (!day) return 2;
    this.found.dayOfMonth ??= { day: day.value, nextMonth: true };
    this.dateEnd = index + 2 + day.length;
    return 2 + day.length;
  }

  private weekChoice(index: number): number {
    const choice = this.text.readWeekChoice(index);
    if (!choice) return 0;
    this.found.week ??= choice.week;
    return choice.length;
  }

  private minutesTo(index: number): number {
    if (isWord(this.text.word(index - 1), BETWEEN_WORDS)) return 0;
    const before = this.text.readMinutesBefore(index);
    if (!before) return 0;
    const target = index + before.length;
    const digits = this.text.plainNumber(target, TO_PREFIX);
    const spoken = digits === null ? this.text.numberWords(target, TO_PREFIX) : null;
    const hour = digits ?? spoken?.value;
    const length = digits !== null ? 1 : (spoken?.length ?? 0);
    if (hour === undefined || hour < 1 || hour > 24) return 0;
    if (isWord(this.text.word(target + length), COUNTED_NOUNS, NO_PREFIX)) return 0; // "עשרים לשלושה אנשים"
    this.setClock({ hour, minute: 0, offsetMinutes: -before.value, literal: hour >= 13 });
    return before.length + length;
  }

  private clock(index: number): number {
    if (isWord(this.text.word(index), MIDNIGHT_WORDS, ANY_PREFIX)) {
      this.setClock({ hour: 0, minute: 0, offsetMinutes: 0, literal: true });
      return 1;
    }
    if (isWord(this.text.word(index), HOUR_MARKERS, ANY_PREFIX)) {
      const time = this.text.readTime(index + 1, true);
      if (!time) return 1;
      this.setClock(time.reading);
      return 1 + time.length;
    }
    const previous = this.text.word(index - 1);
    const leadWord = isWord(previous, HOUR_LEAD_WORDS, VAV_OR_NONE) || isWord(previous, HOURS_NOUN, HOUR_PREFIX);
    const time = this.text.readTime(index, leadWord || this.dateEnd === index) ?? this.text.readAnswerTime(index);
    if (!time) return 0;
    this.setClock(time.reading);
    return time.length;
  }

  private partOfDay(index: number): number {
    const part = this.text.readPartOfDay(index);
    if (!part) return 0;
    this.setPartOfDay(part.part);
    if (part.today && this.found.partOfDay === part.part) this.found.todayByPartOfDay = true;
    return part.length;
  }
}
