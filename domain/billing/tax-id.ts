/**
 * Israeli identity, dealer and company numbers: nine digits whose last is a check digit (digits
 * weighted 1,2,1,2,…; a two-digit product counts as the sum of its digits; the total is a
 * multiple of ten). Shorter numbers are written with leading zeros.
 */
export function isValidIsraeliTaxId(value: string): boolean {
  if (!/^[0-9]{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const product = Number(value[i]) * (i % 2 === 0 ? 1 : 2);
    sum += product > 9 ? product - 9 : product;
  }
  return sum % 10 === 0;
}

/** Pads a number typed without its leading zeros ("12345674" → "012345674"); other input comes back trimmed. */
export function normalizeTaxId(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  return /^[0-9]{5,8}$/.test(digits) ? digits.padStart(9, '0') : digits;
}

export const DEALER_TYPES = ['licensed', 'exempt', 'company'] as const;
export type DealerType = (typeof DEALER_TYPES)[number];
