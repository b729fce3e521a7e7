import { MS_PER_DAY, MS_PER_MINUTE, formatDayNumber, localDateToDayNumber, weekdayOfDayNumber } from '../time/civil';
import { createZoneTimeline, type ZoneTimeline } from '../time/zone';
import { compileBusinessRules, type CompiledRules, type MinuteRange } from './rules';
import type { BusinessRules, LocalDateString, OpeningRange, TimeRange } from './types';

/** Sorts and joins ranges that overlap or touch: [9,10) + [10,11) → [9,11); empty ranges vanish. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const { starts, ends } = sortedBounds(ranges);
  return unionOfSortedBounds(starts, ends, 0);
}

/**
 * The starts and the ends of the ranges, each sorted on its own as plain numbers (native sorts,
 * skipped when already in order, as bookings read by start time are). A union does not depend
 * on which start belongs to which end, so this is all mergeRanges needs.
 */
export function sortedBounds(ranges: readonly TimeRange[]): { starts: Float64Array; ends: Float64Array } {
  const starts = new Float64Array(ranges.length);
  const ends = new Float64Array(ranges.length);
  ranges.forEach((range, index) => {
    starts[index] = range.start;
    ends[index] = range.end;
  });
  return { starts: sortedInPlace(starts), ends: sortedInPlace(ends) };
}

/**
 * The union of ranges given as sorted starts and sorted ends, each range grown by marginMs on
 * both sides, found by sweeping starts and ends together and counting how many ranges are open.
 */
export function unionOfSortedBounds(starts: Float64Array, ends: Float64Array, marginMs: number): TimeRange[] {
  const merged: TimeRange[] = [];
  const count = starts.length;
  let startIndex = 0;
  let endIndex = 0;
  while (startIndex < count) {
    const start = starts[startIndex]! - marginMs;
    let open = 0;
    do {
      // A start at the very instant another range ends keeps the union going (touching ranges join).
      if (startIndex < count && starts[startIndex]! - marginMs <= ends[endIndex]! + marginMs) {
        open++;
        startIndex++;
      } else {
        open--;
        endIndex++;
      }
    } while (open > 0);
    const end = ends[endIndex - 1]! + marginMs;
    if (end > start) merged.push({ start, end });
  }
  return merged;
}

function sortedInPlace(values: Float64Array): Float64Array {
  for (let index = 1; index < values.length; index++) {
    if (values[index]! < values[index - 1]!) return values.sort();
  }
  return values;
}

/**
 * Removes busy time from base ranges in one sweep. `base` must be sorted and non-overlapping,
 * `busy` sorted and merged (see mergeRanges). Pieces keep the other fields of the range they came
 * from, so an OpeningRange stays an OpeningRange with its date and opensAt.
 */
export function subtractRanges<T extends TimeRange>(base: readonly T[], busy: readonly TimeRange[]): T[] {
  const free: T[] = [];
  let busyIndex = 0;
  for (const range of base) {
    while (busyIndex < busy.length && busy[busyIndex]!.end <= range.start) busyIndex++;
    let cursor = range.start;
    for (let index = busyIndex; index < busy.length; index++) {
      const blocked = busy[index]!;
      if (blocked.start >= range.end) break;
      if (blocked.start > cursor) free.push({ ...range, start: cursor, end: blocked.start });
      cursor = Math.max(cursor, blocked.end);
      if (cursor >= range.end) break;
    }
    if (cursor < range.end) free.push({ ...range, start: cursor, end: range.end });
  }
  return free;
}

/**
 * The span each booking keeps another appointment out of. With 10 minutes before and 5 after, a
 * booking 10:00–10:30 occupies 09:50–10:35 and so does any new slot around it; the two occupied
 * spans may not overlap, so the slot itself has to stay out of 09:45–10:45 (15 minutes either side).
 */
export function expandByBuffers({
  bookings,
  bufferBeforeMinutes,
  bufferAfterMinutes,
}: {
  bookings: readonly TimeRange[];
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}): TimeRange[] {
  const marginMs = (bufferBeforeMinutes + bufferAfterMinutes) * MS_PER_MINUTE;
  return bookings.map((booking) => ({ start: booking.start - marginMs, end: booking.end + marginMs }));
}

/** The hours that apply on one civil day: closed date, then override, then the weekday's hours. */
export function hoursForDay(rules: CompiledRules, dayNumber: number): readonly MinuteRange[] {
  if (rules.closedDays.has(dayNumber)) return [];
  return rules.overrides.get(dayNumber) ?? rules.weeklyHours[weekdayOfDayNumber(dayNumber)] ?? [];
}

/** Opening hours as instants for civil days fromDay..toDay inclusive (internal day numbers). */
export function openingRangesForDays(
  rules: CompiledRules,
  fromDay: number,
  toDay: number,
  timeline: ZoneTimeline,
): OpeningRange[] {
  const ranges: OpeningRange[] = [];
  for (let dayNumber = fromDay; dayNumber <= toDay; dayNumber++) {
    const hours = hoursForDay(rules, dayNumber);
    if (hours.length === 0) continue;
    const date = formatDayNumber(dayNumber);
    for (const { startMinute, endMinute } of hours) {
      const start = timeline.toInstant(dayNumber, startMinute);
      const end = timeline.toInstant(dayNumber, endMinute);
      // A range lying wholly inside a spring-forward gap (02:00–02:30 on that night) has no instants.
      if (end > start) ranges.push({ date, start, end, opensAt: start });
    }
  }
  return ranges;
}

/**
 * Turns the business's weekly hours, closed dates and overrides into instants for every local
 * date from fromDate to toDate inclusive, sorted. Each range is computed from wall-clock times on
 * its own date, so a day with a clock change is an hour shorter or longer, as the clock on the wall says.
 */
export function buildOpeningRanges({
  rules,
  fromDate,
  toDate,
}: {
  rules: BusinessRules;
  fromDate: LocalDateString;
  toDate: LocalDateString;
}): OpeningRange[] {
  const fromDay = localDateToDayNumber(fromDate);
  const toDay = localDateToDayNumber(toDate);
  if (fromDay === null || toDay === null) throw new RangeError(`Dates must be YYYY-MM-DD: ${fromDate}, ${toDate}`);
  const compiled = compileBusinessRules(rules);
  const timeline = createZoneTimeline(compiled.timeZone, fromDay * MS_PER_DAY, (toDay + 1) * MS_PER_DAY);
  return openingRangesForDays(compiled, fromDay, toDay, timeline);
}
