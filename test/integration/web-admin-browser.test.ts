import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { ApiKey, AuditLog, Business, Lead, LeadStatus, Notification, Task, User, type Database } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { createPasswordToken } from '../../api/auth/password-tokens';
import { createSystemAdmin, createTestBusiness, type TestBusiness, type TestUser } from '../support/accounts';
import { hasChromium, launchBrowser, login, newPage, screenshot, seriousAxeViolations, submitForm } from '../support/browser';
import { openAppDatabase, testEnv } from '../support/infra';
import { startWebDevServer, type WebServer } from '../support/web-server';

/**
 * The CRM's administration pages in a real browser (settings, users, businesses with
 * impersonation, audit log) against the web dev server on the test PostgreSQL. Every page is
 * checked with axe-core and photographed in Hebrew and English (.screenshots/web/).
 */

const withChromium = hasChromium ? describe : describe.skip;

withChromium('CRM administration in a browser', () => {
  let db: Database;
  let web: WebServer;
  let browser: Browser;
  let biz: TestBusiness;
  let sysadmin: TestUser;

  beforeAll(async () => {
    db = openAppDatabase(4);
    biz = await createTestBusiness(db, 'Admin clinic');
    sysadmin = await createSystemAdmin(db);
    await db.withSystemScope('test fixture: pipeline', () => createDefaultLeadStatuses(biz.id));
    web = await startWebDevServer({
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      SESSION_SECRET: 'web-admin-browser-test-secret',
      LOG_LEVEL: 'warn',
    });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await db?.close();
  });

  const business = () => db.withSystemScope('test reads the business', () => Business.findByPk(biz.id, { rejectOnEmpty: true }));

  /** No serious or critical axe violation on the page, listed in the failure when there is one. */
  async function expectAccessible(page: Page): Promise<void> {
    const violations = await seriousAxeViolations(page);
    expect({ url: page.url(), violations }).toEqual({ url: page.url(), violations: [] });
  }

  /** Waits for the "saved" message of one settings section (each section shows its own). */
  async function savedIn(page: Page, headingId: string): Promise<void> {
    await page.locator(`section[aria-labelledby=${headingId}]`).getByText('ההגדרות נשמרו.').waitFor();
  }

  it('owner: edits profile, hours with a break, closed dates, booking rules, reminders, statuses and API keys', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.owner.email);
      await page.goto('/settings');
      expect(await page.locator('h1').textContent()).toBe('הגדרות');
      await expectAccessible(page);
      await screenshot(page, '20-settings');

      // Business profile
      await page.locator('#business-name').fill('מרפאת הבדיקות');
      await submitForm(page, 'form[action="?/profile"]', 'שמירה');
      await savedIn(page, 'profile-heading');
      expect((await business()).name).toBe('מרפאת הבדיקות');

      // Call recording: switched on with 7 days' retention, then back to the platform default (empty); both audited
      await page.locator('#business-recording').check();
      await page.locator('#business-retention').fill('7');
      await submitForm(page, 'form[action="?/profile"]', 'שמירה');
      await savedIn(page, 'profile-heading');
      expect(await business()).toMatchObject({ recordingEnabled: true, recordingRetentionDays: 7 });
      await page.goto('/settings');
      expect(await page.locator('#business-recording').isChecked()).toBe(true);
      await page.locator('#business-retention').fill('');
      await submitForm(page, 'form[action="?/profile"]', 'שמירה');
      await savedIn(page, 'profile-heading');
      expect(await business()).toMatchObject({ recordingEnabled: true, recordingRetentionDays: null });
      const recordingAudit = await db.withSystemScope('test reads audit', () => AuditLog.findAll({ where: { businessId: biz.id, action: 'settings.change', targetType: 'business' }, order: [['createdAt', 'ASC']] }));
      expect(recordingAudit.slice(-2).map((row) => [row.actorUserId, (row.details.before as Record<string, unknown>).recordingEnabled, (row.details.after as Record<string, unknown>).recordingRetentionDays])).toEqual([
        [biz.users.owner.id, false, 7],
        [biz.users.owner.id, true, null],
      ]);
      await page.goto('/settings');

      // Sunday 09:00–18:00 with a break 12:00–13:00; Friday closed
      await page.locator('#start-0').fill('09:00');
      await page.locator('#end-0').fill('18:00');
      await page.locator('#breakStart-0').fill('12:00');
      await page.locator('#breakEnd-0').fill('13:00');
      await page.locator('#open-0').check();
      await page.locator('#open-5').uncheck();
      await submitForm(page, 'form[action="?/hours"]', 'שמירת השעות');
      await savedIn(page, 'hours-heading');
      const hours = (await business()).weeklyHours;
      expect(hours['0']).toEqual([{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }]);
      expect(hours['5']).toBeUndefined();

      // A break outside the opening hours is refused, with the message in Hebrew, and nothing stored
      await page.locator('#open-1').check();
      await page.locator('#start-1').fill('10:00');
      await page.locator('#end-1').fill('16:00');
      await page.locator('#breakStart-1').fill('17:00');
      await page.locator('#breakEnd-1').fill('17:30');
      await submitForm(page, 'form[action="?/hours"]', 'שמירת השעות');
      await page.getByTestId('hours-1').getByText('שעות לא תקינות').waitFor();
      expect((await business()).weeklyHours['1']).toEqual(hours['1']);
      await screenshot(page, '21-settings-hours-error');

      // Closed dates: add one, then remove it
      await page.locator('#closed-date').fill('2031-01-01');
      await submitForm(page, 'form[action="?/addClosedDate"]', 'הוספת יום סגור');
      await page.getByRole('button', { name: 'הסרת היום הסגור 2031-01-01' }).waitFor();
      expect((await business()).bookingRules.closedDates).toEqual(['2031-01-01']);
      await page.getByRole('button', { name: 'הסרת היום הסגור 2031-01-01' }).click();
      await page.getByText('אין ימים סגורים.').waitFor();
      expect((await business()).bookingRules.closedDates).toEqual([]);

      // Booking rules: a window of 0 days is refused; then valid rules are stored
      await page.locator('#rule-bookingWindowDays').fill('0');
      await submitForm(page, 'form[action="?/rules"]', 'שמירה');
      await page.getByText('מספר שלם בין 1 ל-365.').waitFor();
      await page.locator('#rule-slotLengthMinutes').fill('45');
      await page.locator('#rule-slotIntervalMinutes').fill('15');
      await page.locator('#rule-minimumNoticeMinutes').fill('120');
      await page.locator('#rule-bookingWindowDays').fill('60');
      await page.locator('#rule-maxBookingsPerDay').fill('8');
      await submitForm(page, 'form[action="?/rules"]', 'שמירה');
      await savedIn(page, 'rules-heading');
      expect((await business()).bookingRules).toMatchObject({ slotLengthMinutes: 45, slotIntervalMinutes: 15, minimumNoticeMinutes: 120, bookingWindowDays: 60, maxBookingsPerDay: 8 });

      // Reminder times: 48 h and 3 h before
      await page.locator('#reminder-0').fill('48');
      await page.locator('#reminder-1').fill('3');
      await page.locator('#reminder-2').fill('');
      await submitForm(page, 'form[action="?/reminders"]', 'שמירה');
      await savedIn(page, 'reminders-heading');
      expect((await business()).reminderOffsetsMinutes).toEqual([2880, 180]);
      await screenshot(page, '20-settings');

      // Lead statuses: add, rename, move up, delete (its leads go to the chosen status)
      await page.goto('/settings/statuses');
      await expectAccessible(page);
      await page.locator('#new-labelHe').fill('מעקב');
      await page.locator('#new-labelEn').fill('Follow up');
      await submitForm(page, 'form[action="?/add"]', 'הוספת סטטוס');
      const row = page.locator('[data-testid=status-row][data-key=follow_up]');
      await row.waitFor();
      expect(await page.locator('[data-testid=status-row]').last().getAttribute('data-key')).toBe('follow_up');
      await row.getByText('עריכה או מחיקה').click();
      await row.locator('input[name=labelHe]').fill('מעקב טלפוני');
      await row.getByRole('button', { name: 'שמירה' }).click();
      await page.locator('[data-testid=status-row][data-key=follow_up]').getByText('מעקב טלפוני').first().waitFor();
      await page.getByRole('button', { name: 'הזזת מעקב טלפוני למעלה' }).click();
      await page.waitForFunction(`(() => {
        const keys = [...document.querySelectorAll('[data-testid=status-row]')].map((element) => element.getAttribute('data-key'));
        return keys.indexOf('follow_up') === keys.length - 2;
      })()`);
      await screenshot(page, '22-settings-statuses');
      const statusRow = page.locator('[data-testid=status-row][data-key=follow_up]');
      if (!(await statusRow.locator('details').getAttribute('open'))) await statusRow.getByText('עריכה או מחיקה').click();
      await statusRow.getByRole('button', { name: 'מחיקת מעקב טלפוני' }).click();
      await page.locator('[data-testid=status-row][data-key=follow_up]').waitFor({ state: 'detached' });
      const keys = await db.withTenant({ businessId: biz.id }, () => LeadStatus.findAll({ order: [['position', 'ASC']] }));
      expect(keys.map((status) => status.key)).toEqual(['new', 'contacted', 'qualified', 'appointment_set', 'won', 'lost']);
      expect(await page.locator('[data-key=new]').getByRole('button', { name: /מחיקת/ }).count()).toBe(0);

      // API keys: created, shown once, stored hashed, revoked
      await page.goto('/settings/api-keys');
      await expectAccessible(page);
      await page.locator('#key-name').fill('Zapier');
      await submitForm(page, 'form[action="?/create"]', 'יצירת מפתח');
      const shown = (await page.getByTestId('new-api-key').locator('code').textContent()) ?? '';
      expect(shown).toMatch(/^psk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      await screenshot(page, '23-settings-api-keys');
      const stored = await db.withTenant({ businessId: biz.id }, () => ApiKey.unscoped().findOne({ where: { name: 'Zapier' }, rejectOnEmpty: true }));
      expect(stored.secretHash).toBe(createHash('sha256').update(shown).digest('hex'));
      expect(stored.scopes).toEqual(['read']);
      await page.goto('/settings/api-keys');
      expect(await page.content()).not.toContain(shown);
      const keyRow = page.getByTestId('api-key-row').filter({ hasText: 'Zapier' });
      await keyRow.getByText('ביטול', { exact: true }).click();
      await keyRow.getByRole('button', { name: 'כן, לבטל' }).click();
      await page.getByText('המפתח Zapier בוטל.').waitFor();
      await db.withTenant({ businessId: biz.id }, () => stored.reload());
      expect(stored.revokedAt).not.toBeNull();

      // The same pages in English
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      for (const [name, url] of [['20-settings', '/settings'], ['22-settings-statuses', '/settings/statuses'], ['23-settings-api-keys', '/settings/api-keys']] as const) {
        await page.goto(url);
        await expectAccessible(page);
        await screenshot(page, name);
      }
      await page.goto('/settings');
      await page.locator('#rule-slotLengthMinutes').fill('1');
      await submitForm(page, 'form[action="?/rules"]', 'Save');
      await page.getByText('A whole number from 5 to 480.').first().waitFor();
      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
    } finally {
      await context.close();
    }
    const actions = await db.withTenant({ businessId: biz.id }, () => AuditLog.findAll({ where: { action: ['settings.change', 'api_key.create', 'api_key.revoke'] } }));
    expect(actions.length).toBeGreaterThanOrEqual(10);
  }, 300_000);

  it('owner: invites, changes roles, deactivates, reactivates and deletes users, with the rules in the user language', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.owner.email);
      await page.goto('/users');
      await expectAccessible(page);

      // Invalid email: the field says so, the typed name stays
      await page.locator('#invite-fullName').fill('נועה ברק');
      await page.locator('#invite-email').fill('not-an-email');
      await submitForm(page, 'form[action="?/invite"]', 'הזמנה');
      await page.getByText('כתובת הדוא"ל אינה תקינה.').waitFor();
      expect(await page.locator('#invite-fullName').inputValue()).toBe('נועה ברק');

      const email = `noa-${Date.now()}@test.prosaas`;
      await page.locator('#invite-email').fill(email);
      await page.locator('input[name=invite][value=temporary_password]').check();
      await submitForm(page, 'form[action="?/invite"]', 'הזמנה');
      await page.getByTestId('invited').locator('code').waitFor();
      const row = page.locator(`[data-testid=user-row][data-email="${email}"]`);
      await row.waitFor();
      await screenshot(page, '24-users');

      // agent → admin
      await row.locator('select[name=role]').selectOption('admin');
      await row.getByRole('button', { name: 'עדכון תפקיד' }).click();
      await row.getByText('השינוי נשמר.').waitFor();
      const invited = await db.withTenant({ businessId: biz.id }, () => User.findOne({ where: { email }, rejectOnEmpty: true }));
      expect(invited.role).toBe('admin');

      await row.getByRole('button', { name: 'השבתה' }).click();
      await page.locator(`[data-testid=user-row][data-email="${email}"][data-active=false]`).waitFor();
      await row.getByRole('button', { name: 'הפעלה מחדש' }).click();
      await page.locator(`[data-testid=user-row][data-email="${email}"][data-active=true]`).waitFor();

      // The rules: nobody deletes or demotes themselves (the API's messages, in Hebrew)
      const me = page.locator(`[data-testid=user-row][data-email="${biz.users.owner.email}"]`);
      await me.getByText('מחיקה', { exact: true }).click();
      await me.getByRole('button', { name: 'כן, למחוק' }).click();
      await me.getByTestId('user-refusal').getByText('אין באפשרותך למחוק את המשתמש של עצמך').waitFor();
      await me.locator('select[name=role]').selectOption('agent');
      await me.getByRole('button', { name: 'עדכון תפקיד' }).click();
      await me.getByTestId('user-refusal').getByText('אין באפשרותך להוריד את התפקיד של עצמך').waitFor();
      await screenshot(page, '25-users-refusal');

      await row.getByText('מחיקה', { exact: true }).click();
      await row.getByRole('button', { name: 'כן, למחוק' }).click();
      await page.getByText('המשתמש נועה ברק נמחק.').waitFor();
      expect(await db.withTenant({ businessId: biz.id }, () => User.count({ where: { email } }))).toBe(0);

      // English: the same rule, in English
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      await me.getByText('Delete', { exact: true }).click();
      await me.getByRole('button', { name: 'Yes, delete' }).click();
      await me.getByTestId('user-refusal').getByText('You cannot delete yourself').waitFor();
      await expectAccessible(page);
      await screenshot(page, '24-users');
      await page.goto('/audit-log');
      await page.locator('[data-testid=audit-entry][data-action="user.delete"]').first().waitFor();
      await expectAccessible(page);
      await screenshot(page, '26-audit-log');
      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
      await screenshot(page, '26-audit-log');
    } finally {
      await context.close();
    }
  }, 240_000);

  it('tasks board: creates a task with a due date and assignee, completes, reopens and deletes it; the bell updates live', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.owner.email);
      await page.goto('/tasks');
      await expectAccessible(page);
      await page.getByText('משימה חדשה').click();
      await page.locator('#task-title').fill('');
      await submitForm(page, 'form[action="?/create"]', 'הוספת משימה');
      await page.getByText('יש להזין כותרת (עד 200 תווים).').waitFor();

      const due = DateTime.now().setZone('Asia/Jerusalem').plus({ days: 1 }).set({ hour: 10, minute: 30, second: 0, millisecond: 0 });
      await page.locator('#task-title').fill('להתקשר לדנה');
      await page.locator('#task-due').fill(due.toFormat("yyyy-LL-dd'T'HH:mm"));
      await page.locator('#task-assignee').selectOption(biz.users.agent.id);
      await submitForm(page, 'form[action="?/create"]', 'הוספת משימה');
      const card = page.getByTestId('tasks-open').getByTestId('task-card').filter({ hasText: 'להתקשר לדנה' });
      await card.waitFor();
      expect(await card.textContent()).toContain('agent of Admin clinic');
      const stored = await db.withTenant({ businessId: biz.id }, () => Task.findOne({ where: { title: 'להתקשר לדנה' }, rejectOnEmpty: true }));
      expect(stored.dueAt?.toISOString()).toBe(due.toUTC().toISO());
      expect(stored.assigneeUserId).toBe(biz.users.agent.id);
      await screenshot(page, '30-tasks');

      await card.getByRole('button', { name: 'סימון כבוצע' }).click();
      const done = page.getByTestId('tasks-done').getByTestId('task-card').filter({ hasText: 'להתקשר לדנה' });
      await done.waitFor();
      await done.getByRole('button', { name: 'פתיחה מחדש' }).click();
      await card.waitFor();
      await card.getByText('מחיקה', { exact: true }).click();
      await card.getByRole('button', { name: 'כן, למחוק' }).click();
      await page.getByText('המשימה "להתקשר לדנה" נמחקה.').waitFor();
      expect(await db.withTenant({ businessId: biz.id }, () => Task.count({ where: { title: 'להתקשר לדנה' } }))).toBe(0);

      // The bell: an alert written while the page is open arrives over server-sent events
      await page.goto('/dashboard');
      await page.getByTestId('notification-bell').waitFor();
      await db.withTenant({ businessId: biz.id }, () =>
        Notification.create({ businessId: biz.id, idempotencyKey: `bell-test-${Date.now()}`, channel: 'in_app', recipient: 'owner', kind: 'owner_new_lead', body: 'ליד חדש: רונית, 050-9998877', provider: 'crm', status: 'sent' }),
      );
      await page.getByTestId('notification-count').getByText('1', { exact: true }).waitFor();
      await page.getByTestId('notification-bell').locator('summary').click();
      await page.getByTestId('bell-item').filter({ hasText: 'רונית' }).waitFor();
      await expectAccessible(page);
      await screenshot(page, '31-notification-bell');
      await page.goto('/notifications');
      await page.getByTestId('notification').filter({ hasText: 'רונית' }).waitFor();
      await page.getByRole('button', { name: 'סימון הכול כנקרא' }).first().click();
      await page.getByTestId('notification-count').waitFor({ state: 'detached' });
      await screenshot(page, '32-notifications');
      // Read is stored for the user, not the browser: another browser of the same owner agrees
      const readUntil = await db.withTenant({ businessId: biz.id }, async (transaction) => {
        const [rows] = await db.sequelize.query('SELECT read_until FROM notification_reads WHERE user_id = :userId', { replacements: { userId: biz.users.owner.id }, transaction });
        return (rows as Array<{ read_until: Date }>)[0]?.read_until;
      });
      expect(readUntil).toBeInstanceOf(Date);
      const other = await newPage(browser, web.baseUrl);
      try {
        await login(other.page, biz.users.owner.email);
        await other.page.getByTestId('notification-bell').waitFor();
        expect(await other.page.getByTestId('notification-count').count()).toBe(0);
      } finally {
        await other.context.close();
      }
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      await screenshot(page, '32-notifications');
      await page.goto('/tasks');
      await screenshot(page, '30-tasks');
      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
    } finally {
      await context.close();
    }
  }, 240_000);

  it('leads: imports a CSV (preview, mapping, dedupe by phone, report), exports, moves on the board (drag and keyboard), bulk actions', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.owner.email);
      await db.withTenant({ businessId: biz.id }, () => Lead.create({ businessId: biz.id, fullName: 'קיים כבר', phoneE164: '+972501110000', source: 'crm' }));

      // Import: Hebrew headers in another order, a known phone, a repeated phone, a bad phone
      await page.goto('/leads/import');
      await expectAccessible(page);
      const csv = ['טלפון,שם מלא,הערות,עיר', '050-111-0000,קיים כבר,עדכון,חיפה', '052-222-3333,"לוי, אבי",לקוח חדש,ת"א', '052-222-3333,אבי שוב,,', '12,טלפון שגוי,,', '053-444-5555,=HACK(),,'].join('\r\n');
      await page.locator('#import-file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await page.getByRole('button', { name: 'תצוגה מקדימה' }).click();
      await page.locator('#map-phone').waitFor();
      expect(await page.locator('#map-phone').inputValue()).toBe('0');
      expect(await page.locator('#map-fullName').inputValue()).toBe('1');
      expect(await page.locator('#map-need').inputValue()).toBe('2');
      await expectAccessible(page);
      await screenshot(page, '33-leads-import-mapping');
      await page.getByRole('button', { name: 'ייבוא 5 שורות' }).click();
      await page.getByTestId('import-report').waitFor();
      expect(await page.getByTestId('import-created').textContent()).toBe('2');
      expect(await page.getByTestId('import-updated').textContent()).toBe('1');
      expect(await page.getByTestId('import-skipped').textContent()).toBe('2');
      await page.getByText('שורה 4: טלפון שכבר הופיע בקובץ').waitFor();
      await page.getByText('שורה 5: מספר טלפון לא תקין').waitFor();
      await screenshot(page, '34-leads-import-report');
      const imported = await db.withTenant({ businessId: biz.id }, () => Lead.findAll({ where: { source: 'import' } }));
      expect(imported.map((lead) => lead.phoneE164).sort()).toEqual(['+972522223333', '+972534445555']);

      // Export: the CSV of the list, formulas neutralised
      await page.goto('/leads');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'ייצוא CSV' }).click()]);
      const exported = fs.readFileSync((await download.path())!, 'utf8');
      expect(exported).toContain('"לוי, אבי","+972522223333"');
      expect(exported).toContain(`"'=HACK()"`);
      expect(exported.split('\r\n').filter(Boolean)).toHaveLength(4);

      // Board: move with the keyboard path (select + Move), then by dragging to another column
      await page.goto('/leads/board');
      await expectAccessible(page);
      const card = page.locator('[data-testid=board-card]').filter({ hasText: 'לוי, אבי' });
      await card.locator('select').selectOption('contacted');
      await card.getByRole('button', { name: 'העברה' }).click();
      await page.locator('[data-testid=board-column][data-status=contacted]').getByRole('link', { name: 'לוי, אבי' }).waitFor();
      await page.locator('[data-testid=board-card]').filter({ hasText: 'לוי, אבי' }).dragTo(page.locator('[data-testid=board-column][data-status=qualified]'));
      await page.locator('[data-testid=board-column][data-status=qualified]').getByRole('link', { name: 'לוי, אבי' }).waitFor();
      const moved = await db.withTenant({ businessId: biz.id }, () => Lead.findOne({ where: { phoneE164: '+972522223333' }, rejectOnEmpty: true }));
      expect(moved.statusKey).toBe('qualified');
      await screenshot(page, '35-leads-board');

      // Bulk: tick two leads, move them to "won", then delete them
      await page.goto('/leads');
      for (const name of ['לוי, אבי', '=HACK()']) await page.getByRole('checkbox', { name: `בחירת ${name}` }).check();
      await page.locator('#bulk-status').selectOption('won');
      await page.getByRole('button', { name: 'העברה לסטטוס' }).click();
      await page.getByText('2 לידים הועברו.').waitFor();
      for (const name of ['לוי, אבי', '=HACK()']) await page.getByRole('checkbox', { name: `בחירת ${name}` }).check();
      await page.getByText('מחיקת המסומנים').click();
      await page.locator('#bulk-form').getByRole('button', { name: 'כן, למחוק' }).click();
      await page.getByText('2 לידים נמחקו.').waitFor();
      expect(await db.withTenant({ businessId: biz.id }, () => Lead.count({ where: { source: 'import' } }))).toBe(0);

      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      for (const [name, url] of [['35-leads-board', '/leads/board'], ['33-leads-import-mapping', '/leads/import'], ['04-leads-bulk', '/leads']] as const) {
        await page.goto(url);
        await expectAccessible(page);
        await screenshot(page, name);
      }
      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
      await screenshot(page, '04-leads-bulk');
    } finally {
      await context.close();
    }
    const actions = await db.withTenant({ businessId: biz.id }, () => AuditLog.findAll({ where: { action: ['lead.import', 'export', 'lead.bulk_update', 'lead.delete'] } }));
    expect(new Set(actions.map((row) => row.action))).toEqual(new Set(['lead.import', 'export', 'lead.bulk_update', 'lead.delete']));
  }, 240_000);

  it('set-password link (invitation or reset): the password rules in Hebrew, then a sign-in; the link works once', async () => {
    const token = await db.withSystemScope('test fixture: invitation link', () => createPasswordToken(biz.users.admin.id, 'invite', 3_600_000));
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await page.goto(`/reset-password?token=${encodeURIComponent(token)}`);
      await expectAccessible(page);
      await page.locator('#new-password').fill('short');
      await page.getByRole('button', { name: 'שמירת הסיסמה' }).click();
      await page.getByText('הסיסמה חייבת להכיל לפחות 10 תווים').waitFor();
      await screenshot(page, '36-set-password');
      await page.locator('#new-password').fill('a brand new passphrase');
      await Promise.all([page.waitForURL(/\/login\?passwordSet=1$/), page.getByRole('button', { name: 'שמירת הסיסמה' }).click()]);
      await page.getByText('הסיסמה נקבעה. אפשר להתחבר.').waitFor();
      await page.locator('#email').fill(biz.users.admin.email);
      await page.locator('#password').fill('a brand new passphrase');
      await Promise.all([page.waitForURL(/\/dashboard$/), page.locator('form button[type=submit]').last().click()]);

      await page.goto(`/reset-password?token=${encodeURIComponent(token)}`);
      await page.locator('#new-password').fill('another good passphrase');
      await page.getByRole('button', { name: 'שמירת הסיסמה' }).click();
      await page.getByText('הקישור לקביעת הסיסמה אינו תקף').waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);

  it('agent: no settings, users, businesses or audit log in the navigation, and 403 on each of their pages', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, biz.users.agent.email);
      const sidebar = (await page.locator('.sidebar').textContent()) ?? '';
      for (const label of ['הגדרות', 'משתמשים', 'עסקים', 'יומן ביקורת']) expect(sidebar).not.toContain(label);
      for (const url of ['/settings', '/settings/statuses', '/settings/api-keys', '/users', '/businesses', '/audit-log']) {
        const response = await page.goto(url);
        expect({ url, status: response?.status() }).toEqual({ url, status: 403 });
      }
      // a forged form post is refused by the policy too
      const response = await page.request.post('/settings?/rules', {
        form: { slotLengthMinutes: '5', slotIntervalMinutes: '5', minimumNoticeMinutes: '0', bookingWindowDays: '1', maxBookingsPerDay: '' },
        headers: { origin: web.baseUrl },
      });
      expect(response.status()).toBe(403);

      // The language is remembered per user: English chosen here opens a new browser in English
      await page.goto('/dashboard');
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      const other = await newPage(browser, web.baseUrl);
      try {
        await login(other.page, biz.users.agent.email);
        expect(await other.page.locator('html').getAttribute('lang')).toBe('en');
        expect(await other.page.locator('h1').textContent()).toBe('Dashboard');
        await other.page.getByRole('button', { name: 'עברית' }).click();
        await other.page.waitForFunction("document.documentElement.lang === 'he'");
      } finally {
        await other.context.close();
      }
      expect(await db.withTenant({ businessId: biz.id }, async () => (await User.findByPk(biz.users.agent.id, { rejectOnEmpty: true })).locale)).toBe('he');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('system_admin: lists and creates businesses, impersonates one (banner, audited) and stops', async () => {
    const { context, page } = await newPage(browser, web.baseUrl);
    try {
      await login(page, sysadmin.email, /\/businesses$/);
      await expectAccessible(page);
      const sidebar = (await page.locator('.sidebar').textContent()) ?? '';
      expect(sidebar).toContain('עסקים');
      expect(sidebar).not.toContain('לידים');

      const name = `עסק חדש ${Date.now()}`;
      const ownerEmail = `new-owner-${Date.now()}@test.prosaas`;
      await page.locator('#business-name').fill(name);
      await page.locator('#owner-fullName').fill('בעלת העסק');
      await page.locator('#owner-email').fill(ownerEmail);
      await page.locator('input[name=invite][value=temporary_password]').check();
      await submitForm(page, 'form[action="?/create"]', 'יצירת העסק');
      await page.getByTestId('business-created').locator('code').waitFor();
      await page.locator(`[data-testid=business-row][data-name="${name}"]`).waitFor();
      await screenshot(page, '27-businesses');

      // Impersonate the test business: its dashboard, with the banner
      const row = page.locator(`[data-testid=business-row][data-id="${biz.id}"]`);
      await Promise.all([page.waitForURL(/\/dashboard$/), row.getByRole('button').click()]);
      const banner = page.getByTestId('impersonation-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('owner of Admin clinic');
      await expectAccessible(page);
      await screenshot(page, '28-impersonating');
      expect((await page.locator('.sidebar').textContent()) ?? '').not.toContain('עסקים');
      await page.goto('/audit-log');
      await page.locator('[data-testid=audit-entry][data-action="impersonation.start"]').first().waitFor();

      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction("document.documentElement.lang === 'en'");
      await page.goto('/dashboard');
      await screenshot(page, '28-impersonating');
      await Promise.all([page.waitForURL(/\/businesses$/), page.getByRole('button', { name: 'Stop impersonating' }).click()]);
      expect(await page.getByTestId('impersonation-banner').count()).toBe(0);
      await screenshot(page, '27-businesses');
      await page.goto('/audit-log');
      await expectAccessible(page);
      await screenshot(page, '29-audit-log-platform');
      await page.getByRole('button', { name: 'עברית' }).click();
      await page.waitForFunction("document.documentElement.lang === 'he'");
      await screenshot(page, '29-audit-log-platform');
    } finally {
      await context.close();
    }
    const rows = await db.withTenant({ businessId: biz.id }, () => AuditLog.findAll({ where: { action: ['impersonation.start', 'impersonation.stop'] } }));
    expect(rows.map((entry) => entry.action).sort()).toEqual(['impersonation.start', 'impersonation.stop']);
    expect(rows.every((entry) => entry.impersonatorUserId === sysadmin.id || entry.actorUserId === sysadmin.id)).toBe(true);
  }, 240_000);
});
