import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONTRACT_TEMPLATES, renderContractBody } from '../../domain/billing/contract-template';
import { computeTotals } from '../../domain/billing/money';
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
});
