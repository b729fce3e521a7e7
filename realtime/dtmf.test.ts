import { DtmfAggregator, dtmfModelText } from './dtmf';

describe('DtmfAggregator', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands over the digits at once on #', () => {
    const entries: Array<[string, string]> = [];
    const dtmf = new DtmfAggregator(3_000, (digits, reason) => entries.push([digits, reason]));
    for (const d of '0501234567#') dtmf.push(d);
    expect(entries).toEqual([['0501234567', 'terminator']]);
    expect(dtmf.pending).toBe('');
  });

  it('hands over after the idle time, and the timer restarts with each digit', () => {
    const entries: string[] = [];
    const dtmf = new DtmfAggregator(1_000, (digits) => entries.push(digits));
    dtmf.push('1');
    jest.advanceTimersByTime(900);
    dtmf.push('2');
    jest.advanceTimersByTime(900);
    expect(entries).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(entries).toEqual(['12']);
  });

  it('ignores non-keypad input and a lone #', () => {
    const entries: string[] = [];
    const dtmf = new DtmfAggregator(1_000, (digits) => entries.push(digits));
    expect(dtmf.push('a')).toBe(false);
    expect(dtmf.push(undefined)).toBe(false);
    expect(dtmf.push('12')).toBe(false);
    expect(dtmf.push('#')).toBe(true);
    expect(entries).toEqual([]);
    dtmf.push('*');
    dtmf.flush('end');
    expect(entries).toEqual(['*']);
  });

  it('flushes on overflow and reset drops pending digits silently', () => {
    const entries: Array<[string, string]> = [];
    const dtmf = new DtmfAggregator(1_000, (digits, reason) => entries.push([digits, reason]));
    for (let i = 0; i < 32; i += 1) dtmf.push('9');
    expect(entries).toEqual([['9'.repeat(32), 'overflow']]);
    dtmf.push('1');
    dtmf.reset();
    jest.advanceTimersByTime(5_000);
    expect(entries).toHaveLength(1);
  });

  it('validates the idle time', () => {
    expect(() => new DtmfAggregator(0, () => undefined)).toThrow(RangeError);
  });

  it('gives the model the digits as numerals with context', () => {
    expect(dtmfModelText('0501234567')).toContain('0501234567');
  });
});
