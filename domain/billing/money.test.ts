import fc from 'fast-check';
import {
  BillingInputError,
  ISRAELI_VAT_RATE_BPS,
  computeTotals,
  formatAgorot,
  formatRate,
  israeliVatRateOn,
  lineTotals,
  mulDivRound,
  parseShekels,
  splitGross,
  toQuantityMilli,
} from './money';

const line = (over: Partial<Parameters<typeof lineTotals>[0]> = {}) => ({ description: 'ייעוץ', quantity: 1, unitPriceAgorot: 10_000, ...over });

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BillingInputError) return error.field;
    throw error;
  }
  throw new Error('expected a BillingInputError');
}

describe('rounding', () => {
  it('rounds half away from zero to a whole agora', () => {
    expect(mulDivRound(1, 1, 2)).toBe(1); // 0.5 → 1
    expect(mulDivRound(1, 49, 100)).toBe(0); // 0.49 → 0
    expect(mulDivRound(3, 1, 2)).toBe(2); // 1.5 → 2
    expect(mulDivRound(-1, 1, 2)).toBe(-1); // −0.5 → −1
    expect(mulDivRound(-3, 1, 2)).toBe(-2);
    expect(mulDivRound(10, 10, 3)).toBe(33);
    expect(mulDivRound(20, 10, 3)).toBe(67);
  });

  it('stays exact where floating point would not', () => {
    // 9,007,199,254,740,993 is not a double; BigInt keeps it.
    expect(mulDivRound(1_000_000_000, 9_007_199, 1000)).toBe(9_007_199_000_000);
    // 1.005 × 100 in floats is 100.49999…; in thousandths × agorot it is exactly 100.5 → 101.
    expect(lineTotals(line({ quantity: 1.005, unitPriceAgorot: 100 })).grossAgorot).toBe(101);
  });

  it('agrees with an exact rational reference on random inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 1e5 }), (a, b, d) => {
        const exact = (BigInt(a) * BigInt(b) * 2n + (a < 0 ? -BigInt(d) : BigInt(d))) / (2n * BigInt(d));
        expect(mulDivRound(a, b, d)).toBe(Number(exact));
      }),
    );
  });
});

describe('quantities', () => {
  it('accepts up to three decimals', () => {
    expect(toQuantityMilli(1)).toBe(1000);
    expect(toQuantityMilli(2.5)).toBe(2500);
    expect(toQuantityMilli(0.001)).toBe(1);
    expect(toQuantityMilli(1.005)).toBe(1005);
  });

  it.each([0, -1, 0.0001, 1.2345, Number.NaN, Number.POSITIVE_INFINITY, 1_000_001])('refuses %p', (quantity) => {
    expect(() => toQuantityMilli(quantity)).toThrow(BillingInputError);
  });
});

