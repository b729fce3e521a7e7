import { slotsForDays } from './slots';
import { prepareSchedule } from './schedule';
import type { EpochMs, ScheduleState, TimeRange } from './types';

/**
 * Bookable slots to offer instead of `requestedStart` ("10:00 is taken; 10:30 or 11:15?"), at most
 * `count`, never the requested start itself:
 * first the requested local date, nearest to the requested time first (earlier wins a tie);
 * then each following date in date order, nearest to the requested time of day first, so a
 * caller who wanted 10:00 hears "tomorrow at 10:00" before "tomorrow at 08:00".
 */
export function findAlternatives({
  rules,
  bookings,
  now,
  requestedStart,
  count,
}: ScheduleState & { requestedStart: EpochMs; count: number }): TimeRange[] {
  if (!Number.isFinite(requestedStart) || !(count > 0)) return [];
  const schedule = prepareSchedule({ rules, bookings, now }, Number.POSITIVE_INFINITY);
  const { timeline } = schedule;
  const requested = timeline.toLocal(requestedStart);
  const alternatives: TimeRange[] = [];

  const sameDay = slotsForDays(schedule, requested.dayNumber, requested.dayNumber).filter(
    (slot) => slot.start !== requestedStart,
  );
  alternatives.push(...nearestFirst(sameDay, requestedStart));

  for (
    let dayNumber = Math.max(requested.dayNumber + 1, schedule.today);
    dayNumber <= schedule.lastBookableDay && alternatives.length < count;
    dayNumber++
  ) {
    const slots = slotsForDays(schedule, dayNumber, dayNumber);
    if (slots.length === 0) continue;
    alternatives.push(...nearestFirst(slots, timeline.toInstant(dayNumber, requested.minuteOfDay)));
  }
  return alternatives.slice(0, count);
}

function nearestFirst(slots: readonly TimeRange[], target: EpochMs): TimeRange[] {
  return [...slots].sort((a, b) => Math.abs(a.start - target) - Math.abs(b.start - target) || a.start - b.start);
}
