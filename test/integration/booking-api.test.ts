import { DateTime } from 'luxon';
import { Appointment, Business, Lead, Notification, PhoneNumber } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { TwilioSmsProvider } from '../../platform/messaging';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';

const ZONE = 'Asia/Jerusalem';

interface AppointmentBody {
  appointment: { id: string; startsAt: string; status: string; workflowUrl: string | null; customerName: string; customerPhone: string };
}
interface RefusalBody {
  reason: string;
  alternatives: Array<{ startsAt: string }>;
  error: { code: string; messages: { he: string; en: string } };
}

describe('appointments and leads API (session and API key, real Temporal and PostgreSQL)', () => {
  let t: TestApi;
  let twilio: FakeTwilioRest;
  let biz: TestBusiness;
  let owner: Client;
  let integrator: Client;
  let phoneCounter = 0;

  const slot = (daysAhead: number, hour: number, minute = 0) =>
    DateTime.now().setZone(ZONE).plus({ days: daysAhead }).set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toISO({ suppressMilliseconds: true })!;
  const phone = () => `05088${String(10_000 + phoneCounter++).padStart(5, '0')}`;
  const book = (client: Client, body: Record<string, unknown>, key?: string) =>
    client.request<AppointmentBody & RefusalBody>('POST', '/appointments', body, key ? { 'idempotency-key': key } : {});

  beforeAll(async () => {
    twilio = new FakeTwilioRest('ACapi', 'api-token');
    const apiBaseUrl = await twilio.start();
    t = await startTestApi({ messages: new TwilioSmsProvider({ accountSid: 'ACapi', authToken: 'api-token', apiBaseUrl }) });
    biz = await createTestBusiness(t.db, 'API clinic');
    const open = [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }];
    await t.db.withSystemScope('test fixture: business rules', async () => {
      await Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 60, bookingWindowDays: 30 },
        },
        { where: { id: biz.id } },
      );
      await PhoneNumber.create({ businessId: biz.id, e164: '+97233000555' });
      await createDefaultLeadStatuses(biz.id);
    });
    owner = new Client(t.base);
    await owner.login(biz.users.owner.email);
    const key = await owner.request<{ key: string }>('POST', '/api-keys', { name: 'integrator', scopes: ['read', 'write'] });
    integrator = new Client(t.base);
    integrator.bearer = key.body.key;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
  });

  it('books with an API key and answers 201 with the appointment and its workflow history link', async () => {
    const response = await book(integrator, { name: 'דנה כהן', phone: phone(), start: slot(2, 10) }, 'api-booking-0001');
    expect(response.status).toBe(201);
    expect(response.body.appointment).toMatchObject({ status: expect.stringMatching(/held|confirmed/), customerName: 'דנה כהן' });
    expect(response.body.appointment.workflowUrl).toBe(`http://temporal-ui.test/namespaces/prosaas/workflows/${encodeURIComponent(`booking/${biz.id}/api-booking-0001`)}`);
  });

  it('books exactly one of 50 simultaneous requests for the same slot; the rest get 409 with alternatives', async () => {
    const start = slot(3, 11);
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => book(integrator, { name: `Caller ${i}`, phone: phone(), start }, `same-slot-${i}-${Date.now()}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body.reason).toBe('taken');
      expect(refused.body.alternatives.length).toBeGreaterThan(0);
      expect(refused.body.alternatives.every((a) => a.startsAt !== new Date(start).toISOString())).toBe(true);
      expect(refused.body.error.messages.he).toBe('השעה תפוסה');
    }
    const held = await t.db.withTenant({ businessId: biz.id }, () => Appointment.count({ where: { startsAt: new Date(start), status: ['held', 'confirmed'] } }));
    expect(held).toBe(1);
  });

  it('books once when the same request is retried 50 times at once', async () => {
    const body = { name: 'Retry Ronen', phone: phone(), start: slot(4, 15, 30) };
    const responses = await Promise.all(Array.from({ length: 50 }, () => book(integrator, body, 'retried-key-0001')));
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(new Set(responses.map((r) => r.body.appointment.id)).size).toBe(1);
    expect(await t.db.withTenant({ businessId: biz.id }, () => Appointment.count({ where: { idempotencyKey: 'retried-key-0001' } }))).toBe(1);
  });

  it('answers 422 with the reason for a time outside the rules, and 400 for missing key or bad phone', async () => {
    const lunch = await book(owner, { name: 'x', phone: phone(), start: slot(5, 13, 30) }, 'outside-hours-01');
    expect(lunch.status).toBe(422);
    expect(lunch.body.reason).toBe('outside_hours');
    const tooSoon = await book(owner, { name: 'x', phone: phone(), start: DateTime.now().plus({ minutes: 10 }).toUTC().toISO()! }, 'too-soon-000001');
    expect(tooSoon.status).toBe(422);
    const noKey = await book(owner, { name: 'x', phone: phone(), start: slot(5, 10) });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.code).toBe('idempotency_key_required');
    const badPhone = await book(owner, { name: 'x', phone: '12-34', start: slot(5, 10) }, 'bad-phone-000001');
    expect(badPhone.status).toBe(400);
  });

  it('lists free slots that exclude booked ones and the lunch break', async () => {
    const from = DateTime.fromISO(slot(2, 0)).toUTC().toISO()!;
    const to = DateTime.fromISO(slot(3, 0)).toUTC().toISO()!;
    const response = await owner.request<{ slots: Array<{ startsAt: string }>; timeZone: string }>('GET', `/availability?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(response.status).toBe(200);
    const local = response.body.slots.map((s) => DateTime.fromISO(s.startsAt).setZone(ZONE).toFormat('HH:mm'));
    expect(local).not.toContain('10:00');
    expect(local).not.toContain('13:00');
    expect(local).toContain('09:00');
    expect(local).toContain('14:00');
  });

  it('reschedules and cancels through the workflow, and the database follows', async () => {
    const created = await book(owner, { name: 'Moving Maya', phone: phone(), start: slot(6, 9) }, 'move-me-00000001');
    expect(created.status).toBe(201);
    const id = created.body.appointment.id;
    const moved = await owner.request<AppointmentBody>('POST', `/appointments/${id}/reschedule`, { start: slot(6, 16) });
    expect(moved.status).toBe(200);
    expect(moved.body.appointment.startsAt).toBe(new Date(slot(6, 16)).toISOString());
    const clash = await book(owner, { name: 'Clash', phone: phone(), start: slot(6, 12) }, 'clash-000000001');
    expect(clash.status).toBe(201);
    const onto = await owner.request<RefusalBody>('POST', `/appointments/${id}/reschedule`, { start: slot(6, 12) });
    expect(onto.status).toBe(409);
    const cancelled = await owner.request<AppointmentBody>('POST', `/appointments/${id}/cancel`);
    expect(cancelled.body.appointment.status).toBe('cancelled');
    const listed = await owner.request<{ appointments: Array<{ id: string; status: string }> }>(
      'GET',
      `/appointments?from=${encodeURIComponent(DateTime.fromISO(slot(6, 0)).toUTC().toISO()!)}&to=${encodeURIComponent(DateTime.fromISO(slot(7, 0)).toUTC().toISO()!)}`,
    );
    expect(listed.body.appointments.find((a) => a.id === id)?.status).toBe('cancelled');
  });

  it('creates a lead, merges the same phone instead of duplicating it, edits and deletes it', async () => {
    const first = await integrator.request<{ lead: { id: string; phone: string; need: string | null }; created: boolean }>('POST', '/leads', { fullName: 'Lior  Ben-David', phone: '052-333-4444', need: 'haircut' });
    expect(first.status).toBe(201);
    expect(first.body.lead.phone).toBe('+972523334444');
    const again = await owner.request<{ lead: { id: string; need: string | null }; created: boolean }>('POST', '/leads', { fullName: 'Lior Ben David', phone: '+972 52 333 4444', need: 'color' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, lead: { id: first.body.lead.id, need: 'haircut; color' } });
    const found = await owner.request<{ leads: Array<{ id: string }>; total: number }>('GET', '/leads?search=3334444');
    expect(found.body.leads.map((l) => l.id)).toContain(first.body.lead.id);
    const byName = await owner.request<{ leads: Array<{ id: string }>; total: number; nextCursor: string | null; previousCursor: string | null }>('GET', '/leads?search=LIOR&limit=1');
    expect(byName.body).toMatchObject({ leads: [{ id: first.body.lead.id }], total: 1, nextCursor: null, previousCursor: null });
    const badCursor = await owner.request<{ error: { fields: Record<string, string[]> } }>('GET', '/leads?cursor=not-a-cursor');
    expect(badCursor.status).toBe(400);
    expect(Object.keys(badCursor.body.error.fields)).toEqual(['cursor']);
    const edited = await owner.request<{ lead: { statusKey: string } }>('PATCH', `/leads/${first.body.lead.id}`, { statusKey: 'new', tags: ['vip'] });
    expect(edited.status).toBe(200);
    const unknownStatus = await owner.request('PATCH', `/leads/${first.body.lead.id}`, { statusKey: 'no_such_status' });
    expect(unknownStatus.status).toBe(400);
    expect((await owner.request('DELETE', `/leads/${first.body.lead.id}`)).status).toBe(204);
    expect((await owner.request('GET', `/leads/${first.body.lead.id}`)).status).toBe(404);
    expect(await t.db.withTenant({ businessId: biz.id }, () => Lead.count({ where: { phoneE164: '+972523334444' } }))).toBe(0);
  });

  it('reminds about an open task at its due time, and not about one marked done', async () => {
    const remindersFor = (title: string) =>
      t.db.withTenant({ businessId: biz.id }, async () => (await Notification.findAll({ where: { kind: 'crm_reminder' } })).filter((n) => n.body.includes(title)));
    const due = await owner.request<{ task: { id: string; reminderWorkflowUrl: string | null } }>('POST', '/tasks', { title: 'Call the supplier', dueAt: new Date(Date.now() + 2_000).toISOString() });
    expect(due.status).toBe(201);
    expect(due.body.task.reminderWorkflowUrl).toContain(encodeURIComponent(`reminder/${biz.id}/task/${due.body.task.id}`));
    const done = await owner.request<{ task: { id: string } }>('POST', '/tasks', { title: 'Order towels', dueAt: new Date(Date.now() + 2_000).toISOString() });
    expect((await owner.request('PATCH', `/tasks/${done.body.task.id}`, { status: 'done' })).status).toBe(200);
    const deadline = Date.now() + 20_000;
    while ((await remindersFor('Call the supplier')).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await remindersFor('Call the supplier')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await remindersFor('Order towels')).toHaveLength(0);
    const open = await owner.request<{ tasks: Array<{ id: string }> }>('GET', '/tasks?status=open');
    expect(open.body.tasks.map((task) => task.id)).toContain(due.body.task.id);
    expect(open.body.tasks.map((task) => task.id)).not.toContain(done.body.task.id);
    expect((await owner.request('DELETE', `/tasks/${due.body.task.id}`)).status).toBe(204);
  });
});