describe('line totals', () => {
  it('multiplies quantity by price', () => {
    expect(lineTotals(line({ quantity: 3, unitPriceAgorot: 12_345 }))).toMatchObject({ grossAgorot: 37_035, discountAgorot: 0, netAgorot: 37_035, quantityMilli: 3000 });
  });

  it('rounds a fractional quantity to the agora', () => {
    // 1.5 hours at 333.33 ILS = 499.995 → 500.00
    expect(lineTotals(line({ quantity: 1.5, unitPriceAgorot: 33_333 })).grossAgorot).toBe(50_000);
    // 0.333 × 1.00 = 0.333 → 0.33
    expect(lineTotals(line({ quantity: 0.333, unitPriceAgorot: 100 })).grossAgorot).toBe(33);
  });

  it('applies a percentage discount on the line, rounded', () => {
    // 10% of 99.99 = 9.999 → 10.00
    expect(lineTotals(line({ unitPriceAgorot: 9_999, discountBps: 1000 }))).toMatchObject({ grossAgorot: 9_999, discountAgorot: 1_000, netAgorot: 8_999 });
    expect(lineTotals(line({ unitPriceAgorot: 9_999, discountBps: 10_000 })).netAgorot).toBe(0);
    expect(lineTotals(line({ unitPriceAgorot: 9_999, discountBps: 0 })).netAgorot).toBe(9_999);
  });

  it('applies a fixed discount up to the line amount', () => {
    expect(lineTotals(line({ quantity: 2, unitPriceAgorot: 5_000, discountAgorot: 2_500 })).netAgorot).toBe(7_500);
    expect(fieldOf(() => lineTotals(line({ unitPriceAgorot: 5_000, discountAgorot: 5_001 }), 2))).toBe('lines.2.discountAgorot');
  });

  it('names the field of every refusal', () => {
    expect(fieldOf(() => lineTotals(line({ description: '  ' }), 1))).toBe('lines.1.description');
    expect(fieldOf(() => lineTotals(line({ quantity: 0 }), 1))).toBe('lines.1.quantity');
    expect(fieldOf(() => lineTotals(line({ unitPriceAgorot: 10.5 }), 1))).toBe('lines.1.unitPriceAgorot');
    expect(fieldOf(() => lineTotals(line({ unitPriceAgorot: -1 }), 1))).toBe('lines.1.unitPriceAgorot');
    expect(fieldOf(() => lineTotals(line({ discountBps: 10_001 }), 1))).toBe('lines.1.discountBps');
    expect(fieldOf(() => lineTotals(line({ discountBps: 12.5 }), 1))).toBe('lines.1.discountBps');
    expect(fieldOf(() => lineTotals(line({ discountBps: 100, discountAgorot: 1 }), 1))).toBe('lines.1.discountBps');
  });

  it('gives every refusal in Hebrew and English', () => {
    try {
      lineTotals(line({ quantity: -2 }));
    } catch (error) {
      expect((error as BillingInputError).messages.he).toMatch(/כמות/);
      expect((error as BillingInputError).messages.en).toMatch(/quantity/);
    }
  });
});

