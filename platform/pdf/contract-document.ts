import fs from 'node:fs';
import path from 'node:path';
import { escapeHtml } from '../../domain/billing/contract-template';
import { projectRoot } from '../paths';

/**
 * The contract as a full HTML page: direction and language from the contract's locale, the
 * shipped Heebo font embedded (data: URLs, so rendering reads no file and fetches nothing), and,
 * once signed, the signature block. Chromium lays it out (bidi included) and prints it to PDF.
 */
const FONT_FILES = [
  { file: 'heebo-hebrew-400-normal.woff2', weight: 400, range: 'U+0307-0308,U+0590-05FF,U+200C-2010,U+20AA,U+25CC,U+FB1D-FB4F' },
  { file: 'heebo-hebrew-700-normal.woff2', weight: 700, range: 'U+0307-0308,U+0590-05FF,U+200C-2010,U+20AA,U+25CC,U+FB1D-FB4F' },
  { file: 'heebo-latin-400-normal.woff2', weight: 400, range: 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,U+2122,U+2212,U+2215' },
  { file: 'heebo-latin-700-normal.woff2', weight: 700, range: 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-206F,U+20AC,U+2122,U+2212,U+2215' },
];

let fontCss: string | null = null;

export function heeboFontFaces(): string {
  fontCss ??= FONT_FILES.map(({ file, weight, range }) => {
    const data = fs.readFileSync(path.join(projectRoot(), 'assets', 'fonts', file)).toString('base64');
    return `@font-face{font-family:'Heebo';font-weight:${weight};font-style:normal;src:url(data:font/woff2;base64,${data}) format('woff2');unicode-range:${range};}`;
  }).join('\n');
  return fontCss;
}

export interface SignatureBlock {
  signerName: string;
  signaturePng: Buffer;
  /** ISO instant. */
  signedAt: string;
  signerIp: string | null;
  documentHash: string;
  consentText: string;
}

const LABELS = {
  he: { signed: 'נחתם על ידי', at: 'בתאריך', ip: 'כתובת IP', hash: 'טביעת המסמך (SHA-256)', consent: 'הסכמה', business: 'העסק' },
  en: { signed: 'Signed by', at: 'On', ip: 'IP address', hash: 'Document fingerprint (SHA-256)', consent: 'Consent', business: 'Business' },
};

export interface ContractPage {
  locale: 'he' | 'en';
  title: string;
  businessName: string;
  bodyHtml: string;
  timeZone: string;
  signature?: SignatureBlock;
}

export function contractPageHtml(page: ContractPage): string {
  const labels = LABELS[page.locale];
  const dir = page.locale === 'he' ? 'rtl' : 'ltr';
  const signature = page.signature
    ? `<section class="signature">
        <img alt="" src="data:image/png;base64,${page.signature.signaturePng.toString('base64')}">
        <p>${labels.signed}: <strong><bdi>${escapeHtml(page.signature.signerName)}</bdi></strong></p>
        <p>${labels.at}: <bdi>${escapeHtml(formatInstant(page.signature.signedAt, page.timeZone, page.locale))}</bdi></p>
        ${page.signature.signerIp ? `<p>${labels.ip}: <bdi dir="ltr">${escapeHtml(page.signature.signerIp)}</bdi></p>` : ''}
        <p>${labels.consent}: ${escapeHtml(page.signature.consentText)}</p>
        <p class="hash">${labels.hash}: <bdi>${escapeHtml(page.signature.documentHash)}</bdi></p>
      </section>`
    : '';
  return `<!doctype html>
<html lang="${page.locale}" dir="${dir}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page.title)}</title>
<style>
${heeboFontFaces()}
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Heebo', sans-serif; font-size: 11pt; line-height: 1.55; color: #111; }
header { border-bottom: 2px solid #222; margin-bottom: 12pt; }
header .business { font-size: 10pt; color: #444; }
h1 { font-size: 18pt; margin: 0 0 4pt; font-weight: 700; }
table.items { width: 100%; border-collapse: collapse; margin: 10pt 0; }
table.items th, table.items td { border: 1px solid #999; padding: 4pt 6pt; text-align: start; }
table.items th { background: #eee; font-weight: 700; }
.signature { margin-top: 24pt; border-top: 1px solid #999; padding-top: 8pt; page-break-inside: avoid; }
.signature img { max-height: 70pt; max-width: 220pt; display: block; }
.signature p { margin: 2pt 0; }
.hash { font-size: 8pt; color: #555; word-break: break-all; }
</style>
</head>
<body>
<header><div class="business">${labels.business}: <bdi>${escapeHtml(page.businessName)}</bdi></div><h1>${escapeHtml(page.title)}</h1></header>
<main>${page.bodyHtml}</main>
${signature}
</body>
</html>`;
}

function formatInstant(isoInstant: string, timeZone: string, locale: 'he' | 'en'): string {
  return new Intl.DateTimeFormat(locale === 'he' ? 'he-IL' : 'en-GB', {
    timeZone,
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  }).format(new Date(isoInstant));
}
