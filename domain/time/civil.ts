/**
 * Calendar arithmetic on local (wall-clock) dates, with no time zone involved.
 * A civil day number counts days since 1970-01-01 in the proleptic Gregorian calendar;
 * the conversions follow Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms.
 */

/** A calendar date as written: 'YYYY-MM-DD'. */
export type LocalDateString = string;

export interface CivilDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

/** 0 = Sunday … 6 = Saturday, as in JavaScript's Date#getDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export const MINUTES_PER_DAY = 1440;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

export function daysFromCivil({ year, month, day }: CivilDate): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function weekdayOfDayNumber(dayNumber: number): Weekday {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber + 4) % 7) + 7) % 7 as Weekday;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export function formatCivilDate({ year, month, day }: CivilDate): LocalDateString {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

export function formatDayNumber(dayNumber: number): LocalDateString {
  return formatCivilDate(civilFromDays(dayNumber));
}

/** 'HH:MM' for a minute of the day (0..1439). */
export function formatMinuteOfDay(minuteOfDay: number): string {
  const normalized = ((minuteOfDay % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${pad2(Math.floor(normalized / 60))}:${pad2(normalized % 60)}`;
}

const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses 'YYYY-MM-DD'; null when malformed or not a real date. */
export function parseLocalDate(text: string): CivilDate | null {
  const match = LOCAL_DATE_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return isValidCivilDate(year, month, day) ? { year, month, day } : null;
}

export function localDateToDayNumber(text: string): number | null {
  const civil = parseLocalDate(text);
  return civil ? daysFromCivil(civil) : null;
}

const LOCAL_TIME_PATTERN = /^(\d{2}):(\d{2})$/;

/** Parses 'HH:MM' (00:00..23:59, and '24:00' as the end of a day) into minutes since midnight. */
export function parseLocalTime(text: string): number | null {
  const match = LOCAL_TIME_PATTERN.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours === 24 && minutes === 0) return MINUTES_PER_DAY;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

export interface LocalDateTime {
  readonly dayNumber: number;
  readonly minuteOfDay: number;
}

const LOCAL_DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** Parses a wall-clock 'YYYY-MM-DDTHH:MM[:SS]' with no offset; seconds are dropped. */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const match = LOCAL_DATE_TIME_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hours = Number(match[4]);
  const minutes = Number(match[5]);
  if (!isValidCivilDate(year, month, day) || hours > 23 || minutes > 59) return null;
  return { dayNumber: daysFromCivil({ year, month, day }), minuteOfDay: hours * 60 + minutes };
}
