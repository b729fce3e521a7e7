import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { TEST_PASSWORD } from './accounts';

/** Debian's Chromium driven by playwright-core, for the CRM's browser tests. */

const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, '.screenshots/web');
const AXE_SCRIPT = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const hasChromium = fs.existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh browser profile (own cookies). `goto` waits until a CRM page has hydrated (the root
 * layout marks <body data-hydrated>): Svelte's hydration resets inputs, so text typed earlier
 * would be lost. Pages that are not the CRM's (no SvelteKit body) are taken as loaded.
 */
export async function newPage(
  browser: Browser,
  baseURL: string,
  { viewport = { width: 1280, height: 900 }, locale }: { viewport?: { width: number; height: number }; locale?: 'he' | 'en' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, baseURL });
  if (locale) await context.addCookies([{ name: 'lang', value: locale, url: baseURL }]);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, { waitUntil: 'networkidle', ...options });
    await page.waitForFunction(HYDRATED);
    return response;
  };
  return { context, page };
}

const HYDRATED = `(() => {
  const body = document.body;
  return !body || !body.hasAttribute('data-sveltekit-preload-data') || body.dataset.hydrated === 'true';
})()`;

/** Signs in through the login form and waits for `landing` (the dashboard, or /businesses for a system_admin). */
export async function login(page: Page, email: string, landing: RegExp = /\/dashboard$/): Promise<void> {
  await page.goto('/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(TEST_PASSWORD);
  await Promise.all([page.waitForURL(landing), page.locator('form button[type=submit]').last().click()]);
}

/**
 * Clicks a form's button and waits for its POST's answer: a "saved" message may still show from
 * the previous submit, so the answer (sent after the change committed) is what to wait for.
 */
export async function submitForm(page: Page, form: string, button: string | RegExp): Promise<Response> {
  const action = (await page.locator(form).getAttribute('action')) ?? '';
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.request().method() === 'POST' && candidate.url().endsWith(action)),
    page.locator(form).getByRole('button', { name: button }).click(),
  ]);
  return response;
}

/** A full-page screenshot named after the page and the language it is shown in. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const lang = await page.locator('html').getAttribute('lang');
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.${lang}.png`), fullPage: true });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2 A/AA rules on the current page; the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  // evaluated in the page (the test code has no DOM types): axe's WCAG 2.0/2.1 A and AA rules
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ') + ' :: ' + (n.failureSummary || '').replace(/[\\s]+/g, ' ').slice(0, 300)) }));
  })()`)) as AxeViolation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
