import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateFixtures } from './evaluate';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures');

describe('the shared Hebrew fixture samples', () => {
  it.each(['hebrew-datetime.sample.jsonl', 'hebrew-phone.sample.jsonl'])('pass in full: %s', (file) => {
    const report = evaluateFixtures(readFileSync(path.join(FIXTURES, file), 'utf8'));
    expect(report.mismatches).toEqual([]);
    expect(report.passed).toBeGreaterThan(0);
  });
});

describe('evaluateFixtures', () => {
  it('tells date/time cases from phone cases by their expected keys and reports each mismatch', () => {
    const jsonl = [
      JSON.stringify({ text: 'מחר בעשר', now: '2026-03-10T09:00:00', tz: 'Asia/Jerusalem', expect: { date: '2026-03-11', time: '10:00' } }),
      JSON.stringify({ text: 'מחר בעשר', now: '2026-03-10T09:00:00', tz: 'Asia/Jerusalem', expect: { date: '2026-03-12', time: '10:00' } }),
      JSON.stringify({ text: '050-1234567', expect: { e164: '+972501234567' } }),
      '',
      'not json',
    ].join('\n');
    const report = evaluateFixtures(jsonl);
    expect(report.passed).toBe(2);
    expect(report.failed).toBe(2);
    expect(report.mismatches[0]).toEqual({
      line: 2,
      text: 'מחר בעשר',
      expected: { date: '2026-03-12', time: '10:00' },
      got: { date: '2026-03-11', time: '10:00' },
    });
    expect(report.mismatches[1]).toMatchObject({ line: 5, got: 'not valid JSON' });
  });
});
