import { DateTime } from 'luxon';
import { Appointment, Business, Call, Lead, Notification, type Database } from '../../data';
import { OpenAIRealtimeFake } from '../../devtools/fakes/openai-realtime-fake';
import { TwilioCallerFake } from '../../devtools/fakes/twilio-caller-fake';
import { loadConfig } from '../../platform/config';
import { LogMessageProvider } from '../../platform/messaging';
import { signStreamToken } from '../../platform/stream-token';
import { startRealtime, type StartedRealtime } from '../../realtime';
import { defaultProfile } from '../../realtime/assistant-profile';
import { mulawSilence, mulawTone } from '../../realtime/mulaw';
import { TemporalAssistantTools } from '../../realtime/temporal-tools';
import { WorkflowCallEvents } from '../../realtime/workflow-events';
import type { CallEvents } from '../../realtime/call-events';
import { workflowIds } from '../../temporal-config';
import type { CallSessionView } from '../../workflows';
import { createBusiness, openAppDatabase, testEnv, testLogger } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';

const ZONE = 'Asia/Jerusalem';
const AUTH_TOKEN = 'test-twilio-auth-token-booking';
const PUBLIC_REALTIME_URL = 'wss://calls.prosaas.test/media-stream';
const STREAM_SECRET = 'test-stream-token-secret-booking';
const CALLER_WORDS = 'שלום, קוראים לי דנה כהן, אני רוצה לקבוע תור למחר בעשר';
const SPOKEN_PHONE = 'אפס חמש אפס, שבע שבע שבע, אחת שתיים שלוש ארבע';

