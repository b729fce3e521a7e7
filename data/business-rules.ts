import type { BusinessRules, LocalTimeRange, Weekday } from '../domain';
import type { Business } from './models';

const DEFAULTS = {
  slotLengthMinutes: 30,
  slotIntervalMinutes: 30,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minimumNoticeMinutes: 60,
  bookingWindowDays: 30,
  maxBookingsPerDay: null,
} as const;

/** The availability engine's view of a business row, with defaults for rules it never set. */
export function businessRulesOf(business: Pick<Business, 'timezone' | 'weeklyHours' | 'bookingRules'>): BusinessRules {
  const stored = business.bookingRules ?? {};
  const weeklyHours: Partial<Record<Weekday, readonly LocalTimeRange[]>> = {};
  for (const [day, ranges] of Object.entries(business.weeklyHours ?? {})) {
    if (ranges?.length) weeklyHours[Number(day) as Weekday] = ranges;
  }
  return {
    timeZone: business.timezone,
    weeklyHours,
    closedDates: stored.closedDates ?? [],
    dateOverrides: stored.dateOverrides ?? [],
    slotLengthMinutes: stored.slotLengthMinutes ?? DEFAULTS.slotLengthMinutes,
    slotIntervalMinutes: stored.slotIntervalMinutes ?? DEFAULTS.slotIntervalMinutes,
    bufferBeforeMinutes: stored.bufferBeforeMinutes ?? DEFAULTS.bufferBeforeMinutes,
    bufferAfterMinutes: stored.bufferAfterMinutes ?? DEFAULTS.bufferAfterMinutes,
    minimumNoticeMinutes: stored.minimumNoticeMinutes ?? DEFAULTS.minimumNoticeMinutes,
    bookingWindowDays: stored.bookingWindowDays ?? DEFAULTS.bookingWindowDays,
    maxBookingsPerDay: stored.maxBookingsPerDay === undefined ? DEFAULTS.maxBookingsPerDay : stored.maxBookingsPerDay,
  };
}
