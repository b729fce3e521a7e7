import type { Browser } from 'playwright-core';
import { Conversation, WhatsappConnection, type Database } from '../../data';
import { storeInbound } from '../../whatsapp/message-store';
import { hasChromium, launchBrowser, login, newPage as newBrowserPage } from '../support/browser';
import { createTestBusiness, type TestBusiness } from '../support/accounts';
import { openAppDatabase, testEnv } from '../support/infra';
import { waitFor } from '../support/wait';
import { startConversationWorker, type ConversationWorker } from '../support/whatsapp';
import { startWebDevServer, type WebServer } from '../support/web-server';

const withChromium = hasChromium ? describe : describe.skip;

/** The CRM's WhatsApp page in a real browser: connect, the QR arriving live (server-sent events), the RTL chat and takeover. */
withChromium('CRM WhatsApp page', () => {
  let db: Database;
  let worker: ConversationWorker;
  let web: WebServer;
  let browser: Browser;
  let biz: TestBusiness;

  beforeAll(async () => {
    db = openAppDatabase(4);
    biz = await createTestBusiness(db, 'WhatsApp page clinic');
    worker = await startConversationWorker(db, 'web-whatsapp');
    web = await startWebDevServer({
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      TEMPORAL_UI_URL: 'http://temporal-ui.test',
      SESSION_SECRET: 'web-whatsapp-test-secret',
      LOG_LEVEL: 'warn',
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await worker?.stop();
    await db?.close();
  });

  it('connects, shows the QR as it arrives, lists conversations with unread counts, and takes one over', async () => {
    const { context, page } = await newBrowserPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.owner.email);
      // An open EventSource keeps the network busy: wait for load, not network idle.
      await page.goto('/whatsapp', { waitUntil: 'load' });
      await expect(page.locator('h1').textContent()).resolves.toBe('וואטסאפ');
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      await expect(page.locator('[data-status]').textContent()).resolves.toBe('לא מחובר');

      await page.getByRole('button', { name: 'חיבור וואטסאפ' }).click();
      await page.locator('[data-status="connecting"]').waitFor();
      const row = await db.withTenant({ businessId: biz.id }, () => WhatsappConnection.findOne({ rejectOnEmpty: true }));
      expect(row).toMatchObject({ wanted: true, provider: 'baileys' });

      // A whatsapp process writes the QR; the page shows it without a reload (server-sent events).
      await db.withTenant({ businessId: biz.id }, () => row.update({ status: 'qr', qr: '2@live-qr-from-the-session' }));
      await page.locator('img.qr').waitFor();
      expect(await page.locator('img.qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

      await storeInbound(db, biz.id, 'baileys', [
        { providerMessageId: 'WEB-1', contactE164: '+972501230000', contactName: 'רונית', body: 'שלום, יש תור מחר?', mediaType: null, mediaSizeBytes: null, receivedAt: new Date(), payload: null },
        { providerMessageId: 'WEB-2', contactE164: '+972501230000', contactName: 'רונית', body: 'בבוקר אם אפשר', mediaType: null, mediaSizeBytes: null, receivedAt: new Date(), payload: null },
      ]);
      await page.locator('.badge', { hasText: '2' }).waitFor();
      await page.getByRole('link', { name: /רונית/ }).click();
      await page.locator('.messages li.inbound', { hasText: 'בבוקר אם אפשר' }).waitFor();
      const conversation = await db.withTenant({ businessId: biz.id }, () => Conversation.findOne({ rejectOnEmpty: true }));
      expect(conversation.unreadCount).toBe(0);

      await page.getByRole('button', { name: 'העברה לטיפולי' }).click();
      const taken = await waitFor(() => db.withTenant({ businessId: biz.id }, () => Conversation.findByPk(conversation.id)), (c) => c?.takenOverByUserId === biz.users.owner.id);
      expect(taken?.takenOverByUserId).toBe(biz.users.owner.id);
      await page.getByRole('button', { name: 'החזרה לעוזר' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
