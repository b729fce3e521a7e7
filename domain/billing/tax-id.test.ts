import { isValidIsraeliTaxId, normalizeTaxId } from './tax-id';

describe('Israeli tax numbers', () => {
  it('accepts numbers whose check digit is right and refuses the rest', () => {
    expect(isValidIsraeliTaxId('000000018')).toBe(true);
    expect(isValidIsraeliTaxId('123456782')).toBe(true);
    expect(isValidIsraeliTaxId('515555555')).toBe(true);
    expect(isValidIsraeliTaxId('515555554')).toBe(false);
    expect(isValidIsraeliTaxId('123456789')).toBe(false);
    expect(isValidIsraeliTaxId('12345678')).toBe(false);
    expect(isValidIsraeliTaxId('12345678a')).toBe(false);
  });

  it('pads a number typed without its leading zeros and drops spaces and dashes', () => {
    expect(normalizeTaxId('18')).toBe('18');
    expect(normalizeTaxId('12345 6')).toBe('000123456');
    expect(normalizeTaxId('51-555555-4')).toBe('515555554');
  });
});
