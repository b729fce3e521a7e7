import fs from 'node:fs';
import path from 'node:path';
import { temporal as temporalProto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { Appointment, Business, Lead, Notification, PhoneNumber, Task, type Database } from '../../data';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { bookAppointment, cancelAppointment, cancelCrmReminder, captureLead, rescheduleAppointment, setCrmReminder } from '../../orchestration';
import { LogMessageProvider, TwilioSmsProvider } from '../../platform/messaging';
import type { BookingRequest } from '../../activities';
import { type leadCapture, type BookingView, type CrmReminderView, type LeadCaptureView } from '../../workflows';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { expectHistoriesReplay, startTestWorker, workflowBundle, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';

const ZONE = 'Asia/Jerusalem';
const BUSINESS_NUMBER = '+97233000777';

describe('booking, lead capture and reminders on a real Temporal server and PostgreSQL', () => {
  let db: Database;
  let twilio: FakeTwilioRest;
  let temporal: TestWorker;
  let businessId: string;
  let phoneCounter = 0;
  const finishedWorkflowIds: string[] = [];

  const slot = (daysAhead: number, hour: number, minute = 0) =>
    DateTime.now().setZone(ZONE).plus({ days: daysAhead }).set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toISO()!;
  const newPhone = () => `+9725077${String(10_000 + phoneCounter++).padStart(5, '0')}`;
  const request = (overrides: Partial<BookingRequest> = {}): BookingRequest => ({
    businessId,
    idempotencyKey: `key-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    customer: { fullName: 'דנה כהן', phone: newPhone() },
    startsAt: slot(2, 10),
    source: 'api',
    ...overrides,
  });

  beforeAll(async () => {
    db = openAppDatabase(10);
    twilio = new FakeTwilioRest('ACtest', 'secret-token');
    const apiBaseUrl = await twilio.start();
    businessId = await createBusiness(db, 'Booking clinic');
    const open = [{ start: '09:00', end: '18:00' }];
    await db.withSystemScope('test fixture: business rules', async () => {
      await Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 60 },
        },
        { where: { id: businessId } },
      );
      await PhoneNumber.create({ businessId, e164: BUSINESS_NUMBER });
    });
    temporal = await startTestWorker(db, new TwilioSmsProvider({ accountSid: 'ACtest', authToken: 'secret-token', apiBaseUrl }), 'booking');
  }, 120_000);

  afterAll(async () => {
    await temporal?.stop();
    await twilio?.stop();
    await db?.close();
  });

  it('holds the slot, answers early, confirms, notifies once and sends reminders at their times', async () => {
    const booking = request({ startsAt: slot(2, 11) });
    const start = Date.parse(booking.startsAt);
    const now = Date.now();
    const outcome = await bookAppointment(temporal.client, {
      taskQueue: temporal.taskQueue,
      request: booking,
      // Far enough out that the confirmation (after the answer) is done before the first is planned, on a loaded machine too.
      reminderOffsetsMs: [start - (now + 8_000), start - (now + 12_000)],
    });
    expect(outcome.kind).toBe('held');
    if (outcome.kind !== 'held') return;
    expect(outcome.appointment.startsAt).toBe(new Date(start).toISOString());

    const phone = booking.customer.phone;
    const messages = await waitFor(() => twilio.sentTo(phone), (sent) => sent.length >= 3, 45_000);
    expect(messages.map((m) => m.from)).toEqual([BUSINESS_NUMBER, BUSINESS_NUMBER, BUSINESS_NUMBER]);
    expect(messages[0]!.body).toContain('נקבע');
    expect(messages.slice(1).every((m) => m.body.startsWith('תזכורת'))).toBe(true);

    const stored = await db.withTenant({ businessId }, () => Appointment.findByPk(outcome.appointment.appointmentId));
    expect(stored?.status).toBe('confirmed');
    const ownerAlerts = await db.withTenant({ businessId }, () => Notification.count({ where: { kind: 'owner_new_appointment', appointmentId: outcome.appointment.appointmentId } }));
    expect(ownerAlerts).toBe(1);

    const description = await temporal.client.workflow.getHandle(outcome.workflowId).describe();
    expect(description.searchAttributes.AppointmentId).toEqual([outcome.appointment.appointmentId]);
    expect(description.searchAttributes.BusinessId).toEqual([businessId]);

    const cancelled = await cancelAppointment(temporal.client, outcome.workflowId);
    expect(cancelled.status).toBe('cancelled');
    const result = await temporal.client.workflow.getHandle(outcome.workflowId).result();
    expect((result as BookingView).remindersSent).toHaveLength(2);
    await waitFor(() => twilio.sentTo(phone), (sent) => sent.length >= 4);
    expect(twilio.sentTo(phone)).toHaveLength(4);
    expect(twilio.sentTo(phone)[3]!.body).toContain('בוטל');
    finishedWorkflowIds.push(outcome.workflowId);
  }, 90_000);

  it('books once when the same request is retried many times at once', async () => {
    const booking = request({ startsAt: slot(3, 9, 30) });
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: booking })));
    const ids = new Set(outcomes.map((o) => (o.kind === 'held' ? o.appointment.appointmentId : o.kind)));
    expect([...ids]).toHaveLength(1);
    expect(outcomes[0]!.kind).toBe('held');
    expect(await db.withTenant({ businessId }, () => Appointment.count({ where: { idempotencyKey: booking.idempotencyKey } }))).toBe(1);
    await waitFor(() => twilio.sentTo(booking.customer.phone), (sent) => sent.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(twilio.sentTo(booking.customer.phone)).toHaveLength(1);
    await cancelAppointment(temporal.client, outcomes[0]!.workflowId);
  });

  it('lets exactly one of many different requests for the same slot win, and offers the rest alternatives', async () => {
    const startsAt = slot(4, 14);
    const outcomes = await Promise.all(
      Array.from({ length: 15 }, () => bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: request({ startsAt }) })),
    );
    const held = outcomes.filter((o) => o.kind === 'held');
    const refused = outcomes.filter((o) => o.kind === 'unavailable');
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(14);
    for (const outcome of refused) {
      if (outcome.kind !== 'unavailable') continue;
      expect(outcome.refusal.reason).toBe('taken');
      expect(outcome.refusal.alternatives.length).toBeGreaterThan(0);
      expect(outcome.refusal.alternatives.map((a) => a.startsAt)).not.toContain(startsAt);
    }
    const overlapping = await db.withTenant({ businessId }, () => Appointment.count({ where: { startsAt: new Date(startsAt), status: ['held', 'confirmed'] } }));
    expect(overlapping).toBe(1);
    await cancelAppointment(temporal.client, held[0]!.workflowId);
  });

  it('moves the reminders on reschedule and stops them on cancel', async () => {
    const booking = request({ startsAt: slot(5, 10) });
    const start = Date.parse(booking.startsAt);
    const outcome = await bookAppointment(temporal.client, {
      taskQueue: temporal.taskQueue,
      request: booking,
      reminderOffsetsMs: [start - (Date.now() + 4_000)],
    });
    expect(outcome.kind).toBe('held');
    const moved = await rescheduleAppointment(temporal.client, outcome.workflowId, { startsAt: slot(5, 12) });
    expect(moved.startsAt).toBe(new Date(slot(5, 12)).toISOString());
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const bodies = twilio.sentTo(booking.customer.phone).map((m) => m.body);
    expect(bodies.filter((b) => b.startsWith('תזכורת'))).toHaveLength(0);
    expect(bodies.filter((b) => b.includes('הועבר'))).toHaveLength(1);
    const stored = await db.withTenant({ businessId }, () => Appointment.findOne({ where: { idempotencyKey: booking.idempotencyKey } }));
    expect(stored?.startsAt.toISOString()).toBe(new Date(slot(5, 12)).toISOString());
    await cancelAppointment(temporal.client, outcome.workflowId);
    await expect(rescheduleAppointment(temporal.client, outcome.workflowId, { startsAt: slot(5, 13) })).rejects.toThrow();
  });

  it('answers outside hours, a bad phone and a reused key with a clear refusal', async () => {
    const late = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: request({ startsAt: slot(2, 20) }) });
    expect(late.kind).toBe('unavailable');
    if (late.kind === 'unavailable') {
      expect(late.refusal.reason).toBe('outside_hours');
      expect(late.refusal.alternatives.length).toBeGreaterThan(0);
    }
    const badPhone = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: request({ customer: { fullName: 'x', phone: '12' } }) });
    expect(badPhone).toMatchObject({ kind: 'invalid', field: 'phone' });

    const first = request({ startsAt: slot(6, 15) });
    expect((await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: first })).kind).toBe('held');
    const reused = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: { ...first, startsAt: slot(6, 16) } });
    expect(reused.kind).toBe('idempotency_mismatch');
  });

  it('sends a confirmation once even when the provider\'s answer is lost after it sent', async () => {
    const booking = request({ startsAt: slot(7, 9) });
    twilio.dropAnswerAfterSending(booking.customer.phone);
    const outcome = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: booking });
    expect(outcome.kind).toBe('held');
    const notification = await waitFor(
      () => db.withTenant({ businessId }, () => Notification.findOne({ where: { idempotencyKey: `${outcome.workflowId}/confirmed` } })),
      (row) => row?.status === 'sent',
    );
    expect(notification?.status).toBe('sent');
    expect(twilio.droppedAnswers.map((m) => m.to)).toContain(booking.customer.phone);
    expect(notification?.providerMessageId).toBe(twilio.sentTo(booking.customer.phone)[0]!.sid);
    expect(twilio.sentTo(booking.customer.phone)).toHaveLength(1);
  });

  it('captures a lead once per phone, merges new details, and leaves a follow-up task when no appointment follows', async () => {
    const phone = newPhone();
    const details = { businessId, fullName: ' יוסי  לוי ', phone: phone.replace('+972', '0'), source: 'call' as const, need: 'תספורת' };
    const { workflowId } = await captureLead(temporal.client, { taskQueue: temporal.taskQueue, details, followUpAfterMs: 2_500 });
    await captureLead(temporal.client, { taskQueue: temporal.taskQueue, details: { ...details, need: 'צבע' }, followUpAfterMs: 2_500 });
    const view = (await temporal.client.workflow.getHandle<typeof leadCapture>(workflowId).result()) as LeadCaptureView;
    expect(view.created).toBe(true);
    expect(view.followUpTaskId).not.toBeNull();
    const task = await db.withTenant({ businessId }, () => Task.findByPk(view.followUpTaskId!));
    expect(task?.leadId).toBe(view.leadId);
    const lead = await db.withTenant({ businessId }, () => Lead.findByPk(view.leadId!));
    expect(lead?.fullName).toBe('יוסי לוי');
    expect(lead?.phoneE164).toBe(phone);
    expect(lead?.need).toBe('תספורת; צבע');
    finishedWorkflowIds.push(workflowId);
  });

  it('creates no follow-up task for a lead who books', async () => {
    const phone = newPhone();
    const { workflowId } = await captureLead(temporal.client, {
      taskQueue: temporal.taskQueue,
      details: { businessId, fullName: 'מיכל', phone, source: 'whatsapp' },
      followUpAfterMs: 60_000,
    });
    const outcome = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: request({ startsAt: slot(8, 10), customer: { fullName: 'מיכל', phone } }) });
    expect(outcome.kind).toBe('held');
    const view = (await temporal.client.workflow.getHandle(workflowId).result()) as LeadCaptureView;
    expect(view).toMatchObject({ booked: true, followUpTaskId: null });
    await cancelAppointment(temporal.client, outcome.workflowId);
    finishedWorkflowIds.push(outcome.workflowId);
  });

  it('replays the recorded histories deterministically', async () => {
    await expectHistoriesReplay(temporal.client, finishedWorkflowIds);
  });

  it('replays a booking recorded before the confirmation moved after the answer', async () => {
    // Recorded with the confirmation as a local activity inside the hold's workflow task (booked,
    // confirmed, notified, then cancelled); stored in the SDK's wire format.
    const recorded = temporalProto.api.history.v1.History.decode(fs.readFileSync(path.join(__dirname, '../fixtures/histories/booking-confirm-as-local-activity.history.pb')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, recorded, 'booking/1d5e6d4c-cc08-4d83-a14e-92a0b66fdad2/recorded-history-0001'),
    ).resolves.toBeUndefined();
  });
});

describe('CRM reminders on a real Temporal server', () => {
  let db: Database;
  let temporal: TestWorker;
  let businessId: string;
  const finishedReminders: string[] = [];

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'Reminder business');
    temporal = await startTestWorker(db, new LogMessageProvider(testLogger), 'reminders');
  }, 120_000);
  afterAll(async () => {
    await temporal?.stop();
    await db?.close();
  });

  const reminders = (leadId: string) => db.withTenant({ businessId }, () => Notification.findAll({ where: { kind: 'crm_reminder', leadId } }));

  it('fires at its time, moves when set again, and stays silent once cancelled', async () => {
    const lead = await db.withTenant({ businessId }, () => Lead.create({ businessId, fullName: 'Reminded Rina', source: 'crm' }));
    const target = { type: 'lead' as const, id: lead.id };
    const { workflowId } = await setCrmReminder(temporal.client, temporal.taskQueue, { businessId, target, remindAt: new Date(Date.now() + 60_000).toISOString(), title: 'Call Rina back' });
    await setCrmReminder(temporal.client, temporal.taskQueue, { businessId, target, remindAt: new Date(Date.now() + 2_000).toISOString(), title: 'Call Rina back' });
    const view = (await temporal.client.workflow.getHandle(workflowId).result()) as CrmReminderView;
    expect(view.status).toBe('sent');
    const sent = await reminders(lead.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toContain('Call Rina back');

    const other = await db.withTenant({ businessId }, () => Lead.create({ businessId, fullName: 'Cancelled Carmel', source: 'crm' }));
    const second = await setCrmReminder(temporal.client, temporal.taskQueue, { businessId, target: { type: 'lead', id: other.id }, remindAt: new Date(Date.now() + 2_000).toISOString(), title: 'x' });
    expect(await cancelCrmReminder(temporal.client, businessId, { type: 'lead', id: other.id })).toBe(true);
    expect(((await temporal.client.workflow.getHandle(second.workflowId).result()) as CrmReminderView).status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await reminders(other.id)).toHaveLength(0);
    finishedReminders.push(workflowId, second.workflowId);
  });

  it('replays the recorded reminder histories deterministically', async () => {
    expect(finishedReminders).toHaveLength(2);
    await expectHistoriesReplay(temporal.client, finishedReminders);
  });
});
