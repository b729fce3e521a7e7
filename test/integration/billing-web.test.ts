import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEV_BILLING_DEPS } from '../../activities/billing';
import { Business, Lead, type Database } from '../../data';
import { ChromiumPdfRenderer } from '../../platform/pdf/renderer';
import { workflowIds } from '../../temporal-config';
import { dealQuery } from '../../workflows';
import { CHROMIUM as CHROMIUM_PATH, hasChromium, launchBrowser, newPage as newBrowserPage, submitForm } from '../support/browser';
import { createTestBusiness, TEST_PASSWORD, type TestBusiness } from '../support/accounts';
import { RecordingMessages } from '../support/billing-deal';
import { openAppDatabase, testEnv } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';
import { startWebDevServer, type WebServer } from '../support/web-server';

/**
 * Billing in the CRM and the customer's signing page, in the real browser: the owner creates an
 * offer and sends it, the customer opens the link from the message, draws a signature, types a
 * name, consents and signs; the owner then sees the invoice and marks it paid. Screenshots of
 * both languages go to .screenshots/billing/ (git-ignored).
 */
const SHOTS = path.resolve(__dirname, '../../.screenshots/billing');
const LINK = /(\/sign\/[0-9a-f-]{36}\?token=[A-Za-z0-9_-]{43})/;
const withChromium = hasChromium ? describe : describe.skip;

