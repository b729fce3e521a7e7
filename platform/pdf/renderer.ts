import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * HTML → PDF through the machine's Chromium (playwright-core drives it; no browser download).
 * Chromium does the bidi layout and font shaping, so Hebrew comes out right to left with the
 * embedded Heebo. One browser per process, started on first use; each document gets its own page
 * with JavaScript off and the network blocked, since the HTML holds customer-supplied text.
 */
export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export class ChromiumPdfRenderer implements PdfRenderer {
  private browser: Promise<Browser> | null = null;

  constructor(private readonly executablePath: string) {}

  async render(html: string): Promise<Buffer> {
    const browser = await this.launch();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close();
    }
  }

  async close(): Promise<void> {
    const launching = this.browser;
    this.browser = null;
    if (launching) await (await launching.catch(() => null))?.close();
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      if (!fs.existsSync(this.executablePath)) {
        return Promise.reject(new Error(`Chromium not found at ${this.executablePath} (set PDF_CHROMIUM_PATH, or apt-get install chromium)`));
      }
      this.browser = chromium.launch({ executablePath: this.executablePath, args: CHROMIUM_ARGS, headless: true });
      this.browser.catch(() => {
        this.browser = null;
      });
    }
    return this.browser;
  }
}
