/**
 * Money for offers, invoices and receipts. Pure and deterministic.
 *
 * - Amounts are integer agorot (1 ILS = 100 agorot); nothing is ever a float of shekels.
 * - Quantities are given with up to 3 decimals and held as thousandths (milli-units).
 * - Percentages (discounts, VAT) are basis points: 1800 = 18%.
 * - Prices are net (before VAT). VAT is computed once, on the document's net total, which is how an
 *   Israeli tax invoice states it (per-line VAT would let rounding drift by an agora per line).
 * - Rounding: every division rounds half away from zero to a whole agora (0.5 agora → 1 agora),
 *   done in BigInt so that no product of quantity × price loses precision.
 */

export type Agorot = number;

/** 18% since 1 January 2025; 17% from 2015-10-01 to 2024-12-31. */
export const ISRAELI_VAT_RATE_BPS = 1800;
const ISRAELI_VAT_HISTORY: ReadonlyArray<{ from: string; bps: number }> = [
  { from: '2015-10-01', bps: 1700 },
  { from: '2025-01-01', bps: 1800 },
];

/** The Israeli VAT rate in force on a local date (YYYY-MM-DD); dates before 2015-10-01 are not supported. */
export function israeliVatRateOn(localDate: string): number {
  let rate: number | null = null;
  for (const step of ISRAELI_VAT_HISTORY) if (localDate >= step.from) rate = step.bps;
  if (rate === null) throw new BillingInputError('vatRateBps', BILLING_INPUT_MESSAGES.vatDateUnsupported);
  return rate;
}

/** Limits that keep every sum far inside Number.MAX_SAFE_INTEGER. */
export const BILLING_LIMITS = {
  maxUnitPriceAgorot: 100_000_000_00, // 100 million ILS
  maxQuantity: 1_000_000,
  maxLines: 200,
  maxVatRateBps: 10_000,
  /** 100 billion ILS: far beyond any real document, far below 2^53 agorot. */
  maxTotalAgorot: 10_000_000_000_000,
} as const;

export interface LocalizedText {
  he: string;
  en: string;
}

export const BILLING_INPUT_MESSAGES = {
  noLines: { he: 'יש להוסיף לפחות שורה אחת', en: 'Add at least one line item' },
  tooManyLines: { he: `אפשר עד ${BILLING_LIMITS.maxLines} שורות`, en: `At most ${BILLING_LIMITS.maxLines} line items` },
  description: { he: 'לכל שורה צריך תיאור', en: 'Every line needs a description' },
  quantity: {
    he: 'הכמות חייבת להיות חיובית, עד 3 ספרות אחרי הנקודה',
    en: 'The quantity must be positive, with at most 3 decimals',
  },
  unitPrice: { he: 'המחיר חייב להיות מספר שלם של אגורות, 0 ומעלה', en: 'The price must be a whole number of agorot, 0 or more' },
  discountPercent: { he: 'אחוז ההנחה חייב להיות בין 0 ל-100', en: 'The discount percentage must be between 0 and 100' },
  discountAmount: { he: 'ההנחה אינה יכולה לעלות על סכום השורה', en: 'The discount cannot exceed the line amount' },
  discountBoth: { he: 'יש לבחור הנחה באחוזים או בסכום, לא את שתיהן', en: 'Give a discount as a percentage or an amount, not both' },
  documentDiscount: { he: 'ההנחה הכללית אינה יכולה לעלות על סכום המסמך', en: 'The document discount cannot exceed the document amount' },
  vatRate: { he: 'שיעור המע"מ חייב להיות בין 0% ל-100%', en: 'The VAT rate must be between 0% and 100%' },
  vatDateUnsupported: { he: 'אין שיעור מע"מ ידוע לתאריך זה', en: 'No known VAT rate for this date' },
  amountFormat: { he: 'סכום לא תקין (למשל 1234.50)', en: 'Invalid amount (e.g. 1234.50)' },
  totalTooLarge: { he: 'סכום המסמך גדול מדי', en: 'The document total is too large' },
} as const satisfies Record<string, LocalizedText>;