withChromium('billing in the browser', () => {
  let db: Database;
  let workerDb: Database;
  let worker: TestWorker;
  let web: WebServer;
  let browser: Browser;
  let biz: TestBusiness;
  const messages = new RecordingMessages();
  const billing = { ...DEV_BILLING_DEPS(), pdf: new ChromiumPdfRenderer(CHROMIUM_PATH) };

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    db = openAppDatabase(4);
    workerDb = openAppDatabase(6);
    worker = await startTestWorker(workerDb, messages, 'billing-web', { billing });
    biz = await createTestBusiness(db, 'Browser billing');
    await db.withTenant({ businessId: biz.id }, () => Lead.create({ businessId: biz.id, fullName: 'דנה כהן', phoneE164: '+972501112233', source: 'crm' }));
    web = await startWebDevServer({
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      TEMPORAL_UI_URL: 'http://temporal-ui.test',
      SESSION_SECRET: 'billing-web-test-secret',
      LOG_LEVEL: 'warn',
    });
    billing.publicBaseUrl = web.baseUrl;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await worker?.stop();
    await billing.pdf.close();
    await workerDb?.close();
    await db?.close();
  });

  async function newPage(locale: 'he' | 'en' = 'he'): Promise<Page> {
    return (await newBrowserPage(browser, web.baseUrl, { viewport: { width: 1100, height: 900 }, locale })).page;
  }

  it('owner creates and sends an offer; the customer signs with a drawn signature; the owner marks the invoice paid', async () => {
    const owner = await newPage();
    await owner.goto('/login');
    await owner.locator('#email').fill(biz.users.owner.email);
    await owner.locator('#password').fill(TEST_PASSWORD);
    await Promise.all([owner.waitForURL(/\/dashboard$/), owner.locator('form button[type=submit]').last().click()]);

    await owner.goto('/billing/offers/new');
    await owner.locator('#title').fill('חבילת מיתוג');
    await owner.locator('input[name=description-0]').fill('עיצוב לוגו');
    await owner.locator('input[name=quantity-0]').fill('1');
    await owner.locator('input[name=price-0]').fill('1500');
    await owner.locator('input[name=description-1]').fill('כרטיסי ביקור');
    await owner.locator('input[name=quantity-1]').fill('2');
    await owner.locator('input[name=price-1]').fill('250.50');
    await owner.locator('input[name=discount-1]').fill('10');
    await Promise.all([owner.waitForURL(/\/billing\?created=1$/), owner.locator('form.offer-form button[type=submit]').click()]);
    await owner.getByText(/2,302\.06/).first().waitFor();
    await owner.screenshot({ path: path.join(SHOTS, 'web-billing-offer.he.png'), fullPage: true });
    await owner.getByRole('button', { name: 'שליחה לחתימה' }).click();
    await owner.getByRole('status').waitFor();

    const linkMessage = await waitFor(() => messages.sent.find((m) => LINK.test(m.body)), (m) => m !== undefined, 60_000);
    const link = LINK.exec(linkMessage!.body)![1]!;

    for (const locale of ['en', 'he'] as const) {
      const preview = await newPage(locale);
      await preview.goto(link);
      await preview.screenshot({ path: path.join(SHOTS, `web-sign-page.${locale}.png`), fullPage: true });
      await preview.context().close();
    }

    const customer = await newPage();
    await customer.goto(link);
    expect(await customer.locator('article.contract').getAttribute('dir')).toBe('rtl');
    expect(await customer.locator('nav').count()).toBe(0);
    // Submitting without a signature is refused with the field message.
    await customer.locator('#typedName').fill('דנה כהן');
    await customer.locator('input[name=consent]').check();
    await customer.getByRole('button', { name: 'חתימה', exact: true }).click();
    await customer.getByText('יש לחתום בתיבה.').waitFor();
    const pad = customer.locator('canvas.signature-pad[data-ready="true"]');
    await pad.waitFor();
    const box = (await pad.boundingBox())!;
    await customer.mouse.move(box.x + 20, box.y + box.height / 2);
    await customer.mouse.down();
    for (let step = 1; step <= 20; step += 1) {
      await customer.mouse.move(box.x + 20 + step * ((box.width - 40) / 20), box.y + box.height / 2 + Math.sin(step) * 20);
    }
    await customer.mouse.up();
    await customer.locator('#typedName').fill('דנה כהן');
    await customer.locator('input[name=consent]').check();
    await customer.getByRole('button', { name: 'חתימה', exact: true }).click();
    await customer.getByText('תודה! ההסכם נחתם').waitFor();
    await customer.screenshot({ path: path.join(SHOTS, 'web-sign-done.he.png'), fullPage: true });
    // The link works once.
    await customer.goto(link);
    await customer.getByText('ההסכם כבר נחתם').waitFor();

    const offerId = await db.withTenant({ businessId: biz.id }, async (transaction) => {
      const [rows] = await db.sequelize.query('SELECT id FROM offers LIMIT 1', { transaction });
      return (rows as Array<{ id: string }>)[0]!.id;
    });
    const handle = worker.client.workflow.getHandle(workflowIds.billingDeal(biz.id, offerId));
    await waitFor(() => handle.query(dealQuery), (view) => view.status === 'invoiced', 60_000);
    await owner.goto('/billing');
    await owner.getByRole('button', { name: 'סימון כשולם' }).click();
    await owner.getByRole('status').waitFor();
    expect(await waitFor(() => handle.query(dealQuery), (view) => view.status === 'paid', 60_000)).toMatchObject({ status: 'paid', receiptNumbers: [1] });
    await owner.goto('/billing');
    await owner.screenshot({ path: path.join(SHOTS, 'web-billing-paid.he.png'), fullPage: true });
    // The invoice's PDF, rendered by the worker when it was issued, opens from the list.
    const invoicePdf = await owner.request.get(await owner.locator('a[href^="/billing/invoices/"][href$="/pdf"]').first().getAttribute('href').then((href) => href!));
    expect(invoicePdf.status()).toBe(200);
    expect(invoicePdf.headers()['content-type']).toBe('application/pdf');
    expect((await invoicePdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The lead page shows the deal's status.
    const leadId = await db.withTenant({ businessId: biz.id }, async () => (await Lead.findOne({ rejectOnEmpty: true })).id);
    await owner.goto(`/leads/${leadId}`);
    await owner.locator('.lead-billing').getByText('שולם').waitFor();
  }, 300_000);

  it('keeps contract templates under settings for the owner only; the old address redirects', async () => {
    const signIn = async (email: string) => {
      const page = await newPage();
      await page.goto('/login');
      await page.locator('#email').fill(email);
      await page.locator('#password').fill(TEST_PASSWORD);
      await Promise.all([page.waitForURL(/\/dashboard$/), page.locator('form button[type=submit]').last().click()]);
      return page;
    };
    const owner = await signIn(biz.users.owner.email);
    await owner.goto('/billing/templates');
    expect(new URL(owner.url()).pathname).toBe('/settings/contract-templates');
    await owner.getByRole('heading', { name: 'תבניות חוזה' }).waitFor();
    expect(await owner.locator('nav.tabs a[aria-current=page]').textContent()).toBe('תבניות חוזה');
    await owner.screenshot({ path: path.join(SHOTS, 'web-settings-contract-templates.he.png'), fullPage: true });

    // The tax details printed on invoices: a wrong check digit is refused on the field, a right number is kept.
    await owner.goto('/settings/tax-identity');
    await owner.locator('#dealerType').selectOption('company');
    await owner.locator('#taxId').fill('515555554');
    await owner.getByRole('button', { name: 'שמירת פרטי המס' }).click();
    await owner.locator('#taxId-error').getByText('תשע ספרות עם ספרת ביקורת תקינה.').waitFor();
    await owner.goto('/settings/tax-identity');
    await owner.locator('#dealerType').selectOption('company');
    await owner.locator('#taxId').fill('51-555555-5');
    await owner.locator('#billingAddress').fill('הרצל 10, תל אביב');
    const saved = await submitForm(owner, 'form:has(#taxId)', 'שמירת פרטי המס');
    expect(saved.status()).toBe(200);
    await owner.getByText('פרטי המס נשמרו.').waitFor();
    expect(await owner.locator('#taxId').inputValue()).toBe('515555555');
    const stored = await db.withTenant({ businessId: biz.id }, () => Business.findByPk(biz.id, { rejectOnEmpty: true }));
    expect({ taxId: stored.taxId, dealerType: stored.dealerType, billingAddress: stored.billingAddress }).toEqual({ taxId: '515555555', dealerType: 'company', billingAddress: 'הרצל 10, תל אביב' });
    await owner.screenshot({ path: path.join(SHOTS, 'web-settings-tax-identity.he.png'), fullPage: true });

    for (const email of [biz.users.admin.email, biz.users.agent.email]) {
      const other = await signIn(email);
      const answer = await other.goto('/settings/contract-templates');
      expect(answer?.status()).toBe(403);
      expect(await other.locator('a[href="/billing"]').count()).toBe(0);
      expect((await other.goto('/settings/tax-identity'))?.status()).toBe(403);
      if (email === biz.users.admin.email) {
        await other.goto('/settings');
        expect(await other.locator('a[href="/settings/contract-templates"], a[href="/settings/tax-identity"]').count()).toBe(0);
      }
      await other.context().close();
    }
  }, 120_000);
});
