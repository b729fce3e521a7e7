import fc from 'fast-check';
import { DateTime } from 'luxon';
import { findAlternatives } from './alternatives';
import { checkBookable } from './bookable';
import { buildOpeningRanges } from './date-ranges';
import { getAvailableSlots } from './slots';
import type { BusinessRules, LocalTimeRange, TimeRange, Weekday } from './types';

const MINUTE = 60_000;
const DAY = 86_400_000;
const ZONES = ['Asia/Jerusalem', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'];
// Around both of Israel's 2026 clock changes and an ordinary stretch.
const NOW_BASES = [Date.parse('2026-03-20T00:00:00Z'), Date.parse('2026-10-18T00:00:00Z'), Date.parse('2026-06-01T00:00:00Z')];

const hhmm = (minutes: number): string =>
  minutes === 1440 ? '24:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0–3 non-overlapping ranges of one day on a 15-minute grid. */
const dayHours = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 6 })
  .map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const ranges: LocalTimeRange[] = [];
    for (let index = 0; index + 1 < sorted.length; index += 2) {
      ranges.push({ start: hhmm(sorted[index]! * 15), end: hhmm(sorted[index + 1]! * 15) });
    }
    return ranges;
  });

const scenario = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    week: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
    slotLengthMinutes: fc.constantFrom(15, 20, 30, 45, 60, 90),
    slotIntervalMinutes: fc.constantFrom(5, 10, 15, 30, 60),
    bufferBeforeMinutes: fc.constantFrom(0, 5, 10, 15),
    bufferAfterMinutes: fc.constantFrom(0, 5, 10, 30),
    minimumNoticeMinutes: fc.integer({ min: 0, max: 600 }),
    bookingWindowDays: fc.integer({ min: 0, max: 12 }),
    maxBookingsPerDay: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    closedDayOffsets: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }),
    overrideDayOffset: fc.integer({ min: 0, max: 12 }),
    overrideHours: dayHours,
    nowBase: fc.constantFrom(...NOW_BASES),
    nowOffsetMinutes: fc.integer({ min: 0, max: 14 * 1440 }),
    bookingSeeds: fc.array(fc.record({ startMinutes: fc.integer({ min: -2 * 1440, max: 14 * 1440 }), lengthMinutes: fc.integer({ min: 1, max: 24 }) }), {
      maxLength: 25,
    }),
  })
  .map((input) => {
    const now = input.nowBase + input.nowOffsetMinutes * MINUTE;
    const localDate = (offsetDays: number): string =>
      DateTime.fromMillis(now, { zone: input.timeZone }).plus({ days: offsetDays }).toISODate()!;
    const weeklyHours: Partial<Record<Weekday, readonly LocalTimeRange[]>> = {};
    input.week.forEach((ranges, weekday) => {
      weeklyHours[weekday as Weekday] = ranges;
    });
    const rules: BusinessRules = {
      timeZone: input.timeZone,
      weeklyHours,
      closedDates: input.closedDayOffsets.map(localDate),
      dateOverrides: [{ date: localDate(input.overrideDayOffset), ranges: input.overrideHours }],
      slotLengthMinutes: input.slotLengthMinutes,
      slotIntervalMinutes: input.slotIntervalMinutes,
      bufferBeforeMinutes: input.bufferBeforeMinutes,
      bufferAfterMinutes: input.bufferAfterMinutes,
      minimumNoticeMinutes: input.minimumNoticeMinutes,
      bookingWindowDays: input.bookingWindowDays,
      maxBookingsPerDay: input.maxBookingsPerDay,
    };
    const bookings: TimeRange[] = input.bookingSeeds.map(({ startMinutes, lengthMinutes }) => {
      const start = Math.floor(now / (5 * MINUTE)) * 5 * MINUTE + startMinutes * MINUTE;
      return { start, end: start + lengthMinutes * 5 * MINUTE };
    });
    return { rules, bookings, now, from: now - DAY, to: now + 14 * DAY };
  });

const localDateOf = (instant: number, zone: string): string => DateTime.fromMillis(instant, { zone }).toISODate()!;

function bookingsOnDate(bookings: readonly TimeRange[], date: string, zone: string): number {
  return bookings.filter((booking) => localDateOf(booking.start, zone) === date).length;
}

