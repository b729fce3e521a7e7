import {
  MINUTES_PER_DAY, MS_PER_DAY, MS_PER_MINUTE, civilFromDays, daysFromCivil, daysInMonth, formatDayNumber,
  formatMinuteOfDay, isValidCivilDate, parseLocalDateTime, weekdayOfDayNumber, type LocalDateTime,
} from '../time/civil';
import { createZoneTimeline, isValidTimeZone, type EpochMs } from '../time/zone';
import type { PartOfDay } from './datetime-lexicon';
import { scanDateTime, type ClockReading, type DateTimeFindings } from './datetime-scan';
import { tokenize } from './tokens';

/** What a caller's words say about when: a local date and/or a local time, each null when not said. */
export interface ParsedDateTime {
  readonly date: string | null; // 'YYYY-MM-DD'
  readonly time: string | null; // 'HH:MM'
}

export interface DateTimeContext {
  /** The current moment: a local wall time 'YYYY-MM-DDTHH:MM[:SS]' in timeZone, an ISO string with an offset, or epoch ms. */
  readonly now: string | EpochMs;
  /** The business's IANA time zone, e.g. 'Asia/Jerusalem'. */
  readonly timeZone: string;
}

/**
 * Understands a Hebrew date and/or time the way an Israeli receptionist would: "מחר בשלוש",
 * "יום שלישי הבא בעשר וחצי", "ב-20 במרץ", "בעוד שעתיים", "ברבע לחמש". Words around the phrase
 * are ignored. Conventions (fixtures/README.md): a weekday alone is its next occurrence after
 * today; a bare hour 7–11 is morning, 12 noon, 1–6 afternoon unless a part of the day is said;
 * dates are day-first and roll forward to the next month or year when already past.
 */
export function parseHebrewDateTime(text: string, context: DateTimeContext): ParsedDateTime {
  const now = localNow(context);
  const found = scanDateTime(tokenize(text));
  let date = resolveDate(found, now.dayNumber);
  let time = found.clock ? clockMinuteOfDay(found.clock, found.partOfDay) : null;
  if (found.offset?.minutes) {
    const later = addMinutes(context, now, found.offset.minutes);
    date ??= later.dayNumber;
    time ??= later.minuteOfDay;
  }
  if (time === null && found.partOfDay === 'noon') time = 12 * 60;
  return { date: date === null ? null : formatDayNumber(date), time: time === null ? null : formatMinuteOfDay(time) };
}

const EXPLICIT_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

