import {
  civilFromDays, daysFromCivil, daysInMonth, formatDayNumber, formatMinuteOfDay, localDateToDayNumber,
  parseLocalDateTime, parseLocalTime, weekdayOfDayNumber,
} from './civil';

describe('civil dates', () => {
  it('counts days from 1970-01-01 both ways, across centuries and leap days', () => {
    for (const date of ['1970-01-01', '2000-02-29', '2026-03-10', '2100-03-01', '1969-12-31', '2400-12-31']) {
      const dayNumber = localDateToDayNumber(date)!;
      expect(formatDayNumber(dayNumber)).toBe(date);
    }
    expect(daysFromCivil({ year: 1970, month: 1, day: 1 })).toBe(0);
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });

  it('agrees with JavaScript Date on the weekday of every day for ten years', () => {
    const start = daysFromCivil({ year: 2024, month: 1, day: 1 });
    for (let dayNumber = start; dayNumber < start + 3653; dayNumber++) {
      expect(weekdayOfDayNumber(dayNumber)).toBe(new Date(dayNumber * 86_400_000).getUTCDay());
    }
  });

  it('knows month lengths, leap years included', () => {
    expect(daysInMonth(2026, 2)).toBe(28);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2026, 4)).toBe(30);
  });

  it('rejects dates and times that do not exist', () => {
    expect(localDateToDayNumber('2026-02-29')).toBeNull();
    expect(localDateToDayNumber('2026-13-01')).toBeNull();
    expect(localDateToDayNumber('26-03-10')).toBeNull();
    expect(parseLocalTime('24:01')).toBeNull();
    expect(parseLocalTime('9:00')).toBeNull();
    expect(parseLocalTime('24:00')).toBe(1440);
    expect(parseLocalDateTime('2026-03-10T25:00:00')).toBeNull();
  });

  it('reads and writes wall-clock times', () => {
    expect(parseLocalDateTime('2026-03-10T09:05:59')).toEqual({ dayNumber: localDateToDayNumber('2026-03-10'), minuteOfDay: 545 });
    expect(formatMinuteOfDay(545)).toBe('09:05');
    expect(formatMinuteOfDay(-15)).toBe('23:45');
    expect(formatMinuteOfDay(1440)).toBe('00:00');
  });
});
