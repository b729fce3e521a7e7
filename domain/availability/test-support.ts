import { DateTime } from 'luxon';
import type { BusinessRules, TimeRange } from './types';

/** Helpers for availability tests: instants from wall times in a named zone, and back. */

export const JERUSALEM = 'Asia/Jerusalem';

export function at(localDateTime: string, timeZone: string = JERUSALEM): number {
  const instant = DateTime.fromISO(localDateTime, { zone: timeZone });
  if (!instant.isValid) throw new Error(`bad test time ${localDateTime}`);
  return instant.toMillis();
}

export function localLabel(instant: number, timeZone: string = JERUSALEM): string {
  return DateTime.fromMillis(instant, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm');
}

export function localStarts(slots: readonly TimeRange[], timeZone: string = JERUSALEM): string[] {
  return slots.map((slot) => localLabel(slot.start, timeZone));
}

/** Starts as local time with offset, for the days a clock changes: '01:00+03:00'. */
export function startsWithOffset(slots: readonly TimeRange[], timeZone: string): string[] {
  return slots.map((slot) => DateTime.fromMillis(slot.start, { zone: timeZone }).toFormat('HH:mmZZ'));
}

export function booking(localStart: string, minutes: number, timeZone: string = JERUSALEM): TimeRange {
  const start = at(localStart, timeZone);
  return { start, end: start + minutes * 60_000 };
}

/** A clinic in Jerusalem: Sunday–Thursday 09:00–13:00 and 14:00–18:00, Friday 08:00–13:00, 30-minute slots. */
export function clinicRules(overrides: Partial<BusinessRules> = {}): BusinessRules {
  const weekday = [
    { start: '09:00', end: '13:00' },
    { start: '14:00', end: '18:00' },
  ];
  return {
    timeZone: JERUSALEM,
    weeklyHours: { 0: weekday, 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: [{ start: '08:00', end: '13:00' }] },
    closedDates: [],
    dateOverrides: [],
    slotLengthMinutes: 30,
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 60,
    maxBookingsPerDay: null,
    ...overrides,
  };
}
