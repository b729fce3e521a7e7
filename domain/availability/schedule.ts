import { MS_PER_DAY, formatDayNumber } from '../time/civil';
import { createZoneTimeline, type EpochMs, type ZoneTimeline } from '../time/zone';
import { openingRangesForDays, sortedBounds, unionOfSortedBounds } from './date-ranges';
import { compileBusinessRules, type CompiledRules } from './rules';
import type { OpeningRange, ScheduleState, TimeRange } from './types';

/** Rules compiled and bookings indexed once, shared by every question asked about one schedule. */
export interface PreparedSchedule {
  readonly rules: CompiledRules;
  readonly now: EpochMs;
  readonly timeline: ZoneTimeline;
  /** Bookings grown by the buffers, sorted and merged. */
  readonly busy: readonly TimeRange[];
  /** Booking start instants, sorted, for counting bookings per day. */
  readonly bookingStarts: Float64Array;
  readonly today: number; // civil day number of `now` in the business's zone
  readonly lastBookableDay: number;
}

/** `until`: the latest instant the caller will ask about; the zone is read ahead that far (at most the booking window). */
export function prepareSchedule(state: ScheduleState, until: EpochMs): PreparedSchedule {
  const rules = compileBusinessRules(state.rules);
  if (!Number.isFinite(state.now)) throw new RangeError('now must be a finite epoch-ms instant');
  for (let index = 0; index < state.bookings.length; index++) {
    const booking = state.bookings[index]!;
    if (!Number.isFinite(booking.start) || !Number.isFinite(booking.end) || booking.end < booking.start) {
      throw new RangeError(`bookings[${index}] is not a [start, end) pair of epoch-ms instants`);
    }
  }
  const windowEnd = state.now + (rules.bookingWindowDays + 2) * MS_PER_DAY;
  // Nothing before today is bookable, so the zone is read from now on; conversions of earlier
  // instants (a requested start in the past) still work, only slower.
  const readAheadUntil = Math.max(Math.min(until, windowEnd), state.now) + MS_PER_DAY;
  const timeline = createZoneTimeline(rules.timeZone, state.now - MS_PER_DAY, readAheadUntil);
  const today = timeline.toLocal(state.now).dayNumber;
  // Sorted once, the bounds serve both the daily count (starts) and the busy time: the bookings
  // grown by the buffers (see expandByBuffers), merged.
  const { starts: bookingStarts, ends: bookingEnds } = sortedBounds(state.bookings);
  const busy = unionOfSortedBounds(bookingStarts, bookingEnds, rules.bufferMs);
  return {
    rules,
    now: state.now,
    timeline,
    busy,
    bookingStarts,
    today,
    lastBookableDay: today + rules.bookingWindowDays,
  };
}

/** Index of the first element ≥ value in a sorted array. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function bookingsOnDay(schedule: PreparedSchedule, dayNumber: number): number {
  const dayStart = schedule.timeline.toInstant(dayNumber, 0);
  const nextDayStart = schedule.timeline.toInstant(dayNumber + 1, 0);
  return lowerBound(schedule.bookingStarts, nextDayStart) - lowerBound(schedule.bookingStarts, dayStart);
}

export function isDayAtCap(schedule: PreparedSchedule, dayNumber: number): boolean {
  const cap = schedule.rules.maxBookingsPerDay;
  return cap !== null && bookingsOnDay(schedule, dayNumber) >= cap;
}

/** Opening hours of the bookable days within fromDay..toDay, leaving out days already at their cap. */
export function openingRangesWithinWindow(schedule: PreparedSchedule, fromDay: number, toDay: number): OpeningRange[] {
  const first = Math.max(fromDay, schedule.today);
  const last = Math.min(toDay, schedule.lastBookableDay);
  if (first > last) return [];
  const opening = openingRangesForDays(schedule.rules, first, last, schedule.timeline);
  if (schedule.rules.maxBookingsPerDay === null) return opening;
  const datesAtCap = new Set<string>();
  for (let dayNumber = first; dayNumber <= last; dayNumber++) {
    if (isDayAtCap(schedule, dayNumber)) datesAtCap.add(formatDayNumber(dayNumber));
  }
  return datesAtCap.size === 0 ? opening : opening.filter((range) => !datesAtCap.has(range.date));
}