describe('document totals', () => {
  it('charges the current Israeli VAT (18%) by default, on the net total', () => {
    expect(ISRAELI_VAT_RATE_BPS).toBe(1800);
    const totals = computeTotals([line({ unitPriceAgorot: 100_000 })]);
    expect(totals).toMatchObject({ subtotalAgorot: 100_000, netAgorot: 100_000, vatRateBps: 1800, vatAgorot: 18_000, totalAgorot: 118_000 });
  });

  it('computes VAT once on the sum, not per line', () => {
    // Three lines of 0.03 ILS: per-line VAT would be 3 × round(0.54 agora) = 3 agorot; on the sum 9 × 0.18 = 1.62 → 2.
    const totals = computeTotals([line({ unitPriceAgorot: 3 }), line({ unitPriceAgorot: 3 }), line({ unitPriceAgorot: 3 })]);
    expect(totals.netAgorot).toBe(9);
    expect(totals.vatAgorot).toBe(2);
    expect(totals.totalAgorot).toBe(11);
  });

  it('takes a configured rate, including zero (exempt dealer)', () => {
    expect(computeTotals([line({ unitPriceAgorot: 10_000 })], { vatRateBps: 1700 }).vatAgorot).toBe(1_700);
    expect(computeTotals([line({ unitPriceAgorot: 10_000 })], { vatRateBps: 0 }).totalAgorot).toBe(10_000);
    expect(fieldOf(() => computeTotals([line()], { vatRateBps: -1 }))).toBe('vatRateBps');
    expect(fieldOf(() => computeTotals([line()], { vatRateBps: 17.5 }))).toBe('vatRateBps');
  });

  it('applies a document discount after line discounts and before VAT', () => {
    const totals = computeTotals([line({ quantity: 2, unitPriceAgorot: 50_000, discountBps: 1000 }), line({ unitPriceAgorot: 20_000 })], { documentDiscountAgorot: 10_000 });
    expect(totals.subtotalAgorot).toBe(90_000 + 20_000);
    expect(totals.netAgorot).toBe(100_000);
    expect(totals.vatAgorot).toBe(18_000);
    expect(totals.totalAgorot).toBe(118_000);
    expect(fieldOf(() => computeTotals([line({ unitPriceAgorot: 100 })], { documentDiscountAgorot: 101 }))).toBe('documentDiscountAgorot');
  });

  it('refuses an empty or oversized document', () => {
    expect(fieldOf(() => computeTotals([]))).toBe('lines');
    expect(fieldOf(() => computeTotals(Array.from({ length: 200 }, () => line({ quantity: 1_000_000, unitPriceAgorot: 10_000_000_000 }))))).toBe('lines');
    expect(fieldOf(() => computeTotals(Array.from({ length: 201 }, () => line())))).toBe('lines');
  });

  it('keeps its identities on random documents', () => {
    const lineArb = fc.record({
      description: fc.constant('x'),
      quantity: fc.integer({ min: 1, max: 100_000 }).map((milli) => milli / 1000),
      unitPriceAgorot: fc.integer({ min: 0, max: 10_000_000 }),
      discountBps: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10_000 }), (lines, vatRateBps) => {
        const totals = computeTotals(lines, { vatRateBps });
        expect(totals.subtotalAgorot).toBe(totals.lines.reduce((sum, l) => sum + l.netAgorot, 0));
        expect(totals.totalAgorot).toBe(totals.netAgorot + totals.vatAgorot);
        for (const l of totals.lines) {
          expect(Number.isInteger(l.netAgorot)).toBe(true);
          expect(l.netAgorot).toBeGreaterThanOrEqual(0);
          expect(l.netAgorot).toBeLessThanOrEqual(l.grossAgorot);
        }
        // VAT is within half an agora of the exact value.
        expect(Math.abs(totals.vatAgorot - (totals.netAgorot * vatRateBps) / 10_000)).toBeLessThanOrEqual(0.5);
      }),
    );
  });
});

describe('VAT history and gross amounts', () => {
  it('knows which rate was in force on a date', () => {
    expect(israeliVatRateOn('2024-12-31')).toBe(1700);
    expect(israeliVatRateOn('2025-01-01')).toBe(1800);
    expect(israeliVatRateOn('2026-11-23')).toBe(1800);
    expect(() => israeliVatRateOn('2010-01-01')).toThrow(BillingInputError);
  });

  it('splits a VAT-inclusive amount into net and VAT', () => {
    expect(splitGross(118_000)).toEqual({ netAgorot: 100_000, vatAgorot: 18_000 });
    expect(splitGross(100)).toEqual({ netAgorot: 85, vatAgorot: 15 }); // 15.25 → 15
    expect(splitGross(0)).toEqual({ netAgorot: 0, vatAgorot: 0 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (gross) => {
        const { netAgorot, vatAgorot } = splitGross(gross);
        expect(netAgorot + vatAgorot).toBe(gross);
      }),
    );
  });
});

describe('text', () => {
  it('parses shekel amounts to agorot', () => {
    expect(parseShekels('1234.5')).toBe(123_450);
    expect(parseShekels('₪ 1,234.56')).toBe(123_456);
    expect(parseShekels('12')).toBe(1_200);
    expect(parseShekels('0.05')).toBe(5);
    for (const bad of ['', '-1', '1.234', 'abc', '1e3', '12.']) expect(() => parseShekels(bad)).toThrow(BillingInputError);
  });

  it('formats agorot as shekels in Hebrew and English', () => {
    expect(formatAgorot(123_450, 'en')).toMatch(/₪\s?1,234\.50/);
    expect(formatAgorot(123_450, 'he')).toContain('1,234.50');
    expect(formatAgorot(123_450, 'he')).toContain('₪');
    expect(formatRate(1800)).toBe('18%');
    expect(formatRate(1750)).toBe('17.5%');
  });
});
