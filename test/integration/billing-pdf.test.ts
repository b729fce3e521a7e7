import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONTRACT_TEMPLATES, renderContractBody } from '../../domain/billing/contract-template';
import { computeTotals } from '../../domain/billing/money';
import type { InvoiceRecord, ReceiptRecord } from '../../data/billing';
import { invoicePageHtml, receiptPageHtml } from '../../platform/pdf/billing-document';
import { contractPageHtml } from '../../platform/pdf/contract-document';
import { ChromiumPdfRenderer } from '../../platform/pdf/renderer';

/**
 * The contract PDF through the real Chromium. The pages are rendered to PNG (poppler's pdftoppm)
 * into .screenshots/billing/ for a person to look at; the test checks what a machine can: the
 * Heebo font is embedded, and the text extracted in reading order is the Hebrew as written
 * (reversed text would come back reversed).
 */
const CHROMIUM = process.env.PDF_CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '../../.screenshots/billing');
const hasTools = fs.existsSync(CHROMIUM) && commandExists('pdftoppm') && commandExists('pdffonts') && commandExists('pdftotext');
const withTools = hasTools ? describe : describe.skip;

function commandExists(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

withTools('contract PDF', () => {
  const renderer = new ChromiumPdfRenderer(CHROMIUM);
  afterAll(async () => {
    await renderer.close();
  });

  const totals = computeTotals([
    { description: 'עיצוב לוגו', quantity: 1, unitPriceAgorot: 150_000 },
    { description: 'כרטיסי ביקור (100 יח׳)', quantity: 2, unitPriceAgorot: 25_050, discountBps: 1000 },
  ]);

  for (const locale of ['he', 'en'] as const) {
    it(`renders the ${locale} contract with Heebo, ${locale === 'he' ? 'right to left' : 'left to right'}, signature included`, async () => {
      const bodyHtml = renderContractBody(DEFAULT_CONTRACT_TEMPLATES[locale].body, {
        locale,
        businessName: 'סטודיו אורן',
        customerName: 'דנה כהן',
        customerPhone: '+972501234567',
        offerTitle: locale === 'he' ? 'חבילת מיתוג' : 'Branding package',
        validUntil: '2031-01-31',
        date: '2031-01-07',
        totals,
      });
      const signaturePng = fs.readFileSync(path.resolve(__dirname, '../fixtures/signature.png'));
      const html = contractPageHtml({
        locale,
        title: locale === 'he' ? 'הסכם שירות' : 'Service agreement',
        businessName: 'סטודיו אורן',
        bodyHtml,
        timeZone: 'Asia/Jerusalem',
        signature: { signerName: 'דנה כהן', signaturePng, signedAt: '2031-01-07T10:15:00Z', signerIp: '203.0.113.9', documentHash: 'a'.repeat(64), consentText: locale === 'he' ? 'קראתי ואני מסכים/ה' : 'I have read and agree' },
      });
      const pdf = await renderer.render(html);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      fs.mkdirSync(OUT, { recursive: true });
      const pdfPath = path.join(OUT, `contract-${locale}.pdf`);
      fs.writeFileSync(pdfPath, pdf);

      const fonts = execFileSync('pdffonts', [pdfPath]).toString();
      expect(fonts).toMatch(/Heebo/);
      const text = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString();
      if (locale === 'he') {
        // Logical order survives: the words read as written, not mirrored.
        expect(text).toContain('הסכם');
        expect(text).toContain('דנה כהן');
        expect(text).not.toContain('ןהכ הנד');
      } else {
        expect(text).toContain('Service agreement');
      }
      execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', pdfPath, path.join(OUT, `contract-${locale}`)]);
      expect(fs.readdirSync(OUT).some((name) => name.startsWith(`contract-${locale}`) && name.endsWith('.png'))).toBe(true);
    }, 120_000);
  }

  /** Prints the page, checks the font and the text in reading order, and writes page 1 as PNG. */
  async function renderAndRead(html: string, name: string): Promise<string> {
    const pdf = await renderer.render(html);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    fs.mkdirSync(OUT, { recursive: true });
    const pdfPath = path.join(OUT, `${name}.pdf`);
    fs.writeFileSync(pdfPath, pdf);
    expect(execFileSync('pdffonts', [pdfPath]).toString()).toMatch(/Heebo/);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, path.join(OUT, name)]);
    expect(fs.existsSync(path.join(OUT, `${name}.png`))).toBe(true);
    // pdftotext marks embedded directions with control characters; the words are what matters here.
    return execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString().replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  }

  const issuer = { name: 'סטודיו אורן בע״מ', taxId: '515555555', dealerType: 'company' as const, address: 'רחוב הרצל 10, תל אביב' };
  const invoice = (locale: 'he' | 'en'): InvoiceRecord => ({
    id: '00000000-0000-4000-8000-000000000001',
    series: 'invoice',
    number: 1042,
    idempotencyKey: 'pdf-test',
    offerId: null,
    contractId: null,
    creditsInvoiceId: null,
    leadId: null,
    customerName: 'דנה כהן',
    customerPhone: '+972501234567',
    locale,
    lines: totals.lines.map(({ description, quantityMilli, unitPriceAgorot, discountAgorot, netAgorot }) => ({ description, quantityMilli, unitPriceAgorot, discountAgorot, netAgorot })),
    vatRateBps: totals.vatRateBps,
    netAgorot: totals.netAgorot,
    vatAgorot: totals.vatAgorot,
    totalAgorot: totals.totalAgorot,
    reason: null,
    issuedAt: '2031-01-07T10:15:00Z',
    issuer,
    allocationNumber: '123456789',
  });

  for (const locale of ['he', 'en'] as const) {
    it(`renders the ${locale} tax invoice with the issuer's tax identity and the allocation number, and its receipt`, async () => {
      const text = await renderAndRead(invoicePageHtml(invoice(locale), { locale, timeZone: 'Asia/Jerusalem' }), `invoice-${locale}`);
      expect(text).toContain('515555555');
      expect(text).toContain('123456789');
      expect(text).toContain('1042');
      expect(text).toContain('2,302.06');
      if (locale === 'he') {
        for (const words of ['חשבונית מס מספר 1042', 'מספר הקצאה', 'ח.פ', 'סטודיו אורן', 'דנה כהן', 'עיצוב לוגו', 'מקור']) expect(text).toContain(words);
        expect(text).not.toContain('סמ תינובשח');
      } else {
        for (const words of ['Tax invoice No. 1042', 'Allocation number: 123456789', 'Company no. 515555555', 'Bill to']) expect(text).toContain(words);
      }

      const receipt: ReceiptRecord = {
        id: '00000000-0000-4000-8000-000000000002',
        number: 77,
        paymentId: '00000000-0000-4000-8000-000000000003',
        invoiceId: invoice(locale).id,
        customerName: 'דנה כהן',
        method: 'transfer',
        amountAgorot: totals.totalAgorot,
        issuedAt: '2031-01-09T08:00:00Z',
        issuer,
      };
      const receiptText = await renderAndRead(receiptPageHtml(receipt, { locale, timeZone: 'Asia/Jerusalem', invoiceNumber: 1042 }), `receipt-${locale}`);
      expect(receiptText).toContain('77');
      expect(receiptText).toContain('2,302.06');
      expect(receiptText).toContain(locale === 'he' ? 'העברה בנקאית' : 'Bank transfer');
      expect(receiptText).toContain(locale === 'he' ? 'קבלה' : 'Receipt');
    }, 120_000);
  }
});