/** Straightforward reference: every grid start of every opening range, checked against every rule one by one. */
function referenceSlots({ rules, bookings, now, from, to }: { rules: BusinessRules; bookings: TimeRange[]; now: number; from: number; to: number }): TimeRange[] {
  const zone = rules.timeZone;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const lastDate = today.plus({ days: rules.bookingWindowDays }).toISODate()!;
  const opening = buildOpeningRanges({ rules, fromDate: today.toISODate()!, toDate: lastDate });
  const marginMs = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MINUTE;
  const lengthMs = rules.slotLengthMinutes * MINUTE;
  const slots: TimeRange[] = [];
  for (const range of opening) {
    if (rules.maxBookingsPerDay !== null && bookingsOnDate(bookings, range.date, zone) >= rules.maxBookingsPerDay) continue;
    for (let start = range.opensAt; start + lengthMs <= range.end; start += rules.slotIntervalMinutes * MINUTE) {
      const end = start + lengthMs;
      const clash = bookings.some((booking) => booking.start - marginMs < end && start < booking.end + marginMs);
      if (!clash && start >= now + rules.minimumNoticeMinutes * MINUTE && start >= from && start < to) slots.push({ start, end });
    }
  }
  return slots;
}

describe('availability properties (random rules in five zones, around clock changes)', () => {
  it('offers exactly the slots a one-by-one check of every rule finds', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        expect(getAvailableSlots(input)).toEqual(referenceSlots(input));
      }),
      { numRuns: 150 },
    );
  });

  it('never offers a slot whose buffered span overlaps a booking’s buffered span', () => {
    fc.assert(
      fc.property(scenario, ({ rules, bookings, now, from, to }) => {
        const before = rules.bufferBeforeMinutes * MINUTE;
        const after = rules.bufferAfterMinutes * MINUTE;
        const clashes = getAvailableSlots({ rules, bookings, now, from, to }).filter((slot) =>
          bookings.some((booking) => slot.start - before < booking.end + after && booking.start - before < slot.end + after),
        );
        expect(clashes).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every slot inside one opening range, after the notice, within the window and under the daily cap', () => {
    fc.assert(
      fc.property(scenario, ({ rules, bookings, now, from, to }) => {
        const zone = rules.timeZone;
        const today = DateTime.fromMillis(now, { zone }).startOf('day');
        const lastDate = today.plus({ days: rules.bookingWindowDays }).toISODate()!;
        const opening = buildOpeningRanges({ rules, fromDate: today.toISODate()!, toDate: lastDate });
        const bookingsPerDate = new Map<string, number>();
        for (const booking of bookings) {
          const date = localDateOf(booking.start, zone);
          bookingsPerDate.set(date, (bookingsPerDate.get(date) ?? 0) + 1);
        }
        const slots = getAvailableSlots({ rules, bookings, now, from, to });
        const broken = slots.filter((slot, index) => {
          const date = localDateOf(slot.start, zone);
          return (
            !opening.some((range) => range.start <= slot.start && slot.end <= range.end) ||
            slot.start < now + rules.minimumNoticeMinutes * MINUTE ||
            date > lastDate ||
            (rules.maxBookingsPerDay !== null && (bookingsPerDate.get(date) ?? 0) >= rules.maxBookingsPerDay) ||
            (index > 0 && slot.start <= slots[index - 1]!.start)
          );
        });
        expect(broken).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('calls a start bookable exactly when it is one of the offered slots', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 14 * 288 }), ({ rules, bookings, now, from, to }, fiveMinuteStep) => {
        const offered = new Set(getAvailableSlots({ rules, bookings, now, from, to }).map((slot) => slot.start));
        const start = from + DAY + fiveMinuteStep * 5 * MINUTE - (from % (5 * MINUTE));
        if (start >= to) return;
        const result = checkBookable({ rules, bookings, now, start });
        expect(result.ok).toBe(offered.has(start));
        for (const slot of [...offered].slice(0, 20)) expect(checkBookable({ rules, bookings, now, start: slot }).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('offers alternatives that are bookable, same day first by distance, then later days in date order', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 10 * 96 }), fc.integer({ min: 1, max: 8 }), ({ rules, bookings, now }, quarterHours, count) => {
        const zone = rules.timeZone;
        const requestedStart = now + quarterHours * 15 * MINUTE;
        const alternatives = findAlternatives({ rules, bookings, now, requestedStart, count });
        expect(alternatives.length).toBeLessThanOrEqual(count);
        const requestedDate = localDateOf(requestedStart, zone);
        let previousDate = requestedDate;
        let previousSameDayDistance = -1;
        for (const alternative of alternatives) {
          expect(alternative.start).not.toBe(requestedStart);
          expect(checkBookable({ rules, bookings, now, start: alternative.start })).toEqual({ ok: true });
          const date = localDateOf(alternative.start, zone);
          expect(date >= previousDate).toBe(true);
          if (date === requestedDate) {
            const distance = Math.abs(alternative.start - requestedStart);
            expect(distance).toBeGreaterThanOrEqual(previousSameDayDistance);
            previousSameDayDistance = distance;
          }
          previousDate = date;
        }
      }),
      { numRuns: 150 },
    );
  });
});
