import fc from 'fast-check';
import { parseHebrewDateTime } from './datetime';

describe('parseHebrewDateTime: the current moment and the zone', () => {
  it('accepts now as epoch ms and reads it in the business’s zone (Asia/Jerusalem)', () => {
    const now = Date.parse('2026-03-10T22:30:00Z'); // 00:30 on 11 March in Israel
    expect(parseHebrewDateTime('מחר בעשר', { now, timeZone: 'Asia/Jerusalem' })).toEqual({ date: '2026-03-12', time: '10:00' });
    expect(parseHebrewDateTime('בעוד שעה', { now, timeZone: 'Asia/Jerusalem' })).toEqual({ date: '2026-03-11', time: '01:30' });
  });

  it('accepts now as an ISO string with an offset and converts it into the zone (America/New_York)', () => {
    const context = { now: '2026-03-10T03:00:00Z', timeZone: 'America/New_York' }; // 23:00 on 9 March there
    expect(parseHebrewDateTime('היום', context)).toEqual({ date: '2026-03-09', time: null });
    expect(parseHebrewDateTime('ביום שלישי', context)).toEqual({ date: '2026-03-10', time: null });
  });

  it('carries "in two hours" past midnight into the next day', () => {
    expect(parseHebrewDateTime('בעוד שעתיים', { now: '2026-03-10T23:15:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-03-11',
      time: '01:15',
    });
  });

  it('adds real elapsed time across Israel’s spring-forward: an hour after 01:30 on 27 March 2026 is 03:30', () => {
    expect(parseHebrewDateTime('בעוד שעה', { now: '2026-03-27T01:30:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-03-27',
      time: '03:30',
    });
  });

  it('adds real elapsed time across Israel’s fall-back: two hours after 00:30 on 25 October 2026 is 01:30 again', () => {
    expect(parseHebrewDateTime('בעוד שעתיים', { now: '2026-10-25T00:30:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-10-25',
      time: '01:30',
    });
  });

  it('rolls a past date into next year and a past day of the month into next month', () => {
    const context = { now: '2026-12-28T12:00:00', timeZone: 'Asia/Jerusalem' };
    expect(parseHebrewDateTime('ב-3.1', context)).toEqual({ date: '2027-01-03', time: null });
    expect(parseHebrewDateTime('ב-5 לחודש', context)).toEqual({ date: '2027-01-05', time: null });
    expect(parseHebrewDateTime('ב-31 לחודש', { now: '2026-04-10T12:00:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-05-31',
      time: null,
    });
  });

  it('keeps the month’s last day when a month later has no such day', () => {
    expect(parseHebrewDateTime('בעוד חודש', { now: '2026-01-31T12:00:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-02-28',
      time: null,
    });
  });

  it('takes Saturday night as tonight when it is Saturday already', () => {
    expect(parseHebrewDateTime('במוצ"ש בשמונה', { now: '2026-03-14T10:00:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-03-14',
      time: '20:00',
    });
    expect(parseHebrewDateTime('בשבת', { now: '2026-03-14T10:00:00', timeZone: 'Asia/Jerusalem' })).toEqual({
      date: '2026-03-21',
      time: null,
    });
  });

  it('refuses an unknown zone or an unreadable now', () => {
    expect(() => parseHebrewDateTime('מחר', { now: '2026-03-10T09:00:00', timeZone: 'Asia/Atlantis' })).toThrow(RangeError);
    expect(() => parseHebrewDateTime('מחר', { now: 'yesterday', timeZone: 'Asia/Jerusalem' })).toThrow(RangeError);
  });
});

describe('parseHebrewDateTime: any text', () => {
  const context = { now: '2026-03-10T09:00:00', timeZone: 'Asia/Jerusalem' };
  const words = [
    'מחר', 'היום', 'בעוד', 'שעה', 'שעתיים', 'יום', 'ימים', 'שבוע', 'הבא', 'הקרוב', 'ב', 'ל', 'ה', 'ו', 'רבע', 'חצי', 'וחצי',
    'ורבע', 'דקות', 'בשלוש', 'שלושה', 'עשרים', 'לחמש', 'בבוקר', 'בערב', 'אחה"צ', 'במרץ', 'לחודש', 'יום', "א'", 'שבת', 'מוצ"ש',
    'בין', 'אחרי', 'פחות', '10', '3.4', '14:30', '20/3/26', '-', ',', '?', 'תודה', 'אפשר',
  ];

  it('never throws and always answers a real date and time or null', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 8 }), fc.string({ maxLength: 10 }), (picked, noise) => {
        const { date, time } = parseHebrewDateTime(`${picked.join(' ')} ${noise}`, context);
        expect(date === null || /^\d{4}-\d{2}-\d{2}$/.test(date)).toBe(true);
        expect(time === null || /^([01]\d|2[0-3]):[0-5]\d$/.test(time)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
