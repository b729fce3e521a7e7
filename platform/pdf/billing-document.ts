import { escapeHtml } from '../../domain/billing/contract-template';
import { formatAgorot, formatRate } from '../../domain/billing/money';
import type { DocumentIssuer, InvoiceRecord, ReceiptRecord } from '../../data/billing';
import { heeboFontFaces } from './contract-document';

/**
 * Invoices, credit notes and receipts as full HTML pages for Chromium to print: the issuer's tax
 * identity as frozen on the document, the customer, the lines and totals (or the payment), the
 * Tax Authority's allocation number when the invoice has one; Hebrew right to left, English left
 * to right, Heebo embedded.
 */
const LABELS = {
  he: {
    invoice: 'חשבונית מס',
    exemptInvoice: 'חשבונית עסקה',
    creditNote: 'חשבונית זיכוי',
    receipt: 'קבלה',
    number: 'מס׳',
    original: 'מקור',
    date: 'תאריך',
    customer: 'לכבוד',
    allocation: 'מספר הקצאה',
    headingNumber: 'מספר',
    taxIdLabel: { licensed: 'עוסק מורשה', exempt: 'עוסק פטור', company: 'ח.פ.' },
    columns: ['תיאור', 'כמות', 'מחיר ליחידה', 'הנחה', 'סה״כ'],
    net: 'סה״כ לפני מע״מ',
    vat: 'מע״מ',
    total: 'סה״כ לתשלום',
    credits: 'מזכה את חשבונית',
    reason: 'סיבה',
    paid: 'התקבל',
    method: 'אמצעי תשלום',
    forInvoice: 'עבור חשבונית',
    methods: { cash: 'מזומן', transfer: 'העברה בנקאית', cheque: 'המחאה', card: 'כרטיס אשראי' } as Record<string, string>,
  },
  en: {
    invoice: 'Tax invoice',
    exemptInvoice: 'Invoice',
    creditNote: 'Credit note',
    receipt: 'Receipt',
    number: 'No.',
    original: 'Original',
    date: 'Date',
    customer: 'Bill to',
    allocation: 'Allocation number',
    headingNumber: 'No.',
    taxIdLabel: { licensed: 'Licensed dealer no.', exempt: 'Exempt dealer no.', company: 'Company no.' },
    columns: ['Description', 'Qty', 'Unit price', 'Discount', 'Amount'],
    net: 'Total before VAT',
    vat: 'VAT',
    total: 'Total to pay',
    credits: 'Credits invoice',
    reason: 'Reason',
    paid: 'Received',
    method: 'Payment method',
    forInvoice: 'For invoice',
    methods: { cash: 'Cash', transfer: 'Bank transfer', cheque: 'Cheque', card: 'Credit card' } as Record<string, string>,
  },
};

type Labels = (typeof LABELS)['he'];

export interface DocumentPageOptions {
  locale: 'he' | 'en';
  timeZone: string;
}

export function invoicePageHtml(invoice: InvoiceRecord, options: DocumentPageOptions & { creditedNumber?: number | null }): string {
  const labels = LABELS[options.locale];
  const money = (agorot: number) => escapeHtml(formatAgorot(agorot, options.locale));
  const title =
    invoice.series === 'credit_note' ? labels.creditNote : invoice.issuer.dealerType === 'exempt' ? labels.exemptInvoice : labels.invoice;
  const rows = invoice.lines
    .map(
      (line) => `<tr><td><bdi>${escapeHtml(line.description)}</bdi></td><td class="num">${formatQuantity(line.quantityMilli, options.locale)}</td>
        <td class="num">${money(line.unitPriceAgorot)}</td><td class="num">${line.discountAgorot ? money(line.discountAgorot) : ''}</td><td class="num">${money(line.netAgorot)}</td></tr>`,
    )
    .join('\n');
  const extra = [
    invoice.allocationNumber ? `<p class="allocation">${labels.allocation}: <bdi dir="ltr">${escapeHtml(invoice.allocationNumber)}</bdi></p>` : '',
    options.creditedNumber ? `<p>${labels.credits} ${labels.number} ${options.creditedNumber}</p>` : '',
    invoice.reason ? `<p>${labels.reason}: <bdi>${escapeHtml(invoice.reason)}</bdi></p>` : '',
  ].join('');
  const body = `
<table class="items"><thead><tr>${labels.columns.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
<table class="totals">
  <tr><th>${labels.net}</th><td class="num">${money(invoice.netAgorot)}</td></tr>
  <tr><th>${labels.vat} (${formatRate(invoice.vatRateBps)})</th><td class="num">${money(invoice.vatAgorot)}</td></tr>
  <tr class="grand"><th>${labels.total}</th><td class="num">${money(invoice.totalAgorot)}</td></tr>
</table>${extra}`;
  return page(options, labels, invoice.issuer, { title, number: invoice.number, issuedAt: invoice.issuedAt, customerName: invoice.customerName }, body);
}

