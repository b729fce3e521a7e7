import { DateTime } from 'luxon';
import { Business, Message, Notification, PhoneNumber, WhatsappConnection, type Database } from '../../data';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { bookAppointment, cancelAppointment } from '../../orchestration';
import { TwilioSmsProvider, TwilioWhatsappSender } from '../../platform/messaging';
import type { BookingRequest } from '../../activities';
import { createBusiness, openAppDatabase } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';

const ZONE = 'Asia/Jerusalem';
const ACCOUNT_SID = 'ACbookingwhatsapp000000000000000';
const AUTH_TOKEN = 'booking-whatsapp-token';
const WHATSAPP_NUMBER = '+97233008811';
const SMS_ONLY_NUMBER = '+97233008822';

describe('appointment confirmations and reminders on WhatsApp, SMS as the fallback (real Temporal + PostgreSQL, Twilio REST fake)', () => {
  let db: Database;
  let twilio: FakeTwilioRest;
  let temporal: TestWorker;
  /** Twilio WhatsApp connected. */
  let whatsappBusiness: string;
  /** A Baileys session marked open, but no whatsapp process holds it (the process died): not connected. */
  let staleBaileysBusiness: string;
  let phoneCounter = 0;
  const workflowIds: string[] = [];

  const newPhone = () => `+9725088${String(10_000 + phoneCounter++).padStart(5, '0')}`;
  const slot = (daysAhead: number, hour: number) => DateTime.now().setZone(ZONE).plus({ days: daysAhead }).set({ hour, minute: 0, second: 0, millisecond: 0 }).toUTC().toISO()!;
  const request = (businessId: string, hour: number): BookingRequest => ({
    businessId,
    idempotencyKey: `wa-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    customer: { fullName: 'נועה לוי', phone: newPhone() },
    startsAt: slot(3, hour),
    source: 'api',
  });
  const notificationsOf = (businessId: string, appointmentId: string) =>
    db.withTenant({ businessId }, () => Notification.findAll({ where: { appointmentId }, order: [['createdAt', 'ASC']] }));

  async function book(booking: BookingRequest, reminderOffsetsMs: number[] = []) {
    const outcome = await bookAppointment(temporal.client, { taskQueue: temporal.taskQueue, request: booking, reminderOffsetsMs });
    if (outcome.kind !== 'held') throw new Error(`booking not held: ${outcome.kind}`);
    workflowIds.push(outcome.workflowId);
    return outcome;
  }

  beforeAll(async () => {
    db = openAppDatabase(6);
    twilio = new FakeTwilioRest(ACCOUNT_SID, AUTH_TOKEN);
    const apiBaseUrl = await twilio.start();
    whatsappBusiness = await createBusiness(db, 'מרפאת השיניים');
    staleBaileysBusiness = await createBusiness(db, 'סטודיו יוגה');
    const open = [{ start: '08:00', end: '20:00' }];
    await db.withSystemScope('test fixture: businesses with and without WhatsApp', async () => {
      await Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 60 },
        },
        { where: { id: [whatsappBusiness, staleBaileysBusiness] } },
      );
      await PhoneNumber.create({ businessId: whatsappBusiness, e164: WHATSAPP_NUMBER, channels: ['voice', 'sms', 'whatsapp'] });
      await WhatsappConnection.create({ businessId: whatsappBusiness, provider: 'twilio', wanted: true, status: 'open', outboundPerMinute: 1000 });
      await PhoneNumber.create({ businessId: staleBaileysBusiness, e164: SMS_ONLY_NUMBER, channels: ['voice', 'sms'] });
      await WhatsappConnection.create({ businessId: staleBaileysBusiness, provider: 'baileys', wanted: true, status: 'open' });
    });
    const rest = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl };
    temporal = await startTestWorker(db, new TwilioSmsProvider(rest), 'booking-whatsapp', { extra: { whatsappSenders: { twilio: new TwilioWhatsappSender(rest) } } });
  }, 120_000);

  afterAll(async () => {
    for (const workflowId of workflowIds) await temporal?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await temporal?.stop();
    await twilio?.stop();
    await db?.close();
  });

  it('sends the confirmation, the reminder and the cancellation on WhatsApp, each once, and nothing by SMS', async () => {
    const booking = request(whatsappBusiness, 10);
    const start = Date.parse(booking.startsAt);
    const outcome = await book(booking, [start - (Date.now() + 3_000)]);
    const phone = booking.customer.phone;

    const onWhatsapp = await waitFor(() => twilio.sentTo(`whatsapp:${phone}`), (sent) => sent.length >= 2, 60_000);
    expect(onWhatsapp.map((m) => m.from)).toEqual([`whatsapp:${WHATSAPP_NUMBER}`, `whatsapp:${WHATSAPP_NUMBER}`]);
    expect(onWhatsapp[0]!.body).toContain('נקבע');
    expect(onWhatsapp[1]!.body).toMatch(/^תזכורת/);

    await cancelAppointment(temporal.client, outcome.workflowId);
    const all = await waitFor(() => twilio.sentTo(`whatsapp:${phone}`), (sent) => sent.length >= 3, 60_000);
    expect(all).toHaveLength(3);
    expect(all[2]!.body).toContain('בוטל');
    expect(twilio.sentTo(phone)).toHaveLength(0);

    // One notification row per message, on WhatsApp, sent, with Twilio's sid; its copy is on the contact's conversation.
    const customerNotes = (await notificationsOf(whatsappBusiness, outcome.appointment.appointmentId)).filter((n) => n.recipient === phone);
    expect(customerNotes.map((n) => [n.kind, n.channel, n.status])).toEqual([
      ['appointment_confirmed', 'whatsapp', 'sent'],
      ['appointment_reminder', 'whatsapp', 'sent'],
      ['appointment_cancelled', 'whatsapp', 'sent'],
    ]);
    expect(customerNotes.map((n) => n.providerMessageId)).toEqual(all.map((m) => m.sid));
    const copies = await db.withTenant({ businessId: whatsappBusiness }, () => Message.findAll({ where: { direction: 'outbound', providerMessageId: all.map((m) => m.sid) } }));
    expect(copies).toHaveLength(3);
    expect(copies.every((copy) => copy.status === 'sent' && copy.idempotencyKey!.startsWith('notification/'))).toBe(true);
  });

  it('sends once on WhatsApp when Twilio took the message but its answer was lost (the retry finds it)', async () => {
    const booking = request(whatsappBusiness, 12);
    twilio.dropAnswerAfterSending(`whatsapp:${booking.customer.phone}`);
    const outcome = await book(booking);
    const [confirmation] = await waitFor(
      () => notificationsOf(whatsappBusiness, outcome.appointment.appointmentId).then((rows) => rows.filter((n) => n.kind === 'appointment_confirmed')),
      (rows) => rows[0]?.status === 'sent',
      60_000,
    );
    expect(confirmation).toMatchObject({ channel: 'whatsapp', status: 'sent', providerMessageId: twilio.droppedAnswers.at(-1)!.sid });
    expect(twilio.sentTo(`whatsapp:${booking.customer.phone}`)).toHaveLength(1);
    expect(twilio.sentTo(booking.customer.phone)).toHaveLength(0);
  });

  it('falls back to one SMS when WhatsApp refuses the number for good, and never sends that message on WhatsApp', async () => {
    const booking = request(whatsappBusiness, 14);
    twilio.refuseTo(`whatsapp:${booking.customer.phone}`);
    const outcome = await book(booking);
    const sms = await waitFor(() => twilio.sentTo(booking.customer.phone), (sent) => sent.length >= 1, 60_000);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ from: WHATSAPP_NUMBER });
    expect(sms[0]!.body).toContain('נקבע');
    expect(twilio.sentTo(`whatsapp:${booking.customer.phone}`)).toHaveLength(0);

    const [confirmation] = (await notificationsOf(whatsappBusiness, outcome.appointment.appointmentId)).filter((n) => n.kind === 'appointment_confirmed');
    expect(confirmation).toMatchObject({ channel: 'sms', status: 'sent', providerMessageId: sms[0]!.sid });
    expect(confirmation!.lastError).toContain('WhatsApp');
    const copy = await db.withTenant({ businessId: whatsappBusiness }, () => Message.findOne({ where: { idempotencyKey: `notification/${confirmation!.idempotencyKey}` } }));
    expect(copy).toMatchObject({ status: 'failed' });
    // Still exactly one message overall a while later (no late WhatsApp retry).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(twilio.sentTo(booking.customer.phone)).toHaveLength(1);
  });

  it('uses SMS when the business has no live WhatsApp session (status says open, no process holds the lease)', async () => {
    const booking = request(staleBaileysBusiness, 9);
    const outcome = await book(booking);
    const sms = await waitFor(() => twilio.sentTo(booking.customer.phone), (sent) => sent.length >= 1, 60_000);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ from: SMS_ONLY_NUMBER });
    const notes = await notificationsOf(staleBaileysBusiness, outcome.appointment.appointmentId);
    expect(notes.find((n) => n.kind === 'appointment_confirmed')).toMatchObject({ channel: 'sms', status: 'sent' });
    expect(await db.withTenant({ businessId: staleBaileysBusiness }, () => Message.count({ where: { direction: 'outbound' } }))).toBe(0);
  });
});