/** A line or document value the rules refuse; `field` names where it came from. */
export class BillingInputError extends Error {
  constructor(
    readonly field: string,
    readonly messages: LocalizedText,
  ) {
    super(`${field}: ${messages.en}`);
    this.name = 'BillingInputError';
  }
}

export interface LineItemInput {
  description: string;
  /** Up to 3 decimals, > 0. */
  quantity: number;
  unitPriceAgorot: Agorot;
  /** Basis points of the line amount (0..10000). */
  discountBps?: number;
  /** A fixed discount on the line, in agorot. */
  discountAgorot?: Agorot;
}

export interface LineTotals {
  description: string;
  quantityMilli: number;
  unitPriceAgorot: Agorot;
  /** quantity × unit price, rounded. */
  grossAgorot: Agorot;
  discountAgorot: Agorot;
  /** gross − discount. */
  netAgorot: Agorot;
}

export interface DocumentTotals {
  lines: LineTotals[];
  /** Sum of the lines' net amounts. */
  subtotalAgorot: Agorot;
  /** A discount on the whole document (after line discounts, before VAT). */
  documentDiscountAgorot: Agorot;
  /** What VAT is charged on. */
  netAgorot: Agorot;
  vatRateBps: number;
  vatAgorot: Agorot;
  totalAgorot: Agorot;
}

export interface TotalsOptions {
  vatRateBps?: number;
  documentDiscountAgorot?: Agorot;
}

/** a × b ÷ divisor, rounded half away from zero, exact. */
export function mulDivRound(a: number, b: number, divisor: number): number {
  const numerator = BigInt(a) * BigInt(b);
  const d = BigInt(divisor);
  const negative = numerator < 0n !== d < 0n;
  const absN = numerator < 0n ? -numerator : numerator;
  const absD = d < 0n ? -d : d;
  let quotient = absN / absD;
  if ((absN % absD) * 2n >= absD) quotient += 1n;
  return Number(negative ? -quotient : quotient);
}

export function toQuantityMilli(quantity: number): number {
  const milli = Math.round(quantity * 1000);
  if (!Number.isFinite(quantity) || quantity <= 0 || quantity > BILLING_LIMITS.maxQuantity || Math.abs(milli - quantity * 1000) > 1e-6) {
    throw new BillingInputError('quantity', BILLING_INPUT_MESSAGES.quantity);
  }
  return milli;
}

export function lineTotals(line: LineItemInput, index = 0): LineTotals {
  const at = (field: string) => `lines.${index}.${field}`;
  if (!line.description || !line.description.trim()) throw new BillingInputError(at('description'), BILLING_INPUT_MESSAGES.description);
  let quantityMilli: number;
  try {
    quantityMilli = toQuantityMilli(line.quantity);
  } catch (error) {
    if (error instanceof BillingInputError) throw new BillingInputError(at('quantity'), error.messages);
    throw error;
  }
  if (!Number.isSafeInteger(line.unitPriceAgorot) || line.unitPriceAgorot < 0 || line.unitPriceAgorot > BILLING_LIMITS.maxUnitPriceAgorot) {
    throw new BillingInputError(at('unitPriceAgorot'), BILLING_INPUT_MESSAGES.unitPrice);
  }
  if (line.discountBps !== undefined && line.discountAgorot !== undefined) throw new BillingInputError(at('discountBps'), BILLING_INPUT_MESSAGES.discountBoth);
  const grossAgorot = mulDivRound(quantityMilli, line.unitPriceAgorot, 1000);
  let discountAgorot = 0;
  if (line.discountBps !== undefined) {
    if (!Number.isInteger(line.discountBps) || line.discountBps < 0 || line.discountBps > 10_000) {
      throw new BillingInputError(at('discountBps'), BILLING_INPUT_MESSAGES.discountPercent);
    }
    discountAgorot = mulDivRound(grossAgorot, line.discountBps, 10_000);
  } else if (line.discountAgorot !== undefined) {
    if (!Number.isSafeInteger(line.discountAgorot) || line.discountAgorot < 0 || line.discountAgorot > grossAgorot) {
      throw new BillingInputError(at('discountAgorot'), BILLING_INPUT_MESSAGES.discountAmount);
    }
    discountAgorot = line.discountAgorot;
  }
  return {
    description: line.description.trim(),
    quantityMilli,
    unitPriceAgorot: line.unitPriceAgorot,
    grossAgorot,
    discountAgorot,
    netAgorot: grossAgorot - discountAgorot,
  };
}

