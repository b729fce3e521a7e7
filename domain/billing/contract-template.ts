import { formatAgorot, formatRate, type DocumentTotals } from './money';

/**
 * Contract templates: plain text written by the owner, with {{placeholders}} filled from the
 * business, the customer and the offer. Rendering escapes every value (the text is the owner's,
 * the values may be the customer's) and is deterministic, so the same offer always yields the same
 * document and the same document hash.
 */
export const CONTRACT_PLACEHOLDERS = [
  'business.name',
  'customer.name',
  'customer.phone',
  'offer.title',
  'offer.validUntil',
  'items',
  'totals.net',
  'totals.discount',
  'totals.vat',
  'totals.total',
  'vat.rate',
  'date',
] as const;
export type ContractPlaceholder = (typeof CONTRACT_PLACEHOLDERS)[number];

const PLACEHOLDER_PATTERN = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;

/** Placeholders in a template that this renderer does not know (empty when it is fine). */
export function unknownPlaceholders(body: string): string[] {
  const known = new Set<string>(CONTRACT_PLACEHOLDERS);
  return [...body.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]!).filter((name) => !known.has(name));
}

export const DEFAULT_CONTRACT_TEMPLATES: Record<'he' | 'en', { name: string; body: string }> = {
  he: {
    name: 'הסכם שירות',
    body: [
      'הסכם זה נערך בתאריך {{date}} בין {{business.name}} ("נותן השירות") לבין {{customer.name}}, טלפון {{customer.phone}} ("הלקוח").',
      'נושא ההסכם: {{offer.title}}.',
      '{{items}}',
      'סה"כ לפני מע"מ: {{totals.net}}. מע"מ ({{vat.rate}}): {{totals.vat}}. סה"כ לתשלום: {{totals.total}}.',
      'ההצעה בתוקף עד {{offer.validUntil}}. חשבונית תישלח לאחר החתימה, והתשלום יבוצע לפי תנאיה.',
      'הלקוח מאשר שקרא את ההסכם, הבין אותו ומסכים לתנאיו.',
    ].join('\n\n'),
  },
  en: {
    name: 'Service agreement',
    body: [
      'This agreement is made on {{date}} between {{business.name}} (the "Provider") and {{customer.name}}, phone {{customer.phone}} (the "Customer").',
      'Subject: {{offer.title}}.',
      '{{items}}',
      'Total before VAT: {{totals.net}}. VAT ({{vat.rate}}): {{totals.vat}}. Total to pay: {{totals.total}}.',
      'The offer is valid until {{offer.validUntil}}. An invoice follows the signature and is paid on its terms.',
      'The Customer confirms having read, understood and agreed to this agreement.',
    ].join('\n\n'),
  },
};

export interface ContractContext {
  locale: 'he' | 'en';
  businessName: string;
  customerName: string;
  customerPhone: string | null;
  offerTitle: string;
  /** Local date YYYY-MM-DD, or null. */
  validUntil: string | null;
  /** Local date YYYY-MM-DD the document is dated. */
  date: string;
  totals: DocumentTotals;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formatDate(localDate: string, locale: 'he' | 'en'): string {
  const [y, m, d] = localDate.split('-');
  return locale === 'he' ? `${d}/${m}/${y}` : `${d}/${m}/${y}`;
}

function formatQuantity(milli: number): string {
  return (milli / 1000).toString();
}

const ITEM_HEADINGS = {
  he: ['תיאור', 'כמות', 'מחיר ליחידה', 'הנחה', 'סה"כ'],
  en: ['Description', 'Quantity', 'Unit price', 'Discount', 'Amount'],
};

export function itemsTableHtml(totals: DocumentTotals, locale: 'he' | 'en'): string {
  const money = (agorot: number) => `<bdi>${escapeHtml(formatAgorot(agorot, locale))}</bdi>`;
  const head = ITEM_HEADINGS[locale].map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = totals.lines
    .map(
      (line) =>
        `<tr><td><bdi>${escapeHtml(line.description)}</bdi></td><td><bdi>${formatQuantity(line.quantityMilli)}</bdi></td><td>${money(line.unitPriceAgorot)}</td>` +
        `<td>${line.discountAgorot ? money(line.discountAgorot) : ''}</td><td>${money(line.netAgorot)}</td></tr>`,
    )
    .join('');
  return `<table class="items"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The contract's body as HTML (paragraphs and the items table), values escaped. */
export function renderContractBody(templateBody: string, context: ContractContext): string {
  const { locale, totals } = context;
  const values: Record<ContractPlaceholder, string> = {
    'business.name': `<bdi>${escapeHtml(context.businessName)}</bdi>`,
    'customer.name': `<bdi>${escapeHtml(context.customerName)}</bdi>`,
    'customer.phone': `<bdi dir="ltr">${escapeHtml(context.customerPhone ?? '')}</bdi>`,
    'offer.title': `<bdi>${escapeHtml(context.offerTitle)}</bdi>`,
    'offer.validUntil': context.validUntil ? `<bdi>${formatDate(context.validUntil, locale)}</bdi>` : '—',
    items: itemsTableHtml(totals, locale),
    'totals.net': `<bdi>${escapeHtml(formatAgorot(totals.netAgorot, locale))}</bdi>`,
    'totals.discount': `<bdi>${escapeHtml(formatAgorot(totals.documentDiscountAgorot, locale))}</bdi>`,
    'totals.vat': `<bdi>${escapeHtml(formatAgorot(totals.vatAgorot, locale))}</bdi>`,
    'totals.total': `<bdi>${escapeHtml(formatAgorot(totals.totalAgorot, locale))}</bdi>`,
    'vat.rate': `<bdi>${formatRate(totals.vatRateBps)}</bdi>`,
    date: `<bdi>${formatDate(context.date, locale)}</bdi>`,
  };
  const paragraphs = templateBody.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return paragraphs
    .map((paragraph) => {
      // Escape the owner's text first, then put the (already escaped) values in.
      const escaped = escapeHtml(paragraph).replace(PLACEHOLDER_PATTERN, (whole, name: string) =>
        name in values ? values[name as ContractPlaceholder] : whole,
      );
      return paragraph.trim() === '{{items}}' ? escaped : `<p>${escaped.replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}
