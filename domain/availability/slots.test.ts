import { cutIntoSlots, getAvailableSlots } from './slots';
import { at, booking, clinicRules, JERUSALEM, localStarts, startsWithOffset } from './test-support';

describe('cutIntoSlots', () => {
  it('starts slots on the grid counted from opening time, so a booking until 10:20 frees 10:30 next, not 10:20', () => {
    const opensAt = at('2026-03-10T09:00');
    const slots = cutIntoSlots({
      freeRanges: [{ date: '2026-03-10', start: at('2026-03-10T10:20'), end: at('2026-03-10T12:00'), opensAt }],
      slotLengthMs: 30 * 60_000,
      slotIntervalMs: 15 * 60_000,
    });
    expect(localStarts(slots)).toEqual([
      '2026-03-10 10:30', '2026-03-10 10:45', '2026-03-10 11:00', '2026-03-10 11:15', '2026-03-10 11:30',
    ]);
  });
});

describe('getAvailableSlots', () => {
  const now = at('2026-03-10T07:00'); // Tuesday, before opening

  it('offers 30-minute slots in both opening ranges of the day with the lunch break left out (Asia/Jerusalem)', () => {
    const slots = getAvailableSlots({ rules: clinicRules(), bookings: [], now, from: at('2026-03-11T00:00'), to: at('2026-03-12T00:00') });
    expect(localStarts(slots).map((label) => label.slice(11))).toEqual([
      '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30',
      '14:00', '14:30', '15:00', '15:30', '16:00', '16:30', '17:00', '17:30',
    ]);
    expect(slots.every((slot) => slot.end - slot.start === 30 * 60_000)).toBe(true);
  });

  it('only shows slots starting at least the minimum notice after now on the same day', () => {
    const slots = getAvailableSlots({
      rules: clinicRules({ minimumNoticeMinutes: 60 }),
      bookings: [],
      now: at('2026-03-10T15:10'),
      from: at('2026-03-10T00:00'),
      to: at('2026-03-11T00:00'),
    });
    expect(localStarts(slots)).toEqual(['2026-03-10 16:30', '2026-03-10 17:00', '2026-03-10 17:30']);
  });

  it('leaves out booked time together with the buffers of both appointments', () => {
    const slots = getAvailableSlots({
      rules: clinicRules({ slotIntervalMinutes: 15, bufferBeforeMinutes: 5, bufferAfterMinutes: 10 }),
      bookings: [booking('2026-03-11T10:00', 30)],
      now,
      from: at('2026-03-11T09:00'),
      to: at('2026-03-11T11:30'),
    });
    // The booking holds 09:45–10:45 against a new slot (15 minutes of buffers on each side).
    expect(localStarts(slots).map((label) => label.slice(11))).toEqual(['09:00', '09:15', '10:45', '11:00', '11:15']);
  });

  it('offers nothing on a day that already has its maximum number of bookings', () => {
    const rules = clinicRules({ maxBookingsPerDay: 2 });
    const bookings = [booking('2026-03-11T09:00', 30), booking('2026-03-11T16:00', 30), booking('2026-03-12T09:00', 30)];
    const slots = getAvailableSlots({ rules, bookings, now, from: at('2026-03-11T00:00'), to: at('2026-03-13T00:00') });
    expect(slots.some((slot) => localStarts([slot])[0]!.startsWith('2026-03-11'))).toBe(false);
    expect(localStarts(slots)[0]).toBe('2026-03-12 09:30');
  });

  it('stops at the last day of the booking window', () => {
    const slots = getAvailableSlots({
      rules: clinicRules({ bookingWindowDays: 2 }),
      bookings: [],
      now,
      from: now,
      to: at('2026-04-10T00:00'),
    });
    expect(new Set(localStarts(slots).map((label) => label.slice(0, 10)))).toEqual(new Set(['2026-03-10', '2026-03-11', '2026-03-12']));
  });

  it('returns slots whose start is in [from, to), in time order', () => {
    const slots = getAvailableSlots({ rules: clinicRules(), bookings: [], now, from: at('2026-03-11T10:15'), to: at('2026-03-11T11:30') });
    expect(localStarts(slots)).toEqual(['2026-03-11 10:30', '2026-03-11 11:00']);
  });

  it('keeps hourly slots of a night open across Israel’s spring-forward on the wall clock, five not six', () => {
    const rules = clinicRules({ weeklyHours: { 5: [{ start: '00:00', end: '06:00' }] }, slotLengthMinutes: 60, slotIntervalMinutes: 60 });
    const slots = getAvailableSlots({ rules, bookings: [], now: at('2026-03-20T12:00'), from: at('2026-03-27T00:00'), to: at('2026-03-28T00:00') });
    expect(startsWithOffset(slots, JERUSALEM)).toEqual(['00:00+02:00', '01:00+02:00', '03:00+03:00', '04:00+03:00', '05:00+03:00']);
  });

  it('offers the repeated hour twice on the night of Israel’s fall-back, seven slots in six wall-clock hours', () => {
    const rules = clinicRules({ weeklyHours: { 0: [{ start: '00:00', end: '06:00' }] }, slotLengthMinutes: 60, slotIntervalMinutes: 60 });
    const slots = getAvailableSlots({ rules, bookings: [], now: at('2026-10-20T12:00'), from: at('2026-10-25T00:00'), to: at('2026-10-26T00:00') });
    expect(startsWithOffset(slots, JERUSALEM)).toEqual([
      '00:00+03:00', '01:00+03:00', '01:00+02:00', '02:00+02:00', '03:00+02:00', '04:00+02:00', '05:00+02:00',
    ]);
  });

  it('blocks only the real hour of a booking made in the repeated hour of the fall-back night', () => {
    const rules = clinicRules({ weeklyHours: { 0: [{ start: '00:00', end: '06:00' }] }, slotLengthMinutes: 60, slotIntervalMinutes: 60 });
    const secondOneOClock = Date.parse('2026-10-24T23:00:00Z'); // 01:00+02:00
    const slots = getAvailableSlots({
      rules,
      bookings: [{ start: secondOneOClock, end: secondOneOClock + 3_600_000 }],
      now: at('2026-10-20T12:00'),
      from: at('2026-10-25T00:00'),
      to: at('2026-10-26T00:00'),
    });
    expect(startsWithOffset(slots, JERUSALEM)).toEqual(['00:00+03:00', '01:00+03:00', '02:00+02:00', '03:00+02:00', '04:00+02:00', '05:00+02:00']);
  });

  it('keeps a daytime business at 09:00 local on both sides of Israel’s spring-forward', () => {
    const slots = getAvailableSlots({ rules: clinicRules(), bookings: [], now: at('2026-03-20T12:00'), from: at('2026-03-26T00:00'), to: at('2026-03-30T00:00') });
    const firstOfDay = (date: string) => slots.find((slot) => localStarts([slot])[0]!.startsWith(date))!.start;
    expect(firstOfDay('2026-03-26')).toBe(Date.parse('2026-03-26T07:00:00Z'));
    expect(firstOfDay('2026-03-29')).toBe(Date.parse('2026-03-29T06:00:00Z'));
  });

  it('follows New York’s own spring-forward (Sunday 8 March 2026) for a business open 00:00–04:00 there', () => {
    const zone = 'America/New_York';
    const rules = clinicRules({ timeZone: zone, weeklyHours: { 0: [{ start: '00:00', end: '04:00' }] }, slotLengthMinutes: 60, slotIntervalMinutes: 60 });
    const slots = getAvailableSlots({ rules, bookings: [], now: at('2026-03-01T12:00', zone), from: at('2026-03-08T00:00', zone), to: at('2026-03-09T00:00', zone) });
    expect(startsWithOffset(slots, zone)).toEqual(['00:00-05:00', '01:00-05:00', '03:00-04:00']);
  });

  it('follows London’s fall-back (Sunday 25 October 2026) for a business open 00:00–03:00 there', () => {
    const zone = 'Europe/London';
    const rules = clinicRules({ timeZone: zone, weeklyHours: { 0: [{ start: '00:00', end: '03:00' }] }, slotLengthMinutes: 60, slotIntervalMinutes: 60 });
    const slots = getAvailableSlots({ rules, bookings: [], now: at('2026-10-20T12:00', zone), from: at('2026-10-25T00:00', zone), to: at('2026-10-26T00:00', zone) });
    expect(startsWithOffset(slots, zone)).toEqual(['00:00+01:00', '01:00+01:00', '01:00+00:00', '02:00+00:00']);
  });

  it('counts a New York business’s days and notice in New York time, not the server’s', () => {
    const zone = 'America/New_York';
    const rules = clinicRules({ timeZone: zone, minimumNoticeMinutes: 120 });
    const slots = getAvailableSlots({ rules, bookings: [], now: at('2026-03-10T15:00', zone), from: at('2026-03-10T00:00', zone), to: at('2026-03-11T00:00', zone) });
    expect(localStarts(slots, zone)).toEqual(['2026-03-10 17:00', '2026-03-10 17:30']);
  });

  it('refuses a booking that is not a pair of instants', () => {
    expect(() =>
      getAvailableSlots({ rules: clinicRules(), bookings: [{ start: Number.NaN, end: 0 }], now, from: now, to: now + 1 }),
    ).toThrow(RangeError);
  });
});