/** Line amounts, the document discount, VAT on the net total and the total to pay. */
export function computeTotals(lines: readonly LineItemInput[], options: TotalsOptions = {}): DocumentTotals {
  if (lines.length === 0) throw new BillingInputError('lines', BILLING_INPUT_MESSAGES.noLines);
  if (lines.length > BILLING_LIMITS.maxLines) throw new BillingInputError('lines', BILLING_INPUT_MESSAGES.tooManyLines);
  const vatRateBps = options.vatRateBps ?? ISRAELI_VAT_RATE_BPS;
  if (!Number.isInteger(vatRateBps) || vatRateBps < 0 || vatRateBps > BILLING_LIMITS.maxVatRateBps) {
    throw new BillingInputError('vatRateBps', BILLING_INPUT_MESSAGES.vatRate);
  }
  const computed = lines.map((line, index) => lineTotals(line, index));
  const subtotalAgorot = computed.reduce((sum, line) => sum + line.netAgorot, 0);
  if (subtotalAgorot > BILLING_LIMITS.maxTotalAgorot) throw new BillingInputError('lines', BILLING_INPUT_MESSAGES.totalTooLarge);
  const documentDiscountAgorot = options.documentDiscountAgorot ?? 0;
  if (!Number.isSafeInteger(documentDiscountAgorot) || documentDiscountAgorot < 0 || documentDiscountAgorot > subtotalAgorot) {
    throw new BillingInputError('documentDiscountAgorot', BILLING_INPUT_MESSAGES.documentDiscount);
  }
  const netAgorot = subtotalAgorot - documentDiscountAgorot;
  const vatAgorot = mulDivRound(netAgorot, vatRateBps, 10_000);
  return { lines: computed, subtotalAgorot, documentDiscountAgorot, netAgorot, vatRateBps, vatAgorot, totalAgorot: netAgorot + vatAgorot };
}

/**
 * Splits a VAT-inclusive amount (what a customer paid) into net + VAT, the way a receipt for a
 * gross amount is stated: VAT = gross × rate ÷ (1 + rate), rounded; net = gross − VAT.
 */
export function splitGross(grossAgorot: Agorot, vatRateBps: number = ISRAELI_VAT_RATE_BPS): { netAgorot: Agorot; vatAgorot: Agorot } {
  const vatAgorot = mulDivRound(grossAgorot, vatRateBps, 10_000 + vatRateBps);
  return { netAgorot: grossAgorot - vatAgorot, vatAgorot };
}

/** "1234.5" / "1,234.50" / "₪ 12" → agorot. At most two decimals; no negative amounts. */
export function parseShekels(text: string): Agorot {
  const cleaned = text.replace(/[₪,\s]/g, '');
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new BillingInputError('amount', BILLING_INPUT_MESSAGES.amountFormat);
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** "₪1,234.50" in the locale's digits grouping; Hebrew puts the sign where he-IL puts it. */
export function formatAgorot(agorot: Agorot, locale: 'he' | 'en'): string {
  return new Intl.NumberFormat(locale === 'he' ? 'he-IL' : 'en-IL', {
    style: 'currency',
    currency: 'ILS',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(agorot / 100);
}

/** "18%" / "17.5%". */
export function formatRate(bps: number): string {
  return `${(bps / 100).toString()}%`;
}
