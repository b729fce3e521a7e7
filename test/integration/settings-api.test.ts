import { AuditLog, Lead } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';

type ErrorBody = { error: { code: string; fields?: Record<string, string[]>; messages?: { he: string; en: string } } };
type BookingSettings = { weeklyHours: Record<string, Array<{ start: string; end: string }>>; closedDates: string[]; bookingRules: Record<string, unknown>; reminderOffsetsMinutes: number[] };
type Status = { key: string; labelHe: string; labelEn: string; color: string; position: number; isDefault: boolean };

describe('settings REST routes (the CRM-only settings, same schemas and services)', () => {
  let t: TestApi;
  let biz: TestBusiness;
  let owner: Client;
  let agent: Client;

  beforeAll(async () => {
    t = await startTestApi();
    biz = await createTestBusiness(t.db, 'Settings API');
    await t.db.withTenant({ businessId: biz.id }, () => createDefaultLeadStatuses(biz.id));
    owner = new Client(t.base);
    await owner.login(biz.users.owner.email);
    agent = new Client(t.base);
    await agent.login(biz.users.agent.email);
  });
  afterAll(async () => {
    await t.close();
  });

  it('sets hours with a break, closed dates, booking rules and reminders; refuses bad input field by field', async () => {
    const hours = await owner.request<BookingSettings>('PUT', '/business/hours', { '0': [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], '5': [{ start: '08:00', end: '12:00' }] });
    expect(hours.status).toBe(200);
    expect(hours.body.weeklyHours).toEqual({ '0': [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], '5': [{ start: '08:00', end: '12:00' }] });

    const overlapping = await owner.request<ErrorBody>('PUT', '/business/hours', { '1': [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '18:00' }] });
    expect(overlapping.status).toBe(400);
    expect(Object.keys(overlapping.body.error.fields ?? {})).toEqual(['1']);

    const closed = await owner.request<BookingSettings>('PUT', '/business/closed-dates', { closedDates: ['2031-04-02', '2031-04-01'] });
    expect(closed.body.closedDates).toEqual(['2031-04-01', '2031-04-02']);
    expect((await owner.request<ErrorBody>('PUT', '/business/closed-dates', { closedDates: ['2031-02-30'] })).status).toBe(400);

    const rules = await owner.request<BookingSettings>('PUT', '/business/booking-rules', { slotLengthMinutes: 45, slotIntervalMinutes: 15, minimumNoticeMinutes: 120, bookingWindowDays: 30, maxBookingsPerDay: 12 });
    expect(rules.status).toBe(200);
    expect(rules.body.bookingRules).toMatchObject({ slotLengthMinutes: 45, slotIntervalMinutes: 15, minimumNoticeMinutes: 120, bookingWindowDays: 30, maxBookingsPerDay: 12 });
    expect(rules.body.closedDates).toEqual(['2031-04-01', '2031-04-02']);
    const badRules = await owner.request<ErrorBody>('PUT', '/business/booking-rules', { slotLengthMinutes: 2, slotIntervalMinutes: 15, minimumNoticeMinutes: 0, bookingWindowDays: 30, maxBookingsPerDay: null });
    expect(badRules.status).toBe(400);
    expect(Object.keys(badRules.body.error.fields ?? {})).toEqual(['slotLengthMinutes']);

    const reminders = await owner.request<BookingSettings>('PUT', '/business/reminders', { reminderOffsetsMinutes: [60, 1440] });
    expect(reminders.body.reminderOffsetsMinutes).toEqual([1440, 60]);

    const read = await owner.request<BookingSettings>('GET', '/business/booking-settings');
    expect(read.body).toEqual(reminders.body);
    expect((await agent.request('PUT', '/business/hours', {})).status).toBe(403);
    const changes = await t.db.withSystemScope('test reads audit', () => AuditLog.count({ where: { businessId: biz.id, action: 'settings.change' } }));
    expect(changes).toBe(4);
  });

  it('lists, adds, renames, reorders and deletes lead statuses, moving the leads of a deleted one', async () => {
    const listed = await owner.request<{ statuses: Status[] }>('GET', '/lead-statuses');
    expect(listed.body.statuses.length).toBeGreaterThan(2);
    const added = await owner.request<{ status: Status }>('POST', '/lead-statuses', { labelHe: 'ממתין לחזרה', labelEn: 'Call back', color: '#0f766e' });
    expect(added.status).toBe(201);
    expect(added.body.status).toMatchObject({ key: 'call_back', position: listed.body.statuses.length, isDefault: false });

    const renamed = await owner.request<{ status: Status }>('PUT', '/lead-statuses/call_back', { labelHe: 'לחזור אליו', labelEn: 'Call back soon', color: '#0f766e' });
    expect(renamed.body.status).toMatchObject({ key: 'call_back', labelHe: 'לחזור אליו' });
    const moved = await owner.request<{ statuses: Status[] }>('POST', '/lead-statuses/call_back/move', { direction: 'up' });
    expect(moved.body.statuses.at(-2)?.key).toBe('call_back');

    const lead = await t.db.withTenant({ businessId: biz.id }, () => Lead.create({ businessId: biz.id, fullName: 'Waiting', source: 'crm', statusKey: 'call_back' }));
    const refused = await owner.request<ErrorBody>('DELETE', '/lead-statuses/call_back?moveLeadsTo=call_back');
    expect(refused.status).toBe(400);
    const missingTarget = await owner.request<ErrorBody>('DELETE', '/lead-statuses/call_back');
    expect(missingTarget.status).toBe(400);
    expect(Object.keys(missingTarget.body.error.fields ?? {})).toEqual(['moveLeadsTo']);
    const deleted = await owner.request<{ movedLeads: number }>('DELETE', '/lead-statuses/call_back?moveLeadsTo=new');
    expect(deleted.body.movedLeads).toBe(1);
    expect((await t.db.withTenant({ businessId: biz.id }, () => Lead.findByPk(lead.id)))?.statusKey).toBe('new');
    expect((await owner.request<ErrorBody>('DELETE', '/lead-statuses/new?moveLeadsTo=contacted')).body.error.code).toBe('default_status');
    expect((await owner.request('PUT', '/lead-statuses/no_such_status', { labelHe: 'א', labelEn: 'A', color: '#000000' })).status).toBe(404);
  });

  it('imports leads from CSV with guessed or given columns, deduped by phone, and reports each skipped row', async () => {
    await t.db.withTenant({ businessId: biz.id }, () => Lead.create({ businessId: biz.id, fullName: 'Already here', source: 'crm', phoneE164: '+972501110000' }));
    const csv = ['טלפון,שם מלא,הערות', '050-111-0000,כבר קיים,עדכון', '052-222-3333,"לוי, אבי",חדש', '052-222-3333,אבי שוב,', '12,טלפון שגוי,'].join('\r\n');
    const guessed = await owner.request<{ created: number; updated: number; skipped: Array<{ row: number; reason: string }>; mapping: Record<string, number | null> }>('POST', '/leads/import', { csv });
    expect(guessed.status).toBe(200);
    expect(guessed.body).toMatchObject({ created: 1, updated: 1, skipped: [{ row: 4, reason: 'duplicate_in_file' }, { row: 5, reason: 'invalid_phone' }] });
    expect(guessed.body.mapping).toMatchObject({ fullName: 1, phone: 0 });

    const given = await owner.request<{ created: number }>('POST', '/leads/import', { csv: 'a,b\r\n053-444-5555,Given Columns', mapping: { fullName: 1, phone: 0 } });
    expect(given.body.created).toBe(1);
    const unmapped = await owner.request<ErrorBody>('POST', '/leads/import', { csv: 'x,y\r\n1,2' });
    expect(unmapped.status).toBe(400);
    expect(unmapped.body.error.code).toBe('mapping_required');
    expect((await owner.request<ErrorBody>('POST', '/leads/import', { csv: '' })).status).toBe(400);
    const names = await t.db.withTenant({ businessId: biz.id }, async () => (await Lead.findAll({ order: [['fullName', 'ASC']] })).map((l) => l.fullName));
    expect(names).toEqual(expect.arrayContaining(['Given Columns', 'לוי, אבי']));
  });
});
