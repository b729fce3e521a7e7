import { DEFAULT_CONTRACT_TEMPLATES, renderContractBody, unknownPlaceholders, type ContractContext } from './contract-template';
import { computeTotals } from './money';

const context = (over: Partial<ContractContext> = {}): ContractContext => ({
  locale: 'he',
  businessName: 'סטודיו אורן',
  customerName: 'דנה כהן',
  customerPhone: '+972501234567',
  offerTitle: 'מיתוג',
  validUntil: '2031-01-31',
  date: '2031-01-07',
  totals: computeTotals([{ description: 'לוגו', quantity: 1, unitPriceAgorot: 100_000 }]),
  ...over,
});

describe('contract templates', () => {
  it('fills every placeholder of the default templates, in both languages', () => {
    for (const locale of ['he', 'en'] as const) {
      expect(unknownPlaceholders(DEFAULT_CONTRACT_TEMPLATES[locale].body)).toEqual([]);
      const html = renderContractBody(DEFAULT_CONTRACT_TEMPLATES[locale].body, context({ locale }));
      expect(html).not.toMatch(/\{\{/);
      expect(html).toContain('דנה כהן');
      expect(html).toContain('<table class="items">');
      expect(html).toContain('1,180.00');
      expect(html).toContain('31/01/2031');
    }
  });

  it('escapes what the customer or the owner typed: no markup gets through', () => {
    const html = renderContractBody('<script>alert(1)</script> {{customer.name}} {{offer.title}}', context({ customerName: '<img src=x onerror=alert(1)>', offerTitle: '"quoted" & <b>' }));
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;');
  });

  it('names the placeholders it does not know', () => {
    expect(unknownPlaceholders('{{customer.name}} {{ customer.ssn }} {{totals.total}} {{x}}')).toEqual(['customer.ssn', 'x']);
  });

  it('is deterministic: the same offer gives the same document (and document hash)', () => {
    expect(renderContractBody(DEFAULT_CONTRACT_TEMPLATES.he.body, context())).toBe(renderContractBody(DEFAULT_CONTRACT_TEMPLATES.he.body, context()));
  });
});
