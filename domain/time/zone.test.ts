import { DateTime } from 'luxon';
import { localDateToDayNumber } from './civil';
import { createZoneTimeline } from './zone';

const instant = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();
const day = (date: string): number => localDateToDayNumber(date)!;

describe('createZoneTimeline', () => {
  it('finds Israel’s 2026 clock changes where luxon puts them: Friday 27 March and Sunday 25 October', () => {
    const zone = 'Asia/Jerusalem';
    expect(DateTime.fromISO('2026-03-27T01:59', { zone }).offset).toBe(120);
    expect(DateTime.fromISO('2026-03-27T03:00', { zone }).offset).toBe(180);
    expect(DateTime.fromISO('2026-03-27T00:00', { zone }).weekday).toBe(5);
    expect(DateTime.fromISO('2026-10-25T00:30', { zone }).offset).toBe(180);
    expect(DateTime.fromISO('2026-10-25T03:00', { zone }).offset).toBe(120);
    expect(DateTime.fromISO('2026-10-25T00:00', { zone }).weekday).toBe(7);
  });

  it('maps Jerusalem wall times to instants around the spring-forward gap, moving skipped times forward', () => {
    const timeline = createZoneTimeline('Asia/Jerusalem', instant('2026-03-01T00:00Z'), instant('2026-04-30T00:00Z'));
    expect(timeline.toInstant(day('2026-03-27'), 90)).toBe(instant('2026-03-27T01:30+02:00'));
    expect(timeline.toInstant(day('2026-03-27'), 150)).toBe(instant('2026-03-27T03:30+03:00')); // 02:30 does not exist
    expect(timeline.toInstant(day('2026-03-27'), 180)).toBe(instant('2026-03-27T03:00+03:00'));
    expect(timeline.toInstant(day('2026-03-27'), 1440)).toBe(instant('2026-03-28T00:00+03:00'));
  });

  it('maps a Jerusalem wall time repeated by the fall-back change to its first occurrence', () => {
    const timeline = createZoneTimeline('Asia/Jerusalem', instant('2026-10-01T00:00Z'), instant('2026-11-30T00:00Z'));
    expect(timeline.toInstant(day('2026-10-25'), 90)).toBe(instant('2026-10-25T01:30+03:00'));
    expect(timeline.toInstant(day('2026-10-25'), 120)).toBe(instant('2026-10-25T02:00+02:00'));
    expect(timeline.toLocal(instant('2026-10-25T01:30+02:00'))).toEqual({ dayNumber: day('2026-10-25'), minuteOfDay: 90 });
    expect(timeline.toLocal(instant('2026-10-25T01:30+03:00'))).toEqual({ dayNumber: day('2026-10-25'), minuteOfDay: 90 });
  });

  it('agrees with luxon on every quarter hour for a year in New York, London, Jerusalem and Lord Howe', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Asia/Jerusalem', 'Australia/Lord_Howe']) {
      const from = instant('2026-01-01T00:00Z');
      const to = instant('2027-01-01T00:00Z');
      const timeline = createZoneTimeline(zone, from, to);
      const disagreements: string[] = [];
      for (let at = from; at < to; at += 15 * 60_000) {
        const local = DateTime.fromMillis(at, { zone });
        const got = timeline.toLocal(at);
        if (got.dayNumber !== day(local.toISODate()!) || got.minuteOfDay !== local.hour * 60 + local.minute) {
          disagreements.push(`${zone} ${new Date(at).toISOString()}`);
        }
      }
      expect(disagreements).toEqual([]);
    }
  });

  it('round-trips every wall time of a year except the hour a spring-forward change skips', () => {
    for (const zone of ['America/New_York', 'Asia/Jerusalem']) {
      const timeline = createZoneTimeline(zone, instant('2026-01-01T00:00Z'), instant('2027-01-01T00:00Z'));
      const skipped: string[] = [];
      for (let dayNumber = day('2026-01-01'); dayNumber < day('2027-01-01'); dayNumber++) {
        for (let minute = 0; minute < 1440; minute += 15) {
          const back = timeline.toLocal(timeline.toInstant(dayNumber, minute));
          if (back.dayNumber !== dayNumber || back.minuteOfDay !== minute) skipped.push(`${dayNumber}:${minute}`);
        }
      }
      expect(skipped).toHaveLength(4); // 02:00, 02:15, 02:30, 02:45 on the spring-forward day
    }
  });

  it('still converts instants and wall times outside the window it was built for', () => {
    const timeline = createZoneTimeline('Europe/London', instant('2026-01-01T00:00Z'), instant('2026-01-02T00:00Z'));
    expect(timeline.toInstant(day('2026-07-01'), 600)).toBe(instant('2026-07-01T10:00+01:00'));
    expect(timeline.toLocal(instant('2026-07-01T09:00Z'))).toEqual({ dayNumber: day('2026-07-01'), minuteOfDay: 600 });
  });

  it('refuses a time zone that does not exist', () => {
    expect(() => createZoneTimeline('Mars/Olympus_Mons', 0, 1)).toThrow(RangeError);
  });
});
