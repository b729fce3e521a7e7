import { findAlternatives } from './alternatives';
import { at, booking, clinicRules, localStarts } from './test-support';

describe('findAlternatives (Asia/Jerusalem clinic, now Tuesday 2026-03-10 08:00)', () => {
  const now = at('2026-03-10T08:00');

  it('offers the nearest free times of the same day first, closest to the requested time, earlier on a tie', () => {
    const rules = clinicRules({ slotIntervalMinutes: 15 });
    const bookings = [booking('2026-03-11T09:30', 30), booking('2026-03-11T10:00', 60), booking('2026-03-11T11:30', 30)];
    const alternatives = findAlternatives({ rules, bookings, now, requestedStart: at('2026-03-11T10:00'), count: 3 });
    expect(localStarts(alternatives)).toEqual(['2026-03-11 09:00', '2026-03-11 11:00', '2026-03-11 12:00']);
  });

  it('never offers the requested start itself', () => {
    const alternatives = findAlternatives({ rules: clinicRules(), bookings: [], now, requestedStart: at('2026-03-11T10:00'), count: 2 });
    expect(localStarts(alternatives)).toEqual(['2026-03-11 09:30', '2026-03-11 10:30']);
  });

  it('moves on to the following days in date order, each nearest to the requested time of day', () => {
    const rules = clinicRules({ maxBookingsPerDay: 1 });
    const bookings = [booking('2026-03-11T09:00', 30), booking('2026-03-12T12:00', 30)];
    const alternatives = findAlternatives({ rules, bookings, now, requestedStart: at('2026-03-11T10:00'), count: 4 });
    // 11 March is at its cap, 12 March too; Friday 13 March opens 08:00–13:00; Saturday is closed.
    expect(localStarts(alternatives)).toEqual(['2026-03-13 10:00', '2026-03-13 09:30', '2026-03-13 10:30', '2026-03-13 09:00']);
  });

  it('spreads over several days when each has little room, and stops at the booking window', () => {
    const rules = clinicRules({ bookingWindowDays: 3, weeklyHours: { 3: [{ start: '10:00', end: '10:30' }], 4: [{ start: '16:00', end: '17:00' }] } });
    const alternatives = findAlternatives({ rules, bookings: [], now, requestedStart: at('2026-03-10T10:00'), count: 10 });
    expect(localStarts(alternatives)).toEqual(['2026-03-11 10:00', '2026-03-12 16:00', '2026-03-12 16:30']);
  });

  it('skips what is too soon today and offers what is still ahead', () => {
    const rules = clinicRules({ minimumNoticeMinutes: 60 });
    const alternatives = findAlternatives({ rules, bookings: [], now: at('2026-03-10T16:10'), requestedStart: at('2026-03-10T16:30'), count: 3 });
    expect(localStarts(alternatives)).toEqual(['2026-03-10 17:30', '2026-03-11 16:30', '2026-03-11 16:00']);
  });

  it('returns nothing for a count of zero or a start that is not a number', () => {
    expect(findAlternatives({ rules: clinicRules(), bookings: [], now, requestedStart: at('2026-03-11T10:00'), count: 0 })).toEqual([]);
    expect(findAlternatives({ rules: clinicRules(), bookings: [], now, requestedStart: Number.NaN, count: 3 })).toEqual([]);
  });
});
