import { MS_PER_MINUTE, localDateToDayNumber, parseLocalTime, type Weekday } from '../time/civil';
import { isValidTimeZone } from '../time/zone';
import type { BusinessRules, LocalTimeRange } from './types';

/** Opening hours of one day as minutes since local midnight, sorted and merged. */
export interface MinuteRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** Rules checked once and turned into lookups the engine can use per day. */
export interface CompiledRules {
  readonly timeZone: string;
  readonly weeklyHours: readonly (readonly MinuteRange[])[]; // index = weekday
  readonly overrides: ReadonlyMap<number, readonly MinuteRange[]>; // by civil day number
  readonly closedDays: ReadonlySet<number>;
  readonly slotLengthMs: number;
  readonly slotIntervalMs: number;
  /** Half-width a booking's busy span grows by on each side: before + after (see BusinessRules). */
  readonly bufferMs: number;
  readonly minimumNoticeMs: number;
  readonly bookingWindowDays: number;
  readonly maxBookingsPerDay: number | null;
}

const WEEKDAYS: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];

/** Every problem with the rules, each naming its field; empty when they can be used. */
export function validateBusinessRules(rules: BusinessRules): string[] {
  const problems: string[] = [];
  if (!isValidTimeZone(rules.timeZone)) problems.push(`timeZone: '${rules.timeZone}' is not an IANA time zone`);
  for (const weekday of WEEKDAYS) {
    problems.push(...rangeProblems(rules.weeklyHours[weekday] ?? [], `weeklyHours[${weekday}]`));
  }
  for (const [index, date] of (rules.closedDates ?? []).entries()) {
    if (localDateToDayNumber(date) === null) problems.push(`closedDates[${index}]: '${date}' is not a YYYY-MM-DD date`);
  }
  for (const [index, override] of (rules.dateOverrides ?? []).entries()) {
    if (localDateToDayNumber(override.date) === null) {
      problems.push(`dateOverrides[${index}].date: '${override.date}' is not a YYYY-MM-DD date`);
    }
    problems.push(...rangeProblems(override.ranges, `dateOverrides[${index}].ranges`));
  }
  const positive = ['slotLengthMinutes', 'slotIntervalMinutes'] as const;
  for (const field of positive) {
    if (!Number.isInteger(rules[field]) || rules[field] <= 0) problems.push(`${field}: must be a positive whole number`);
  }
  const nonNegative = ['bufferBeforeMinutes', 'bufferAfterMinutes', 'minimumNoticeMinutes', 'bookingWindowDays'] as const;
  for (const field of nonNegative) {
    if (!Number.isInteger(rules[field]) || rules[field] < 0) problems.push(`${field}: must be a whole number ≥ 0`);
  }
  const cap = rules.maxBookingsPerDay;
  if (cap !== null && (!Number.isInteger(cap) || cap < 0)) problems.push('maxBookingsPerDay: must be null or a whole number ≥ 0');
  return problems;
}

function rangeProblems(ranges: readonly LocalTimeRange[], path: string): string[] {
  const problems: string[] = [];
  ranges.forEach((range, index) => {
    const start = parseLocalTime(range.start);
    const end = parseLocalTime(range.end);
    if (start === null || start === 1440) problems.push(`${path}[${index}].start: '${range.start}' is not HH:MM`);
    if (end === null) problems.push(`${path}[${index}].end: '${range.end}' is not HH:MM or 24:00`);
    if (start !== null && end !== null && end <= start) {
      problems.push(`${path}[${index}]: ends (${range.end}) before it starts (${range.start})`);
    }
  });
  return problems;
}

/** Checks and compiles rules; throws a RangeError listing every problem when they are unusable. */
export function compileBusinessRules(rules: BusinessRules): CompiledRules {
  const problems = validateBusinessRules(rules);
  if (problems.length > 0) throw new RangeError(`Invalid business rules: ${problems.join('; ')}`);
  const overrides = new Map<number, readonly MinuteRange[]>();
  for (const override of rules.dateOverrides ?? []) {
    overrides.set(localDateToDayNumber(override.date)!, toMinuteRanges(override.ranges));
  }
  const closedDays = new Set<number>((rules.closedDates ?? []).map((date) => localDateToDayNumber(date)!));
  return {
    timeZone: rules.timeZone,
    weeklyHours: WEEKDAYS.map((weekday) => toMinuteRanges(rules.weeklyHours[weekday] ?? [])),
    overrides,
    closedDays,
    slotLengthMs: rules.slotLengthMinutes * MS_PER_MINUTE,
    slotIntervalMs: rules.slotIntervalMinutes * MS_PER_MINUTE,
    bufferMs: (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MS_PER_MINUTE,
    minimumNoticeMs: rules.minimumNoticeMinutes * MS_PER_MINUTE,
    bookingWindowDays: rules.bookingWindowDays,
    maxBookingsPerDay: rules.maxBookingsPerDay,
  };
}

function toMinuteRanges(ranges: readonly LocalTimeRange[]): MinuteRange[] {
  const sorted = ranges
    .map((range) => ({ startMinute: parseLocalTime(range.start)!, endMinute: parseLocalTime(range.end)! }))
    .sort((a, b) => a.startMinute - b.startMinute);
  const merged: MinuteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.startMinute <= last.endMinute) {
      merged[merged.length - 1] = { startMinute: last.startMinute, endMinute: Math.max(last.endMinute, range.endMinute) };
    } else {
      merged.push(range);
    }
  }
  return merged;
}
