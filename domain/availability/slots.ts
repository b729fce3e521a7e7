import { MS_PER_DAY } from '../time/civil';
import type { EpochMs } from '../time/zone';
import { subtractRanges } from './date-ranges';
import { openingRangesWithinWindow, prepareSchedule, type PreparedSchedule } from './schedule';
import type { OpeningRange, ScheduleState, TimeRange } from './types';

/**
 * Cuts free pieces of opening hours into slots. Slot starts sit on a grid counted from the
 * opening time (opensAt), so with hours from 09:00, 30-minute slots every 15 minutes and a
 * booking until 10:20, the next slot is 10:30, not 10:20; it must end within its piece.
 */
export function cutIntoSlots({
  freeRanges,
  slotLengthMs,
  slotIntervalMs,
}: {
  freeRanges: readonly OpeningRange[];
  slotLengthMs: number;
  slotIntervalMs: number;
}): TimeRange[] {
  const slots: TimeRange[] = [];
  for (const range of freeRanges) {
    const firstStart = range.opensAt + Math.ceil((range.start - range.opensAt) / slotIntervalMs) * slotIntervalMs;
    for (let start = firstStart; start + slotLengthMs <= range.end; start += slotIntervalMs) {
      slots.push({ start, end: start + slotLengthMs });
    }
  }
  return slots;
}

/** Free slots on bookable days fromDay..toDay (civil day numbers), at or after now + notice, in time order. */
export function slotsForDays(schedule: PreparedSchedule, fromDay: number, toDay: number): TimeRange[] {
  const opening = openingRangesWithinWindow(schedule, fromDay, toDay);
  const free = subtractRanges(opening, schedule.busy);
  const earliestStart = schedule.now + schedule.rules.minimumNoticeMs;
  return cutIntoSlots({
    freeRanges: free,
    slotLengthMs: schedule.rules.slotLengthMs,
    slotIntervalMs: schedule.rules.slotIntervalMs,
  }).filter((slot) => slot.start >= earliestStart);
}

/**
 * Free slots whose start lies in [from, to), in time order: opening hours of the bookable days
 * (today … today + bookingWindowDays, minus days at their cap), less the bookings grown by their
 * buffers, cut on the slot grid, from now + minimum notice on.
 */
export function getAvailableSlots({ rules, bookings, now, from, to }: ScheduleState & { from: EpochMs; to: EpochMs }): TimeRange[] {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('from and to must be finite epoch-ms instants');
  if (to <= from) return [];
  const schedule = prepareSchedule({ rules, bookings, now }, to);
  // Days before today and after the booking window offer nothing; slotsForDays leaves them out.
  const fromDay = schedule.timeline.toLocal(Math.max(from, now)).dayNumber;
  const toDay = schedule.timeline.toLocal(Math.min(to - 1, now + (rules.bookingWindowDays + 1) * MS_PER_DAY)).dayNumber;
  return slotsForDays(schedule, fromDay, toDay).filter((slot) => slot.start >= from && slot.start < to);
}
