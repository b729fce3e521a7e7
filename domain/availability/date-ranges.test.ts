import { buildOpeningRanges, expandByBuffers, mergeRanges, subtractRanges } from './date-ranges';
import { at, clinicRules, JERUSALEM, localLabel } from './test-support';
import type { OpeningRange } from './types';

const labels = (ranges: readonly { start: number; end: number }[], zone = JERUSALEM): string[] =>
  ranges.map((range) => `${localLabel(range.start, zone)}–${localLabel(range.end, zone).slice(11)}`);

describe('mergeRanges', () => {
  it('joins overlapping and touching ranges and drops empty ones, whatever the input order', () => {
    expect(
      mergeRanges([
        { start: 50, end: 60 },
        { start: 0, end: 10 },
        { start: 10, end: 20 },
        { start: 15, end: 18 },
        { start: 30, end: 30 },
        { start: 55, end: 70 },
      ]),
    ).toEqual([
      { start: 0, end: 20 },
      { start: 50, end: 70 },
    ]);
  });
});

describe('subtractRanges', () => {
  const opening = (start: number, end: number): OpeningRange => ({ date: '2026-03-10', start, end, opensAt: start });

  it('cuts busy time out of each range and keeps the range’s date and opening time on every piece', () => {
    const free = subtractRanges(
      [opening(0, 100), opening(200, 300)],
      [
        { start: 10, end: 20 },
        { start: 90, end: 210 },
        { start: 250, end: 260 },
      ],
    );
    expect(free).toEqual([
      { date: '2026-03-10', start: 0, end: 10, opensAt: 0 },
      { date: '2026-03-10', start: 20, end: 90, opensAt: 0 },
      { date: '2026-03-10', start: 210, end: 250, opensAt: 200 },
      { date: '2026-03-10', start: 260, end: 300, opensAt: 200 },
    ]);
  });

  it('leaves nothing of a range that busy time covers completely, and all of one it misses', () => {
    expect(subtractRanges([opening(10, 20)], [{ start: 0, end: 30 }])).toEqual([]);
    expect(subtractRanges([opening(10, 20)], [{ start: 20, end: 30 }])).toEqual([opening(10, 20)]);
  });
});

describe('expandByBuffers', () => {
  it('grows each booking by before + after on both sides, so two appointments stay that far apart', () => {
    expect(expandByBuffers({ bookings: [{ start: 600_000, end: 1_200_000 }], bufferBeforeMinutes: 2, bufferAfterMinutes: 3 })).toEqual([
      { start: 300_000, end: 1_500_000 },
    ]);
  });
});

describe('buildOpeningRanges', () => {
  it('turns weekly hours with a lunch break into two ranges a day and none on Saturday (Asia/Jerusalem)', () => {
    const ranges = buildOpeningRanges({ rules: clinicRules(), fromDate: '2026-03-13', toDate: '2026-03-15' });
    expect(labels(ranges)).toEqual(['2026-03-13 08:00–13:00', '2026-03-15 09:00–13:00', '2026-03-15 14:00–18:00']);
    expect(ranges.map((range) => range.date)).toEqual(['2026-03-13', '2026-03-15', '2026-03-15']);
  });

  it('lets a date override replace the weekday’s hours, an empty override close the day, and a closed date win', () => {
    const rules = clinicRules({
      closedDates: ['2026-03-17'],
      dateOverrides: [
        { date: '2026-03-16', ranges: [{ start: '10:00', end: '12:00' }] },
        { date: '2026-03-17', ranges: [{ start: '10:00', end: '12:00' }] },
        { date: '2026-03-18', ranges: [] },
        { date: '2026-03-21', ranges: [{ start: '20:00', end: '23:00' }] },
      ],
    });
    const ranges = buildOpeningRanges({ rules, fromDate: '2026-03-16', toDate: '2026-03-21' });
    expect(labels(ranges)).toEqual([
      '2026-03-16 10:00–12:00',
      '2026-03-19 09:00–13:00',
      '2026-03-19 14:00–18:00',
      '2026-03-20 08:00–13:00',
      '2026-03-21 20:00–23:00',
    ]);
  });

  it('merges overlapping hours of one day and accepts 24:00 as midnight', () => {
    const rules = clinicRules({
      weeklyHours: { 2: [{ start: '18:00', end: '24:00' }, { start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] },
    });
    const ranges = buildOpeningRanges({ rules, fromDate: '2026-03-10', toDate: '2026-03-10' });
    expect(labels(ranges)).toEqual(['2026-03-10 09:00–13:00', '2026-03-10 18:00–00:00']);
    expect(ranges[1]!.end).toBe(at('2026-03-11T00:00'));
  });

  it('makes the night of Israel’s spring-forward (Friday 27 March 2026) an hour shorter', () => {
    const rules = clinicRules({ weeklyHours: { 5: [{ start: '00:00', end: '06:00' }] } });
    const [night] = buildOpeningRanges({ rules, fromDate: '2026-03-27', toDate: '2026-03-27' });
    expect(night!.start).toBe(Date.parse('2026-03-26T22:00:00Z'));
    expect(night!.end).toBe(Date.parse('2026-03-27T03:00:00Z'));
    expect((night!.end - night!.start) / 3_600_000).toBe(5);
  });

  it('makes the night of Israel’s fall-back (Sunday 25 October 2026) an hour longer', () => {
    const rules = clinicRules({ weeklyHours: { 0: [{ start: '00:00', end: '06:00' }] } });
    const [night] = buildOpeningRanges({ rules, fromDate: '2026-10-25', toDate: '2026-10-25' });
    expect((night!.end - night!.start) / 3_600_000).toBe(7);
  });

  it('opens a business whose hours start inside the skipped hour as the wall clock reads then (02:30 becomes 03:30)', () => {
    const rules = clinicRules({ weeklyHours: { 5: [{ start: '02:30', end: '05:00' }] } });
    const [range] = buildOpeningRanges({ rules, fromDate: '2026-03-27', toDate: '2026-03-27' });
    expect(localLabel(range!.start)).toBe('2026-03-27 03:30');
    expect(localLabel(range!.end)).toBe('2026-03-27 05:00');
  });

  it('reads hours in the business’s own zone (America/New_York)', () => {
    const rules = clinicRules({ timeZone: 'America/New_York' });
    const [morning] = buildOpeningRanges({ rules, fromDate: '2026-03-09', toDate: '2026-03-09' });
    expect(morning!.start).toBe(Date.parse('2026-03-09T13:00:00Z')); // 09:00 EDT, the day after the change
  });

  it('refuses rules it cannot use, naming each problem', () => {
    const rules = clinicRules({ timeZone: 'Nowhere/Land', slotLengthMinutes: 0, weeklyHours: { 1: [{ start: '12:00', end: '09:00' }] } });
    expect(() => buildOpeningRanges({ rules, fromDate: '2026-03-10', toDate: '2026-03-10' })).toThrow(
      /timeZone.*weeklyHours\[1\]\[0\].*slotLengthMinutes/,
    );
  });
});