function localNow({ now, timeZone }: DateTimeContext): LocalDateTime {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown IANA time zone: ${timeZone}`);
  if (typeof now === 'string') {
    const wall = parseLocalDateTime(now);
    if (wall) return wall;
  }
  // An instant: epoch ms, or an ISO string that says its offset (without one, Date.parse would
  // read the server's zone).
  const instant = typeof now === 'number' ? now : EXPLICIT_OFFSET.test(now) ? Date.parse(now) : Number.NaN;
  if (!Number.isFinite(instant)) throw new RangeError(`now is not a valid time: ${String(now)}`);
  return createZoneTimeline(timeZone, instant, instant).toLocal(instant);
}

/** now + minutes on the business's clock, across any clock change in between ("בעוד שעתיים"). */
function addMinutes(context: DateTimeContext, now: LocalDateTime, minutes: number): LocalDateTime {
  const roughInstant = now.dayNumber * MS_PER_DAY + now.minuteOfDay * MS_PER_MINUTE;
  const timeline = createZoneTimeline(context.timeZone, roughInstant - MS_PER_DAY, roughInstant + minutes * MS_PER_MINUTE + MS_PER_DAY);
  const start = typeof context.now === 'number' ? context.now : timeline.toInstant(now.dayNumber, now.minuteOfDay);
  return timeline.toLocal(start + minutes * MS_PER_MINUTE);
}

function resolveDate(found: DateTimeFindings, today: number): number | null {
  if (found.calendarDate) return resolveCalendarDate(found.calendarDate, today);
  if (found.dayOfMonth) return resolveDayOfMonth(found.dayOfMonth, today);
  if (found.offset && found.weekday && found.offset.days % 7 === 0 && !found.offset.months) {
    // "בעוד שבועיים ביום שני": that weekday in the week two weeks from now.
    const sunday = today - weekdayOfDayNumber(today);
    return sunday + found.offset.days + found.weekday.weekday;
  }
  if (found.offset && (found.offset.days || found.offset.months)) {
    return addMonths(today + found.offset.days, found.offset.months);
  }
  if (found.relativeDay !== null) return today + found.relativeDay;
  if (found.weekday) {
    const { weekday, tonightIfSaturday } = found.weekday;
    const week = found.weekday.week === 'next_occurrence' && found.week ? found.week : found.weekday.week;
    const todayWeekday = weekdayOfDayNumber(today);
    const sunday = today - todayWeekday;
    // "יום שני השבוע" said on a Wednesday has passed; the caller means the coming one.
    if (week === 'this_week' && sunday + weekday >= today) return sunday + weekday;
    if (week === 'next_week') return sunday + 7 + weekday;
    if (tonightIfSaturday && todayWeekday === 6) return today;
    return today + (((weekday - todayWeekday + 7) % 7) || 7);
  }
  if (found.todayByPartOfDay) return today;
  return null;
}

function resolveCalendarDate({ day, month, year }: { day: number; month: number; year: number | null }, today: number): number | null {
  if (year !== null) return isValidCivilDate(year, month, day) ? daysFromCivil({ year, month, day }) : null;
  // Without a year: this year's date, or the next year's once it has passed (29.2 waits for a leap year).
  const thisYear = civilFromDays(today).year;
  for (let candidateYear = thisYear; candidateYear <= thisYear + 8; candidateYear++) {
    if (!isValidCivilDate(candidateYear, month, day)) continue;
    const candidate = daysFromCivil({ year: candidateYear, month, day });
    if (candidate >= today) return candidate;
  }
  return null;
}

function resolveDayOfMonth({ day, nextMonth }: { day: number; nextMonth: boolean }, today: number): number | null {
  const { year, month, day: todayDay } = civilFromDays(today);
  let monthsAhead = nextMonth || day < todayDay ? 1 : 0;
  // A day the month lacks ("ה-31" in April) rolls on to the next month that has it.
  for (; monthsAhead <= 12; monthsAhead++) {
    const candidateMonth = ((month - 1 + monthsAhead) % 12) + 1;
    const candidateYear = year + Math.floor((month - 1 + monthsAhead) / 12);
    if (day <= daysInMonth(candidateYear, candidateMonth)) return daysFromCivil({ year: candidateYear, month: candidateMonth, day });
  }
  return null;
}

/** Calendar months later, keeping the day or the month's last day ("31.1 + 1 month" = 28.2). */
function addMonths(dayNumber: number, months: number): number {
  if (months === 0) return dayNumber;
  const { year, month, day } = civilFromDays(dayNumber);
  const monthIndex = month - 1 + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = (((monthIndex % 12) + 12) % 12) + 1;
  return daysFromCivil({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

/** The 24-hour hour a spoken hour means, given the part of the day said with it (or none). */
export function hourOfDay(hour: number, partOfDay: PartOfDay | null): number {
  if (hour === 24) return 0;
  if (hour === 0 || hour > 12) return hour;
  switch (partOfDay) {
    case 'morning':
      return hour;
    case 'early_morning':
      return hour % 12;
    case 'noon':
      return hour <= 6 ? hour + 12 : hour;
    case 'afternoon':
      return hour === 12 ? 12 : hour + 12;
    case 'evening':
      return hour === 12 ? 0 : hour + 12;
    case 'night':
      return hour === 12 ? 0 : hour <= 5 ? hour : hour + 12;
    case null:
      // Business hours: 7–11 in the morning, 12 at noon, 1–6 in the afternoon.
      return hour >= 7 ? hour : hour + 12;
  }
}

function clockMinuteOfDay(clock: ClockReading, partOfDay: PartOfDay | null): number {
  const hour = clock.literal ? clock.hour % 24 : hourOfDay(clock.hour, partOfDay);
  return (((hour * 60 + clock.minute + clock.offsetMinutes) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}