export function receiptPageHtml(receipt: ReceiptRecord, options: DocumentPageOptions & { invoiceNumber: number }): string {
  const labels = LABELS[options.locale];
  const body = `
<table class="totals">
  <tr><th>${labels.method}</th><td>${escapeHtml(labels.methods[receipt.method] ?? receipt.method)}</td></tr>
  <tr><th>${labels.forInvoice}</th><td>${labels.number} ${options.invoiceNumber}</td></tr>
  <tr class="grand"><th>${labels.paid}</th><td class="num">${escapeHtml(formatAgorot(receipt.amountAgorot, options.locale))}</td></tr>
</table>`;
  return page(options, labels, receipt.issuer, { title: labels.receipt, number: receipt.number, issuedAt: receipt.issuedAt, customerName: receipt.customerName }, body);
}

function page(
  options: DocumentPageOptions,
  labels: Labels,
  issuer: DocumentIssuer,
  head: { title: string; number: number; issuedAt: string; customerName: string },
  body: string,
): string {
  const taxLabel = issuer.dealerType ? labels.taxIdLabel[issuer.dealerType] : '';
  const identity = issuer.taxId || taxLabel ? `<p>${taxLabel} ${issuer.taxId ? `<bdi dir="ltr">${escapeHtml(issuer.taxId)}</bdi>` : ''}</p>` : '';
  const date = new Intl.DateTimeFormat(options.locale === 'he' ? 'he-IL' : 'en-GB', { timeZone: options.timeZone, dateStyle: 'short' }).format(new Date(head.issuedAt));
  const heading = `${head.title} ${labels.headingNumber} ${head.number}`;
  return `<!doctype html>
<html lang="${options.locale}" dir="${options.locale === 'he' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(heading)}</title>
<style>
${heeboFontFaces()}
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Heebo', sans-serif; font-size: 11pt; line-height: 1.5; color: #111; }
header { display: flex; justify-content: space-between; border-bottom: 2px solid #222; padding-bottom: 8pt; margin-bottom: 12pt; }
header .issuer strong { font-size: 14pt; }
header p { margin: 1pt 0; }
h1 { font-size: 18pt; margin: 0 0 2pt; }
.original { font-size: 9pt; color: #555; }
table { border-collapse: collapse; }
table.items { width: 100%; margin: 10pt 0; }
table.items th, table.items td { border: 1px solid #999; padding: 4pt 6pt; text-align: start; }
table.items th { background: #eee; }
table.totals { margin-inline-start: auto; min-width: 45%; }
table.totals th, table.totals td { padding: 3pt 6pt; text-align: start; border-bottom: 1px solid #ccc; }
.num { text-align: end; white-space: nowrap; }
tr.grand th, tr.grand td { font-weight: 700; font-size: 12pt; border-bottom: 2px solid #222; }
.allocation { margin-top: 12pt; font-weight: 700; }
</style>
</head>
<body>
<header>
  <div class="issuer"><strong><bdi>${escapeHtml(issuer.name)}</bdi></strong>${identity}${issuer.address ? `<p><bdi>${escapeHtml(issuer.address)}</bdi></p>` : ''}</div>
  <div class="document"><h1>${escapeHtml(heading)}</h1><p class="original">${labels.original}</p><p>${labels.date}: <bdi>${escapeHtml(date)}</bdi></p></div>
</header>
<p>${labels.customer}: <strong><bdi>${escapeHtml(head.customerName)}</bdi></strong></p>
${body}
</body>
</html>`;
}

function formatQuantity(quantityMilli: number, locale: 'he' | 'en'): string {
  return new Intl.NumberFormat(locale === 'he' ? 'he-IL' : 'en-IL', { maximumFractionDigits: 3 }).format(quantityMilli / 1000);
}
