import { checkBookable } from './bookable';
import { at, booking, clinicRules } from './test-support';

describe('checkBookable (Asia/Jerusalem clinic, now Tuesday 2026-03-10 08:00)', () => {
  const now = at('2026-03-10T08:00');
  const rules = clinicRules({ minimumNoticeMinutes: 120, bookingWindowDays: 14, maxBookingsPerDay: 3, bufferAfterMinutes: 10 });
  const bookings = [booking('2026-03-11T10:00', 30)];
  const check = (localStart: string, overrides = {}) =>
    checkBookable({ rules: { ...rules, ...overrides }, bookings, now, start: at(localStart) });

  it('accepts a free slot on the grid within opening hours', () => {
    expect(check('2026-03-11T11:00')).toEqual({ ok: true });
  });

  it('says too_soon for a start before now plus the minimum notice, past times included', () => {
    expect(check('2026-03-10T09:30')).toEqual({ ok: false, reason: 'too_soon' });
    expect(check('2026-03-09T10:00')).toEqual({ ok: false, reason: 'too_soon' });
  });

  it('says too_far for a start after the last day of the booking window', () => {
    expect(check('2026-03-24T17:30')).toEqual({ ok: true });
    expect(check('2026-03-25T09:00')).toEqual({ ok: false, reason: 'too_far' });
  });

  it('says closed on Saturday, on a closed date and on a date whose override is empty', () => {
    expect(check('2026-03-14T10:00')).toEqual({ ok: false, reason: 'closed' });
    expect(check('2026-03-16T10:00', { closedDates: ['2026-03-16'] })).toEqual({ ok: false, reason: 'closed' });
    expect(check('2026-03-17T10:00', { dateOverrides: [{ date: '2026-03-17', ranges: [] }] })).toEqual({ ok: false, reason: 'closed' });
  });

  it('says outside_hours for the lunch break, before opening and for a slot running past closing', () => {
    expect(check('2026-03-11T13:00')).toEqual({ ok: false, reason: 'outside_hours' });
    expect(check('2026-03-11T08:30')).toEqual({ ok: false, reason: 'outside_hours' });
    expect(check('2026-03-11T12:45')).toEqual({ ok: false, reason: 'outside_hours' });
  });

  it('says invalid for a start off the slot grid and for a start that is not a number', () => {
    expect(check('2026-03-11T11:10')).toEqual({ ok: false, reason: 'invalid' });
    expect(checkBookable({ rules, bookings, now, start: Number.NaN })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('says taken for a slot overlapping a booking or its buffer', () => {
    expect(check('2026-03-11T10:00')).toEqual({ ok: false, reason: 'taken' });
    expect(check('2026-03-11T10:30')).toEqual({ ok: false, reason: 'taken' }); // 10 minutes of clean-up after 10:30
    expect(check('2026-03-11T09:30')).toEqual({ ok: false, reason: 'taken' }); // its own clean-up would run into 10:00
    expect(check('2026-03-11T11:00')).toEqual({ ok: true });
  });

  it('says daily_cap once the day holds the maximum number of bookings', () => {
    const full = [booking('2026-03-12T09:00', 30), booking('2026-03-12T11:00', 30), booking('2026-03-12T15:00', 30)];
    expect(checkBookable({ rules, bookings: full, now, start: at('2026-03-12T17:00') })).toEqual({ ok: false, reason: 'daily_cap' });
    expect(checkBookable({ rules, bookings: full.slice(1), now, start: at('2026-03-12T17:00') })).toEqual({ ok: true });
  });

  it('uses the short Friday of the weekly hours and a holiday-eve override', () => {
    expect(check('2026-03-13T12:30')).toEqual({ ok: true });
    expect(check('2026-03-13T13:00')).toEqual({ ok: false, reason: 'outside_hours' });
    const holidayEve = { dateOverrides: [{ date: '2026-03-16', ranges: [{ start: '09:00', end: '12:00' }] }] };
    expect(check('2026-03-16T11:30', holidayEve)).toEqual({ ok: true });
    expect(check('2026-03-16T14:00', holidayEve)).toEqual({ ok: false, reason: 'outside_hours' });
  });
});
