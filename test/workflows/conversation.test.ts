import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createActivities } from '../../activities';
import { Appointment, Business, FaqEntry, Lead, Message, Notification, PhoneNumber, WhatsappConnection, type Database } from '../../data';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { conversationQuery } from '../../workflows';
import { TemporalAssistantTools } from '../../realtime/temporal-tools';
import { workflowIds } from '../../temporal-config';
import { LogMessageProvider, TwilioWhatsappSender } from '../../platform/messaging';
import { conversationWorkflowId, deliverInboundMessage, sendHumanMessage, setConversationOwner, type ConversationTarget } from '../../orchestration';
import { storeInbound } from '../../whatsapp/message-store';
import { createTestBusiness } from '../support/accounts';
import { openAppDatabase, testEnv, testLogger } from '../support/infra';
import { workflowBundle } from '../support/temporal';
import { waitFor } from '../support/wait';

const ZONE = 'Asia/Jerusalem';
const BUSINESS_NUMBER = '+97233004455';
const ACCOUNT_SID = 'ACwhatsapp0000000000000000000000';
const AUTH_TOKEN = 'whatsapp-test-token';

describe('conversation workflow', () => {
  let db: Database;
  let twilio: FakeTwilioRest;
  let client: Client;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;
  let businessId: string;
  let agentId: string;
  let counter = 0;

  beforeAll(async () => {
    db = openAppDatabase(6);
    const business = await createTestBusiness(db, 'מספרת רותי');
    businessId = business.id;
    agentId = business.users.agent.id;
    const open = [{ start: '00:00', end: '23:59' }];
    await db.withSystemScope('test fixture: business rules', () =>
      Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 60 },
        },
        { where: { id: businessId } },
      ),
    );
    await db.withTenant({ businessId }, async () => {
      await PhoneNumber.create({ businessId, e164: BUSINESS_NUMBER, channels: ['voice', 'sms', 'whatsapp'] });
      await WhatsappConnection.create({ businessId, provider: 'twilio', status: 'open', outboundPerMinute: 1000 });
    });
    twilio = new FakeTwilioRest(ACCOUNT_SID, AUTH_TOKEN);
    const apiBaseUrl = await twilio.start();

    Runtime.install({ logger: new DefaultLogger('WARN') });
    const address = testEnv('TEST_TEMPORAL_ADDRESS');
    const namespace = testEnv('TEST_TEMPORAL_NAMESPACE');
    taskQueue = `conversation-${process.pid}-${Date.now()}`;
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace });
    nativeConnection = await NativeConnection.connect({ address });
    worker = await Worker.create({
      connection: nativeConnection,
      namespace,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({
        db,
        logger: testLogger,
        messages: new LogMessageProvider(testLogger),
        temporal: { client, taskQueue, leadFollowUpAfterMs: 3600_000 },
        whatsappSenders: { twilio: new TwilioWhatsappSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl }) },
      }),
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await nativeConnection?.close();
    await twilio?.stop();
    await db?.close();
  });

  /** Stores a customer's message the way the whatsapp service does, then signals it (signal-with-start). */
  async function customerSays(contactE164: string, text: string, tuning?: ConversationTarget['tuning']): Promise<{ messageId: string; target: ConversationTarget }> {
    const [stored] = await storeInbound(db, businessId, 'twilio', [
      { providerMessageId: `SMin${process.pid}x${++counter}`, contactE164, contactName: null, body: text, mediaType: null, mediaSizeBytes: null, receivedAt: new Date(), payload: null },
    ]);
    const target: ConversationTarget = { taskQueue, businessId, conversationId: stored!.conversationId, contactE164, tuning };
    await deliverInboundMessage(client, target, { messageId: stored!.messageId, body: text, receivedAt: stored!.receivedAt });
    return { messageId: stored!.messageId, target };
  }

  const repliesTo = (contactE164: string) => twilio.sentTo(`whatsapp:${contactE164}`).map((m) => m.body);

  it('books an appointment in a Hebrew chat through the booking tools and answers on WhatsApp', async () => {
    const contact = '+972501112233';
    await customerSays(contact, 'שלום');
    expect((await waitFor(() => repliesTo(contact), (r) => r.length === 1))[0]).toContain('מספרת רותי');
    await customerSays(contact, 'אפשר לקבוע תור למחר בעשר?');
    expect((await waitFor(() => repliesTo(contact), (r) => r.length === 2))[1]).toContain('על איזה שם');
    await customerSays(contact, 'דנה כהן');
    // The assistant's answer, and the booking's confirmation in the same chat (WhatsApp is connected, so not by SMS).
    const replies = await waitFor(() => repliesTo(contact), (r) => r.length >= 4, 60_000);
    expect(replies).toHaveLength(4);
    expect(replies.filter((reply) => /^✅ קבעתי לך תור/.test(reply))).toHaveLength(1);
    expect(replies.filter((reply) => reply.includes('נקבע'))).toHaveLength(1);

    const tomorrowAtTen = DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const { appointments, lead } = await db.withTenant({ businessId }, async () => ({
      appointments: await Appointment.findAll(),
      lead: await Lead.findOne({ where: { phoneE164: contact } }),
    }));
    expect(appointments).toHaveLength(1);
    expect(appointments[0]!.startsAt.toISOString()).toBe(tomorrowAtTen.toUTC().toISO());
    expect(lead?.fullName).toBe('דנה כהן');
    // Booked in a WhatsApp chat: the lead and the appointment say so (not 'call').
    expect(lead?.source).toBe('whatsapp');
    expect(appointments[0]!.source).toBe('whatsapp');
    expect(twilio.sentTo(`whatsapp:${contact}`).every((m) => m.from === `whatsapp:${BUSINESS_NUMBER}`)).toBe(true);
    const outbound = await db.withTenant({ businessId }, () => Message.findAll({ where: { direction: 'outbound' } }));
    expect(outbound.filter((m) => m.status === 'sent')).toHaveLength(4);
    const confirmation = await db.withTenant({ businessId }, () => Notification.findOne({ where: { kind: 'appointment_confirmed', recipient: contact } }));
    expect(confirmation).toMatchObject({ channel: 'whatsapp', status: 'sent' });
  });

  it('answers a WhatsApp FAQ verbatim with the same matcher as the phone, from the WhatsApp FAQ only', async () => {
    await db.withTenant({ businessId }, async () => {
      await FaqEntry.create({ businessId, question: 'יש לכם חניה?', answer: 'כן, חניה חינם מאחורי הבניין.', channels: ['whatsapp'], position: 0 });
      await FaqEntry.create({ businessId, question: 'אפשר לשלם בביט?', answer: 'כן, בביט או במזומן.', channels: ['voice'], position: 1 });
    });
    const contact = '+972501112299';
    await customerSays(contact, 'שלום, יש לכם חניה ליד?');
    expect((await waitFor(() => repliesTo(contact), (r) => r.length === 1))[0]).toBe('כן, חניה חינם מאחורי הבניין.');
    // A phone-only entry is not this channel's: no verbatim answer.
    await customerSays(contact, 'אפשר לשלם בביט?');
    expect((await waitFor(() => repliesTo(contact), (r) => r.length === 2))[1]).not.toContain('בביט או במזומן');
  });

  it('stays silent while a person has taken over, sends their reply, and answers again after hand-back', async () => {
    const contact = '+972502223344';
    const { target } = await customerSays(contact, 'שלום');
    await waitFor(() => repliesTo(contact), (r) => r.length === 1);
    const view = await setConversationOwner(client, target, 'take_over', agentId);
    expect(view.takenOverByUserId).toBe(agentId);

    await customerSays(contact, 'אני רוצה לדבר עם בן אדם');
    const handle = client.workflow.getHandle(conversationWorkflowId(businessId, contact));
    await waitFor(() => handle.query(conversationQuery), (v) => v.handled === 2);
    await sendHumanMessage(client, target, { id: 'crm-1', userId: agentId, body: 'היי, כאן רותי. איך אפשר לעזור?' });
    // The same CRM request signalled twice sends once.
    await sendHumanMessage(client, target, { id: 'crm-1', userId: agentId, body: 'היי, כאן רותי. איך אפשר לעזור?' });
    const afterHuman = await waitFor(() => repliesTo(contact), (r) => r.length === 2);
    expect(afterHuman[1]).toBe('היי, כאן רותי. איך אפשר לעזור?');
    const state = await waitFor(() => handle.query(conversationQuery), (v) => v.humanMessagesSent === 1);
    expect(state).toMatchObject({ repliesSent: 1, humanMessagesSent: 1 });
    expect(repliesTo(contact)).toHaveLength(2);

    await setConversationOwner(client, target, 'hand_back', agentId);
    await customerSays(contact, 'מה שעות הפתיחה?');
    const final = await waitFor(() => repliesTo(contact), (r) => r.length === 3);
    expect(final).toHaveLength(3);
    const authored = await db.withTenant({ businessId }, () => Message.findOne({ where: { body: 'היי, כאן רותי. איך אפשר לעזור?' } }));
    expect(authored?.authorUserId).toBe(agentId);
  });

  it('continues as new when history grows, and dedupes a redelivered message across runs', async () => {
    const contact = '+972503334455';
    const tuning = { continueAsNewAfter: 2 };
    const first = await customerSays(contact, 'שלום', tuning);
    const handle = client.workflow.getHandle(conversationWorkflowId(businessId, contact));
    const firstRun = (await handle.describe()).runId;
    await waitFor(() => repliesTo(contact), (r) => r.length === 1);
    await customerSays(contact, 'היי שוב', tuning);
    await waitFor(() => repliesTo(contact), (r) => r.length === 2);
    const secondRun = await waitFor(async () => (await handle.describe()).runId, (runId) => runId !== firstRun);
    expect(secondRun).not.toBe(firstRun);
    // A redelivered signal of an already answered message is not answered again in the new run.
    await deliverInboundMessage(client, first.target, { messageId: first.messageId, body: 'שלום', receivedAt: new Date().toISOString() });
    await customerSays(contact, 'תודה', tuning);
    await waitFor(() => repliesTo(contact), (r) => r.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(repliesTo(contact)).toHaveLength(3);
  });

  it('ends when idle, but not while a person holds the conversation', async () => {
    const tuning = { idleTimeoutMs: 1_500 };
    const idle = await customerSays('+972505550001', 'שלום', tuning);
    await waitFor(() => repliesTo('+972505550001'), (r) => r.length === 1);
    const idleHandle = client.workflow.getHandle(conversationWorkflowId(businessId, '+972505550001'));
    expect(await waitFor(async () => (await idleHandle.describe()).status.name, (status) => status === 'COMPLETED')).toBe('COMPLETED');
    expect(idle.messageId).toBeDefined();

    const held = await customerSays('+972505550002', 'שלום', tuning);
    await waitFor(() => repliesTo('+972505550002'), (r) => r.length === 1);
    await setConversationOwner(client, held.target, 'take_over', agentId);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const heldHandle = client.workflow.getHandle(conversationWorkflowId(businessId, '+972505550002'));
    expect((await heldHandle.describe()).status.name).toBe('RUNNING');
    expect((await heldHandle.query(conversationQuery)).takenOverByUserId).toBe(agentId);
  });

  it('sends an outbound message once when the answer was lost after Twilio took it (crash between send and record)', async () => {
    const contact = '+972504445566';
    twilio.dropAnswerAfterSending(`whatsapp:${contact}`);
    const { target } = await customerSays(contact, 'שלום');
    await sendHumanMessage(client, target, { id: 'crm-drop', userId: agentId, body: 'הודעה חשובה' });
    const sent = await waitFor(
      () => db.withTenant({ businessId }, () => Message.findAll({ where: { direction: 'outbound', conversationId: target.conversationId } })),
      (rows) => rows.length === 2 && rows.every((row) => row.status === 'sent'),
      60_000,
    );
    expect(sent.every((row) => row.status === 'sent')).toBe(true);
    expect(twilio.droppedAnswers.filter((m) => m.to === `whatsapp:${contact}`)).toHaveLength(1);
    const bodies = repliesTo(contact);
    expect(bodies).toHaveLength(2);
    expect(new Set(bodies).size).toBe(2);
    expect(sent.find((row) => row.attempts >= 1 && row.providerMessageId === twilio.droppedAnswers[0]!.sid)).toBeDefined();
  });

  it('hands a chat to the business\'s people when the customer asks for a person (a CRM alert, no call transfer)', async () => {
    const contact = '+972506667788';
    const { target } = await customerSays(contact, 'שלום');
    await waitFor(() => repliesTo(contact), (r) => r.length === 1);
    const tools = new TemporalAssistantTools({ client, taskQueue, db, logger: testLogger, timeoutMs: 10_000, leadFollowUpAfterMs: 60_000 });
    const context = { businessId, callSid: `wa-${target.conversationId}`, channel: 'whatsapp' as const, conversationId: target.conversationId };
    const first = await tools.invoke('transfer_to_human', { reason: 'שאלה על חשבונית' }, context);
    expect(first.output).toMatchObject({ ok: true, transferred: false, handedToPerson: true });
    expect(String(first.output.instruction)).toContain('in this chat');
    // Asked again within the hour: still one alert.
    await tools.invoke('transfer_to_human', {}, context);
    const alerts = await db.withTenant({ businessId }, () => Notification.findAll({ where: { kind: 'owner_whatsapp_handoff' } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ channel: 'in_app', recipient: 'owner', status: 'sent' });
    expect(alerts[0]!.body).toContain(contact);
    expect(alerts[0]!.body).toContain('שאלה על חשבונית');
    await expect(client.workflow.getHandle(workflowIds.callTransfer(businessId, context.callSid)).describe()).rejects.toThrow();
  });
});