describe('a scripted Hebrew phone call books through Temporal', () => {
  let db: Database;
  let temporal: TestWorker;
  let fake: OpenAIRealtimeFake;
  let realtime: StartedRealtime;
  let businessId: string;

  beforeAll(async () => {
    db = openAppDatabase(5);
    businessId = await createBusiness(db, 'מספרת הדוגמה');
    const open = [{ start: '08:00', end: '20:00' }];
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
    temporal = await startTestWorker(db, new LogMessageProvider(testLogger), 'realtime-booking');
    fake = new OpenAIRealtimeFake({
      greetingMs: 400,
      replyMs: 400,
      callerTranscript: CALLER_WORDS,
      functionCallOnTurn: 1,
      functionCall: { name: 'book_appointment', arguments: { slotStart: 'מחר בעשר', name: 'דנה כהן', phone: SPOKEN_PHONE } },
    });
    await fake.start();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      REALTIME_PORT: '0',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_REALTIME_URL,
      STREAM_TOKEN_SECRET: STREAM_SECRET,
      OPENAI_REALTIME_URL: fake.url,
      OPENAI_API_KEY: 'sk-test',
      REALTIME_TEMPORAL: 'true',
      CALL_HEARTBEAT_TIMEOUT_SECONDS: '30',
    });
    // Only the Temporal client is injected: tools and the call-event sink are the service's own Temporal-backed ones.
    realtime = await startRealtime(config, {
      logger: testLogger,
      loadProfile: (id) => Promise.resolve(defaultProfile(id, 'מספרת הדוגמה')),
      temporal: { client: temporal.client, taskQueue: temporal.taskQueue },
    });
  }, 120_000);

  afterAll(async () => {
    await realtime?.close();
    await fake?.close();
    await temporal?.stop();
    await db?.close();
  });

  it('books "מחר בעשר" for the spoken phone, tells the model it is booked, confirms by message and keeps the transcript in the call workflow', async () => {
    const callSid = `CA${process.pid}booking${Date.now()}`;
    const caller = await TwilioCallerFake.connect({
      connectUrl: `ws://127.0.0.1:${realtime.port}/media-stream`,
      signedUrl: PUBLIC_REALTIME_URL,
      authToken: AUTH_TOKEN,
      callSid,
      customParameters: { businessId, callSid, token: signStreamToken({ businessId, callSid }, STREAM_SECRET, 60) },
    });
    caller.start();
    await caller.streamAudio(Buffer.concat([mulawSilence(600), mulawTone(600, 300, 6_000), mulawSilence(1_000)]));

    // The function output the model got back says booked, with the appointment it names.
    const session = fake.sessions.at(-1)!;
    const outputEvent = await waitFor(
      () => session.events.find((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'function_call_output'),
      (found) => found !== undefined,
    );
    expect(outputEvent).toBeDefined();
    const output = JSON.parse((outputEvent!.item as { output: string }).output) as Record<string, unknown>;
    expect(output).toMatchObject({ ok: true, booked: true, appointmentId: expect.any(String) });

    // The appointment exists: tomorrow 10:00 in the business's zone, for the phone said in words.
    const tomorrowAtTen = DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const appointment = await db.withTenant({ businessId }, () => Appointment.findByPk(output.appointmentId as string));
    expect(appointment!.startsAt.toISOString()).toBe(tomorrowAtTen.toUTC().toISO());
    expect(appointment!.source).toBe('call');
    const lead = await db.withTenant({ businessId }, () => Lead.findByPk(appointment!.leadId!));
    expect(lead).toMatchObject({ fullName: 'דנה כהן', phoneE164: '+972507771234' });

    // Confirmed and the confirmation message recorded.
    const confirmed = await waitFor(
      () => db.withTenant({ businessId }, () => Notification.findAll({ where: { appointmentId: appointment!.id, kind: 'appointment_confirmed' } })),
      (rows) => rows.length > 0,
    );
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.recipient).toBe('+972507771234');
    expect((await db.withTenant({ businessId }, () => Appointment.findByPk(appointment!.id)))!.status).toBe('confirmed');

    // Hang up: the call workflow has the transcript and the booking, and finalizes the call row.
    await waitFor(() => session.events.filter((e) => e.type === 'response.create').length, (n) => n >= 2, 5_000);
    // "Press 1 to confirm": the keypad entry reaches the call workflow as a signal.
    caller.sendDtmf('1');
    caller.sendDtmf('#');
    await waitFor(() => session.events.some((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'message'), (found) => found, 5_000);
    caller.stop();
    const handle = temporal.client.workflow.getHandle(workflowIds.call(businessId, callSid));
    const view = (await handle.result()) as CallSessionView;
    expect(view.transcript).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'caller', text: CALLER_WORDS })]));
    expect(view.toolCalls).toEqual([expect.objectContaining({ name: 'book_appointment', ok: true })]);
    expect(view.appointmentId).toBe(appointment!.id);
    expect(view.dtmf).toEqual(['1']);
    expect(view.ended?.reason).toBe('twilio_stop');
    const call = await db.withTenant({ businessId }, () => Call.findOne({ where: { callSid } }));
    expect(call).toMatchObject({ status: 'completed', outcome: 'booked', leadId: lead!.id });
    expect(call!.transcript.some((turn) => turn.text === CALLER_WORDS)).toBe(true);

    // The same request again in the same call books nothing new.
    const again = await new TemporalAssistantTools({ client: temporal.client, taskQueue: temporal.taskQueue, db, logger: testLogger, timeoutMs: 8_000, leadFollowUpAfterMs: 60_000 }).invoke(
      'book_appointment',
      { slotStart: 'מחר בעשר', name: 'דנה כהן', phone: '050-777-1234' },
      { businessId, callSid },
    );
    expect(again.output).toMatchObject({ booked: true, appointmentId: appointment!.id });
    expect(await db.withTenant({ businessId }, () => Appointment.count({ where: { leadId: lead!.id } }))).toBe(1);
  }, 90_000);

  it('keeps a quiet call alive by heartbeats, and finalizes the call record when the realtime process dies mid-call', async () => {
    const sink = new WorkflowCallEvents({ client: temporal.client, taskQueue: temporal.taskQueue, logger: testLogger, heartbeatTimeoutMs: 2_000 });
    let dead = false;
    // The process "dies": nothing more leaves it, not even the end of the call.
    const events: CallEvents = {
      onDtmf: (e) => dead || sink.onDtmf(e),
      onTranscript: (e) => dead || sink.onTranscript(e),
      onToolCall: (e) => dead || sink.onToolCall(e),
      onUsage: (e) => dead || sink.onUsage(e),
      onEnd: () => undefined,
    };
    const doomed = await startRealtime(
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: testEnv('TEST_DATABASE_URL'), REALTIME_PORT: '0', TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_REALTIME_URL, STREAM_TOKEN_SECRET: STREAM_SECRET, OPENAI_REALTIME_URL: fake.url, OPENAI_API_KEY: 'sk-test' }),
      { logger: testLogger, events, loadProfile: (id) => Promise.resolve(defaultProfile(id, 'מספרת הדוגמה')), temporal: { client: temporal.client, taskQueue: temporal.taskQueue } },
    );
    try {
      const callSid = `CA${process.pid}dies${Date.now()}`;
      const caller = await TwilioCallerFake.connect({
        connectUrl: `ws://127.0.0.1:${doomed.port}/media-stream`,
        signedUrl: PUBLIC_REALTIME_URL,
        authToken: AUTH_TOKEN,
        callSid,
        customParameters: { businessId, callSid, token: signStreamToken({ businessId, callSid }, STREAM_SECRET, 60) },
      });
      caller.start();
      const handle = temporal.client.workflow.getHandle(workflowIds.call(businessId, callSid));
      // The greeting's transcript starts the workflow; then the caller says nothing for longer than the timeout.
      await waitFor(() => handle.describe().then((d) => d.status.name, () => 'NONE'), (status) => status === 'RUNNING', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect((await handle.describe()).status.name).toBe('RUNNING');

      dead = true;
      sink.close();
      caller.close();
      const view = (await handle.result()) as CallSessionView;
      expect(view.ended?.reason).toBe('heartbeat_timeout');
      expect(view.transcript).toEqual([expect.objectContaining({ role: 'assistant' })]);
      const call = await db.withTenant({ businessId }, () => Call.findOne({ where: { callSid } }));
      expect(call).toMatchObject({ status: 'completed', outcome: 'abandoned' });
    } finally {
      await doomed.close();
    }
  }, 60_000);

  describe('the Temporal-backed tools', () => {
    const tools = (overrides: Partial<ConstructorParameters<typeof TemporalAssistantTools>[0]> = {}) =>
      new TemporalAssistantTools({ client: temporal.client, taskQueue: temporal.taskQueue, db, logger: testLogger, timeoutMs: 8_000, leadFollowUpAfterMs: 60_000, ...overrides });
    const context = () => ({ businessId, callSid: `CA${process.pid}tools${Date.now()}${Math.random().toString(36).slice(2, 8)}` });
    const inTwoDays = (hour: number) => DateTime.now().setZone(ZONE).plus({ days: 2 }).set({ hour, minute: 0, second: 0, millisecond: 0 });

    it('answers availability for Hebrew words from the database, the taken time left out', async () => {
      const day = inTwoDays(11);
      const taken = await tools().invoke('book_appointment', { slotStart: day.toUTC().toISO(), name: 'יוסי לוי', phone: '0521112233' }, context());
      expect(taken.output).toMatchObject({ booked: true });
      const answer = await tools().invoke('check_availability', { date: day.toFormat('yyyy-MM-dd'), time: 'באחת עשרה' }, context());
      expect(answer.output).toMatchObject({ ok: true, time: '11:00', requestedTimeFree: false });
      const starts = (answer.output.slots as Array<{ slotStart: string; time: string }>).map((slot) => slot.time);
      expect(starts).not.toContain('11:00');
      expect(starts).toEqual(expect.arrayContaining(['10:30', '11:30']));
    }, 30_000);

    it('never claims a booking when the time is taken: booked false with alternatives', async () => {
      const slot = inTwoDays(14).toUTC().toISO()!;
      expect((await tools().invoke('book_appointment', { slotStart: slot, name: 'רות', phone: '0523334455' }, context())).output).toMatchObject({ booked: true });
      const second = await tools().invoke('book_appointment', { slotStart: slot, name: 'אבי', phone: '0524445566' }, context());
      expect(second.output).toMatchObject({ ok: false, booked: false, error: 'slot_unavailable' });
      expect((second.output.alternatives as unknown[]).length).toBeGreaterThan(0);
      expect(second.output).not.toHaveProperty('appointmentId');
    }, 30_000);

    it('asks again instead of booking when the phone or time is not understood', async () => {
      expect((await tools().invoke('book_appointment', { slotStart: 'מחר בעשר', name: 'דני', phone: 'לא יודע' }, context())).output).toMatchObject({ booked: false, error: 'phone_not_understood' });
      expect((await tools().invoke('book_appointment', { slotStart: 'מתישהו', name: 'דני', phone: '0525556677' }, context())).output).toMatchObject({ booked: false, error: 'time_not_understood' });
    });

    it('moves and cancels the caller\'s next appointment found by phone', async () => {
      const booked = await tools().invoke('book_appointment', { slotStart: inTwoDays(16).toUTC().toISO(), name: 'מיכל', phone: '0526667788' }, context());
      expect(booked.output).toMatchObject({ booked: true });
      const moved = await tools().invoke('move_appointment', { phone: 'אפס חמש שתיים, שש שש שש, שבע שבע שמונה שמונה', newSlotStart: inTwoDays(17).toUTC().toISO() }, context());
      expect(moved.output).toMatchObject({ ok: true, moved: true, appointmentId: booked.output.appointmentId });
      expect((await db.withTenant({ businessId }, () => Appointment.findByPk(booked.output.appointmentId as string)))!.startsAt.toISOString()).toBe(inTwoDays(17).toUTC().toISO());
      const cancelled = await tools().invoke('cancel_appointment', { phone: '052-666-7788' }, context());
      expect(cancelled.output).toMatchObject({ ok: true, cancelled: true, appointmentId: booked.output.appointmentId });
      expect((await tools().invoke('cancel_appointment', { phone: '052-666-7788' }, context())).output).toMatchObject({ ok: false, error: 'no_appointment' });
    }, 30_000);

    it('saves a lead through lead capture', async () => {
      const saved = await tools().invoke('create_or_update_lead', { name: 'שרה כץ', phone: '0527778899', need: 'צביעה' }, context());
      expect(saved.output).toMatchObject({ ok: true, saved: true });
      const lead = await waitFor(
        () => db.withTenant({ businessId }, () => Lead.findOne({ where: { phoneE164: '+972527778899' } })),
        (found) => found !== null,
      );
      expect(lead).toMatchObject({ fullName: 'שרה כץ', need: 'צביעה', source: 'call' });
      await temporal.client.workflow.getHandle(workflowIds.leadCapture(businessId, '+972527778899')).terminate('test done');
    }, 30_000);

    it('apologises in Hebrew when Temporal does not answer in time', async () => {
      const slow = tools({ taskQueue: 'no-worker-listens-here', timeoutMs: 600 });
      const started = Date.now();
      const answer = await slow.invoke('book_appointment', { slotStart: inTwoDays(9).toUTC().toISO(), name: 'טל', phone: '0528889900' }, context());
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(answer.output).toMatchObject({ ok: false, error: 'timeout' });
      expect(answer.output.say).toMatch(/סליחה/);
      expect(answer.output).not.toHaveProperty('booked', true);
    });
  });
});
