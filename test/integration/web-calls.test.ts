import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AssistantInstruction, AssistantSettings, AuditLog, Call, FaqEntry, type Database } from '../../data';
import { LogMessageProvider } from '../../platform/messaging';
import { LocalRecordingStorage } from '../../platform/recordings/storage';
import { hasChromium, launchBrowser, login, newPage as newBrowserPage } from '../support/browser';
import { createTestBusiness, type TestBusiness } from '../support/accounts';
import { openAppDatabase, testEnv, testLogger } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { startWebDevServer, type WebServer } from '../support/web-server';

/** The Calls and AI settings pages of the CRM in Chromium, on the test PostgreSQL; screenshots in .screenshots/web/. */

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, '.screenshots/web');
const withChromium = hasChromium ? describe : describe.skip;

withChromium('CRM calls and AI settings pages', () => {
  let db: Database;
  let worker: TestWorker;
  let web: WebServer;
  let browser: Browser;
  let biz: TestBusiness;
  let callId: string;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-web-recordings-'));
  const media = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    db = openAppDatabase(4);
    worker = await startTestWorker(db, new LogMessageProvider(testLogger), 'web-calls');
    biz = await createTestBusiness(db, 'מספרת הדפדפן');
    const callSid = `CAweb${Date.now()}`;
    const key = `${biz.id}/${callSid}/REweb.mp3`;
    await new LocalRecordingStorage(recordingsDir).put(key, media, 'audio/mpeg');
    callId = (
      await db.withTenant({ businessId: biz.id }, () =>
        Call.create({
          businessId: biz.id,
          callSid,
          direction: 'inbound',
          fromE164: '+972507771234',
          status: 'completed',
          outcome: 'booked',
          durationSeconds: 95,
          summary: 'דנה קבעה תור לתספורת מחר בעשר.',
          transcript: [
            { role: 'assistant', text: 'שלום, הגעתם למספרה.', at: new Date().toISOString() },
            { role: 'caller', text: 'אני רוצה לקבוע תור למחר בעשר', at: new Date().toISOString() },
          ],
          toolCalls: [{ name: 'book_appointment', at: new Date().toISOString(), ok: true, args: { slotStart: 'מחר בעשר' }, result: { booked: true } }],
          costUsd: '0.031250',
          recordingPath: key,
          workflowId: `call/${biz.id}/${callSid}`,
        }),
      )
    ).id;
    web = await startWebDevServer({
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      TEMPORAL_UI_URL: 'http://temporal-ui.test',
      SESSION_SECRET: 'web-calls-test-secret',
      RECORDINGS_DIR: recordingsDir,
      LOG_LEVEL: 'warn',
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await worker?.stop();
    await db?.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  async function signedIn(email: string): Promise<Page> {
    const { page } = await newBrowserPage(browser, web.baseUrl);
    await login(page, email);
    return page;
  }

  it('agent: lists the call, shows transcript, tool calls, summary, cost, workflow link and plays the recording; AI settings are closed', async () => {
    const page = await signedIn(biz.users.agent.email);
    await page.goto('/calls', { waitUntil: 'networkidle' });
    expect(await page.getByTestId('call-row').count()).toBe(1);
    expect(await page.getByTestId('call-row').textContent()).toContain('נקבע תור');
    await page.screenshot({ path: path.join(SHOTS, '20-calls.he.png'), fullPage: true });
    await page.getByTestId('call-row').locator('a').click();
    await page.waitForURL(new RegExp(`/calls/${callId}$`));
    const body = await page.locator('main').textContent();
    for (const expected of ['אני רוצה לקבוע תור למחר בעשר', 'book_appointment', 'דנה קבעה תור לתספורת מחר בעשר.', '$0.0313', 'היסטוריית התהליך']) expect(body).toContain(expected);
    const src = await page.getByTestId('recording-player').getAttribute('src');
    expect(src).toBe(`/calls/${callId}/recording`);
    await page.screenshot({ path: path.join(SHOTS, '21-call-detail.he.png'), fullPage: true });
    const whole = await page.request.get(src!);
    expect(whole.status()).toBe(200);
    expect(Buffer.from(await whole.body()).equals(media)).toBe(true);
    const part = await page.request.get(src!, { headers: { range: 'bytes=10-19' } });
    expect(part.status()).toBe(206);
    expect(Buffer.from(await part.body()).equals(media.subarray(10, 20))).toBe(true);
    expect((await page.goto('/ai-settings'))!.status()).toBe(403);
    await page.context().close();
  }, 120_000);

  it('another business cannot fetch the recording', async () => {
    const other = await createTestBusiness(db, 'עסק זר');
    const page = await signedIn(other.users.owner.email);
    expect((await page.request.get(`/calls/${callId}/recording`)).status()).toBe(404);
    expect((await page.goto(`/calls/${callId}`))!.status()).toBe(404);
    await page.context().close();
  }, 60_000);

  it('owner: saves assistant settings, versions the phone instructions and rolls back, edits the FAQ', async () => {
    const page = await signedIn(biz.users.owner.email);
    await page.goto('/ai-settings', { waitUntil: 'networkidle' });
    await page.locator('#assistantName').fill('רוני');
    await page.locator('#voice').selectOption('echo');
    await page.locator('#vadSilenceDurationMs').fill('900');
    await page.locator('form[action="?/settings"] button[type=submit]').click();
    await page.getByText('ההגדרות נשמרו').waitFor();

    for (const text of ['גרסה ראשונה: תציע תספורת וזקן.', 'גרסה שנייה: בלי הצעות.']) {
      await page.locator('#instructions-voice').fill(text);
      await page.locator('form[action="?/instructions"]').first().locator('button[type=submit]').click();
      await page.getByText('נשמרה גרסה חדשה של ההנחיות.').waitFor();
      await page.goto('/ai-settings', { waitUntil: 'networkidle' });
    }
    await page.getByText('גרסאות קודמות (2)').click();
    await page.getByTestId('version-voice-1').getByRole('button', { name: 'חזרה לגרסה זו' }).click();
    await page.getByText('גרסה 1 שוחזרה כגרסה 3.').waitFor();

    await page.locator('#new-question').fill('יש חניה?');
    await page.locator('#new-answer').fill('כן, מאחורי הבניין.');
    await page.getByRole('button', { name: 'הוספה' }).click();
    await page.getByText('השאלות הנפוצות נשמרו.').waitFor();
    await page.goto('/ai-settings', { waitUntil: 'networkidle' });
    expect(await page.getByTestId('faq-entry').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, '22-ai-settings.he.png'), fullPage: true });

    const saved = await db.withTenant({ businessId: biz.id }, async () => ({
      settings: await AssistantSettings.findOne(),
      active: await AssistantInstruction.findOne({ where: { channel: 'voice', isActive: true } }),
      faq: await FaqEntry.findAll(),
    }));
    expect(saved.settings).toMatchObject({ assistantName: 'רוני', voice: 'echo', vadSilenceDurationMs: 900 });
    expect(saved.active).toMatchObject({ version: 3, restoredFromVersion: 1, body: 'גרסה ראשונה: תציע תספורת וזקן.' });
    expect(saved.faq.map((f) => [f.question, f.answer])).toEqual([['יש חניה?', 'כן, מאחורי הבניין.']]);

    // Each change from the CRM is audited (the same service as the API), by the owner, marked as from the CRM.
    const audited = await db.withSystemScope('test reads audit', () => AuditLog.findAll({ where: { businessId: biz.id, action: 'settings.change' }, order: [['createdAt', 'ASC']] }));
    const assistantRows = audited.filter((row) => String(row.details.area).startsWith('assistant_'));
    expect(assistantRows.map((row) => row.details.area)).toEqual(['assistant_settings', 'assistant_instructions', 'assistant_instructions', 'assistant_instructions', 'assistant_faq']);
    expect(assistantRows.every((row) => row.actorUserId === biz.users.owner.id && row.details.via === 'crm')).toBe(true);
    expect(assistantRows[0]!.details).toMatchObject({ after: { assistantName: 'רוני', voice: 'echo', vadSilenceDurationMs: 900 } });
    expect(assistantRows[3]!.details).toMatchObject({ channel: 'voice', version: 3, restoredFromVersion: 1 });
    await page.context().close();
  }, 120_000);
});
