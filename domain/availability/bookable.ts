import { hoursForDay, openingRangesForDays } from './date-ranges';
import { isDayAtCap, prepareSchedule } from './schedule';
import type { BookableResult, EpochMs, ScheduleState } from './types';

/**
 * Whether a booking may start at `start`: ok exactly when getAvailableSlots would offer that start.
 * The first failing rule names the reason, checked in this order:
 * invalid (not a finite instant) → too_soon (before now + notice) → too_far (after the booking
 * window) → closed (no hours that date) → outside_hours (the slot does not fit in one opening
 * range) → invalid (fits, but is off the slot grid, e.g. 10:10 when slots start every 15 minutes
 * from 09:00) → daily_cap → taken (overlaps a booking and its buffers).
 */
export function checkBookable({ rules, bookings, now, start }: ScheduleState & { start: EpochMs }): BookableResult {
  if (!Number.isFinite(start)) return { ok: false, reason: 'invalid' };
  const schedule = prepareSchedule({ rules, bookings, now }, start);
  const { rules: compiled, timeline } = schedule;
  if (start < now + compiled.minimumNoticeMs) return { ok: false, reason: 'too_soon' };
  const dayNumber = timeline.toLocal(start).dayNumber;
  if (dayNumber > schedule.lastBookableDay) return { ok: false, reason: 'too_far' };
  if (hoursForDay(compiled, dayNumber).length === 0) return { ok: false, reason: 'closed' };

  const end = start + compiled.slotLengthMs;
  const opening = openingRangesForDays(compiled, dayNumber, dayNumber, timeline).find(
    (range) => range.start <= start && end <= range.end,
  );
  if (!opening) return { ok: false, reason: 'outside_hours' };
  if ((start - opening.opensAt) % compiled.slotIntervalMs !== 0) return { ok: false, reason: 'invalid' };
  if (isDayAtCap(schedule, dayNumber)) return { ok: false, reason: 'daily_cap' };
  if (schedule.busy.some((busy) => busy.start < end && start < busy.end)) return { ok: false, reason: 'taken' };
  return { ok: true };
}
