import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DateTime } from 'luxon';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AuditLog, Business, Lead, type Database } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { LogMessageProvider } from '../../platform/messaging';
import { createTestBusiness, TEST_PASSWORD, type TestBusiness } from '../support/accounts';
import { openAppDatabase, testEnv, testLogger } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { startWebDevServer, type WebServer } from '../support/web-server';
import { hasChromium, launchBrowser, newPage as newBrowserPage, seriousAxeViolations } from '../support/browser';

/**
 * The CRM in a real browser: Debian's Chromium driven by playwright-core against the web dev
 * server started here, on the test PostgreSQL and Temporal, with a real worker booking.
 * Screenshots of every page in both languages go to .screenshots/web/ (git-ignored).
 */

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, '.screenshots/web');
const ZONE = 'Asia/Jerusalem';
const withChromium = hasChromium ? describe : describe.skip;

withChromium('CRM web in a browser', () => {
  let db: Database;
  let workerDb: Database;
  let worker: TestWorker;
  let web: WebServer;
  let browser: Browser;
  let biz: TestBusiness;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    db = openAppDatabase(4);
    workerDb = openAppDatabase(6);
    worker = await startTestWorker(workerDb, new LogMessageProvider(testLogger), 'web');
    biz = await createTestBusiness(db, 'Browser clinic');
    const open = [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }];
    await db.withSystemScope('test fixture: business rules', async () => {
      await Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 60, bookingWindowDays: 30 },
        },
        { where: { id: biz.id } },
      );
      await createDefaultLeadStatuses(biz.id);
    });
    web = await startWebDevServer({
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      TEMPORAL_UI_URL: 'http://temporal-ui.test',
      SESSION_SECRET: 'web-browser-test-secret',
      LOG_LEVEL: 'warn',
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await worker?.stop();
    await workerDb?.close();
    await db?.close();
  });

  /** A fresh browser profile (own cookies) with a desktop viewport. */
  function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    return newBrowserPage(browser, web.baseUrl);
  }

  async function login(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
    await page.goto('/login');
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(password);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.locator('form button[type=submit]').last().click()]).catch(async (error: unknown) => {
      await page.screenshot({ path: path.join(SHOTS, 'login-failure.png'), fullPage: true });
      throw new Error(`login as ${email} did not reach the dashboard (at ${page.url()}): ${String(error)}\n${web.output().slice(-3000)}`);
    });
  }

  /** axe-core on the current page: no serious or critical violation. */
  async function accessible(page: Page): Promise<void> {
    const violations = await seriousAxeViolations(page);
    expect({ url: page.url(), violations }).toEqual({ url: page.url(), violations: [] });
  }

  async function shot(page: Page, name: string): Promise<void> {
    const lang = await page.locator('html').getAttribute('lang');
    await page.screenshot({ path: path.join(SHOTS, `${name}.${lang}.png`), fullPage: true });
  }

  it('owner: logs in, creates a lead, books, moves and cancels in the calendar, deletes a lead at 375 px, switches language', async () => {
    const { context, page } = await newPage();
    try {
      // Login page, and a wrong password answered in Hebrew
      await page.goto('/login');
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      await page.locator('#email').fill(biz.users.owner.email);
      await page.locator('#password').fill('not the password');
      await page.locator('form button[type=submit]').last().click();
      await page.getByTestId('login-error').waitFor();
      expect(await page.getByTestId('login-error').textContent()).toContain('דוא"ל או סיסמה שגויים');
      await accessible(page);
      await shot(page, '01-login-error');

      await login(page, biz.users.owner.email);
      await shot(page, '02-dashboard');

      // Create a lead
      await page.goto('/leads/new');
      await page.locator('#fullName').fill('דנה כהן');
      await page.locator('#phone').fill('050-123-4567');
      await page.locator('#email').fill('dana@example.com');
      await page.locator('#need').fill('ייעוץ ראשוני');
      await Promise.all([page.waitForURL(/\/leads\/[0-9a-f-]{36}\?created=1$/), page.getByRole('button', { name: 'שמירת הליד' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('דנה כהן');
      await accessible(page);
      await shot(page, '03-lead');

      // A second lead, to delete later on the phone layout
      await page.goto('/leads/new');
      await page.locator('#fullName').fill('יוסי לוי');
      await page.locator('#phone').fill('052-765-4321');
      await Promise.all([page.waitForURL(/\/leads\/[0-9a-f-]{36}\?created=1$/), page.getByRole('button', { name: 'שמירת הליד' }).click()]);

      await page.goto('/leads');
      expect(await page.getByTestId('lead-row').count()).toBe(2);
      await accessible(page);
      await shot(page, '04-leads');

      // Book an appointment two days ahead at 10:00 (business time)
      const day = DateTime.now().setZone(ZONE).plus({ days: 2 }).toISODate()!;
      await page.goto(`/calendar?date=${day}`);
      await page.locator('#book-name').fill('דנה כהן');
      await page.locator('#book-phone').fill('050-123-4567');
      await page.locator('#book-time').fill('10:00');
      await Promise.all([page.waitForURL(/booked=1/), page.getByRole('button', { name: 'קביעה', exact: true }).click()]);
      await page.getByTestId('appointment').first().waitFor();
      expect(await page.getByTestId('appointment').count()).toBe(1);
      expect(await page.getByTestId('appointment').first().textContent()).toContain('דנה כהן');

      // The same time again: the availability engine's reason and alternatives, in Hebrew
      await page.locator('#book-name').fill('יוסי לוי');
      await page.locator('#book-phone').fill('052-765-4321');
      await page.locator('#book-time').fill('10:00');
      await page.getByRole('button', { name: 'קביעה', exact: true }).click();
      await page.getByTestId('booking-refusal').waitFor();
      expect(await page.getByTestId('booking-refusal').textContent()).toContain('השעה תפוסה');
      expect(await page.getByTestId('booking-refusal').locator('button').count()).toBeGreaterThan(0);
      await accessible(page);
      await shot(page, '05-calendar-refusal');

      // Move it to 11:00 through the workflow
      const appointment = page.getByTestId('appointment').first();
      await appointment.getByText('הזזה', { exact: true }).click();
      await appointment.locator('input[name=time]').fill('11:00');
      await appointment.getByRole('button', { name: 'הזזה לשעה זו' }).click();
      await page.getByText('התור הוזז.').waitFor();
      expect(await page.getByTestId('appointment').first().textContent()).toContain('11:00–11:30');

      // Drag it to another day of the week view: the same move, at the same time
      const dayTime = DateTime.fromISO(day, { zone: ZONE });
      // the day before (tomorrow), unless that falls in the previous week (the view starts on Sunday)
      const target = (dayTime.weekday % 7 === 0 ? dayTime.plus({ days: 1 }) : dayTime.minus({ days: 1 })).toISODate()!;
      await page.goto(`/calendar?view=week&date=${day}`);
      await accessible(page);
      await page.getByTestId('appointment').first().dragTo(page.locator(`[data-testid=calendar-day][data-date="${target}"]`));
      await page.getByText('התור הוזז.').waitFor();
      await page.locator(`[data-testid=calendar-day][data-date="${target}"]`).getByTestId('appointment').waitFor();
      expect(await page.locator(`[data-testid=calendar-day][data-date="${target}"]`).getByTestId('appointment').textContent()).toContain('11:00–11:30');

      await page.goto('/dashboard');
      await accessible(page);
      await shot(page, '12-dashboard-filled');
      await page.goto(`/calendar?date=${target}`);
      await accessible(page);

      // Cancel it
      await appointment.getByText('ביטול התור').click();
      await appointment.getByRole('button', { name: 'כן, לבטל' }).click();
      await page.getByText('התור בוטל.').waitFor();
      expect(await page.getByTestId('appointment').first().getAttribute('data-status')).toBe('cancelled');
      await page.goto(`/calendar?view=week&date=${day}`);
      await shot(page, '06-calendar-week');

      // Delete a lead on a 375 px wide screen (cards layout)
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto('/leads');
      const row = page.getByTestId('lead-row').filter({ hasText: 'יוסי לוי' });
      await accessible(page);
      await shot(page, '07-leads-mobile');
      await row.getByText('מחיקה', { exact: true }).click();
      await row.getByRole('button', { name: 'כן, למחוק' }).click();
      await page.getByText('הליד יוסי לוי נמחק.').waitFor();
      expect(await page.getByTestId('lead-row').count()).toBe(1);
      await shot(page, '08-leads-mobile-deleted');
      await page.setViewportSize({ width: 1280, height: 900 });

      // English, left to right, then back to Hebrew
      await page.goto('/dashboard');
      await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: 'English' }).click()]);
      await page.waitForFunction("document.documentElement.lang === 'en'");
      expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
      expect(await page.locator('h1').textContent()).toBe('Dashboard');
      await shot(page, '02-dashboard');
      for (const [name, url] of [
        ['12-dashboard-filled', '/dashboard'],
        ['04-leads', '/leads'],
        ['06-calendar-week', `/calendar?view=week&date=${day}`],
        ['09-calendar-day', `/calendar?date=${day}`],
        ['10-new-lead', '/leads/new'],
      ] as const) {
        await page.goto(url);
        await accessible(page);
        await shot(page, name);
      }
      await page.goto('/leads');
      await page.getByRole('link', { name: 'דנה כהן' }).first().click();
      await page.waitForURL(/\/leads\/[0-9a-f-]{36}$/);
      expect(await page.getByText('Appointment for דנה כהן').count()).toBe(1);
      await shot(page, '03-lead');
      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto('/leads');
      await shot(page, '07-leads-mobile');
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('h1').textContent()).toBe('לידים');
      for (const [name, url] of [
        ['09-calendar-day', `/calendar?date=${day}`],
        ['10-new-lead', '/leads/new'],
      ] as const) {
        await page.goto(url);
        await shot(page, name);
      }

      // Sign out: the session ends, pages send back to the login
      await page.getByRole('button', { name: 'התנתקות' }).click();
      await page.waitForURL(/\/login$/);
      await page.goto('/leads');
      await page.waitForURL(/\/login\?redirectTo=%2Fleads$/);
    } finally {
      await context.close();
    }

    const rows = await db.withTenant({ businessId: biz.id }, () => AuditLog.findAll({ where: { businessId: biz.id } }));
    const actions = rows.map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed', 'lead.delete', 'auth.logout']));
  }, 240_000);

  it('works without JavaScript: log in, create a lead, book an appointment', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 812 }, baseURL: web.baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    try {
      await page.goto('/leads');
      await page.waitForURL(/\/login\?redirectTo=%2Fleads$/);
      await page.locator('#email').fill(biz.users.admin.email);
      await page.locator('#password').fill(TEST_PASSWORD);
      await Promise.all([page.waitForURL(/\/leads$/), page.getByRole('button', { name: 'התחברות' }).click()]);

      await page.goto('/leads/new');
      await page.locator('#fullName').fill('רון');
      await page.locator('#phone').fill('12');
      await page.getByRole('button', { name: 'שמירת הליד' }).click();
      await page.getByText('מספר הטלפון אינו תקין.').waitFor();
      expect(await page.locator('#fullName').inputValue()).toBe('רון');
      await page.locator('#phone').fill('053-111-2233');
      await Promise.all([page.waitForURL(/\/leads\/[0-9a-f-]{36}\?created=1$/), page.getByRole('button', { name: 'שמירת הליד' }).click()]);

      const day = DateTime.now().setZone(ZONE).plus({ days: 3 }).toISODate()!;
      await page.goto(`/calendar?date=${day}`);
      await page.locator('#book-name').fill('רון');
      await page.locator('#book-phone').fill('053-111-2233');
      await page.locator('#book-time').fill('15:30');
      await Promise.all([page.waitForURL(/booked=1/), page.getByRole('button', { name: 'קביעה', exact: true }).click()]);
      expect(await page.getByTestId('appointment').filter({ hasText: 'רון' }).count()).toBe(1);
      await shot(page, '13-calendar-no-js-mobile');

      // Without JavaScript the dashboard's charts are their tables, open
      await page.goto('/dashboard');
      expect(await page.getByTestId('chart-activity').count()).toBe(0);
      expect(await page.getByTestId('chart-table-activity').isVisible()).toBe(true);
      expect(await page.getByTestId('chart-table-activity').locator('tbody tr').count()).toBe(14);
      await shot(page, '15-dashboard-no-js-mobile');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows the lockout message after five wrong passwords, in the chosen language', async () => {
    const email = `nobody-${Date.now()}@test.prosaas`;
    // from its own loopback address, so the per-IP counter of 127.0.0.1 (the browser's) stays low
    const localAddress = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const attempt = (lang: 'he' | 'en') => postForm(`${web.baseUrl}/login?/login`, { email, password: 'wrong password' }, { origin: web.baseUrl, cookie: `lang=${lang}` }, localAddress);
    for (let i = 0; i < 4; i++) {
      const response = await attempt('he');
      expect(response.status).toBe(401);
      expect(response.body).toContain('או סיסמה שגויים');
    }
    const fifth = await attempt('he');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toContain('יותר מדי ניסיונות התחברות כושלים. אפשר לנסות שוב בעוד 15 דקות');
    const english = await attempt('en');
    expect(english.status).toBe(429);
    expect(english.body).toContain('Too many failed sign-in attempts. Try again in 15 minutes');
  }, 60_000);

  it('agent: no settings or users in the navigation, and a 403 page when opening them', async () => {
    const { context, page } = await newPage();
    try {
      await login(page, biz.users.agent.email);
      expect(await page.locator('.sidebar').textContent()).not.toContain('הגדרות');
      expect(await page.locator('.sidebar').textContent()).not.toContain('משתמשים');
      for (const url of ['/settings', '/users']) {
        const response = await page.goto(url);
        expect(response?.status()).toBe(403);
        await page.getByText('אין הרשאה').first().waitFor();
      }
      await shot(page, '11-agent-forbidden');
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      await page.goto('/users');
      await page.getByText('No access').first().waitFor();
      await shot(page, '11-agent-forbidden');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('draws the dashboard charts; pages through many leads by cursor and finds one by a word of its name, at 375 px and on desktop', async () => {
    const oldest = DateTime.now().minus({ days: 30 });
    await db.withTenant({ businessId: biz.id }, () =>
      Lead.bulkCreate(
        Array.from({ length: 30 }, (_, i) => ({ businessId: biz.id, fullName: `ליד דפדוף ${i + 1} Paging`, source: 'import' as const, createdAt: oldest.plus({ minutes: i }).toJSDate() })),
      ),
    );
    const { context, page } = await newPage();
    try {
      await login(page, biz.users.owner.email);
      // The dashboard's charts drawn by Chart.js, with their tables folded away and a summary
      await page.getByTestId('chart-activity').waitFor();
      await page.getByTestId('chart-table-activity').waitFor({ state: 'hidden' });
      const today = page.getByTestId('chart-table-activity').locator('tbody tr').last();
      expect(Number(await today.locator('td').nth(1).textContent())).toBeGreaterThanOrEqual(2);
      expect(await page.locator('figure').filter({ hasText: 'המרה' }).locator('figcaption p').textContent()).toMatch(/נקבע תור/);
      await accessible(page);
      await shot(page, '02-dashboard');
      await page.setViewportSize({ width: 375, height: 812 });
      await page.reload();
      await page.getByTestId('chart-ai-cost').waitFor();
      await shot(page, '15-dashboard-mobile');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/leads?search=paging');
      expect(await page.getByTestId('lead-row').count()).toBe(25);
      expect(await page.getByTestId('lead-row').first().textContent()).toContain('ליד דפדוף 30');
      await accessible(page);
      await shot(page, '14-leads-paged');
      await Promise.all([page.waitForURL(/cursor=/), page.getByRole('link', { name: 'הבא' }).click()]);
      expect(await page.getByTestId('lead-row').count()).toBe(5);
      expect(await page.getByTestId('lead-row').last().textContent()).toContain('ליד דפדוף 1 ');
      const onSecondPage = page.url();
      await Promise.all([page.waitForURL((url) => url.href !== onSecondPage), page.getByRole('link', { name: 'הקודם' }).click()]);
      expect(await page.getByTestId('lead-row').first().textContent()).toContain('ליד דפדוף 30');
      expect(await page.getByRole('link', { name: 'הקודם' }).count()).toBe(0);

      await page.setViewportSize({ width: 375, height: 812 });
      await page.goto('/leads');
      await page.locator('input[name=search]').fill('דפדוף 17');
      await Promise.all([page.waitForURL(/search=/), page.locator('input[name=search]').press('Enter')]);
      expect(await page.getByTestId('lead-row').count()).toBe(1);
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      await page.goto('/leads?search=paging');
      await shot(page, '14-leads-paged');
      await page.goto('/dashboard');
      await page.getByTestId('chart-conversion').waitFor();
      await accessible(page);
      await shot(page, '02-dashboard');
      await page.setViewportSize({ width: 375, height: 812 });
      await page.reload();
      await page.getByTestId('chart-conversion').waitFor();
      await shot(page, '15-dashboard-mobile');
      await page.goto('/leads?search=paging');
      await Promise.all([page.waitForURL(/cursor=/), page.getByRole('link', { name: 'Next' }).click()]);
      await page.getByRole('link', { name: 'Newest' }).waitFor();
      await accessible(page);
      await shot(page, '14-leads-paged-mobile');
    } finally {
      await context.close();
    }
  }, 180_000);
});

/** A plain (no-JavaScript) form post from a chosen local address; resolves with status and body. */
function postForm(url: string, fields: Record<string, string>, headers: Record<string, string>, localAddress: string): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', localAddress, headers: { ...headers, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
