import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { createApp } from '../../api/app';
import { createTwilioCallStatusRouter, TWILIO_STATUS_PATH } from '../../api/webhooks/twilio-call-status';
import { createTwilioVoiceRouter, TWILIO_RECORDING_PATH, TWILIO_VOICE_PATH } from '../../api/webhooks/twilio-voice';
import { AssistantSettings, Business, Call, PhoneNumber, TwilioCallEvent, type Database } from '../../data';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { LogMessageProvider } from '../../platform/messaging';
import { LocalRecordingStorage } from '../../platform/recordings/storage';
import { TwilioVoiceRest } from '../../platform/twilio-voice-rest';
import { workflowIds } from '../../temporal-config';
import { ensureRecordingCleanupSchedule } from '../../temporal-config/recording-schedule';
import { outboundCall, recordingCleanup } from '../../workflows';
import { TemporalAssistantTools } from '../../realtime/temporal-tools';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';

const ACCOUNT_SID = 'AC11111111111111111111111111111111';
const AUTH_TOKEN = 'call-webhooks-test-auth-token';
const PUBLIC_BASE_URL = 'https://crm.prosaas.test';
const config = {
  PUBLIC_BASE_URL,
  PUBLIC_REALTIME_URL: 'wss://crm.prosaas.test/media-stream',
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_VALIDATE_SIGNATURES: true,
  STREAM_TOKEN_SECRET: 'call-webhooks-stream-secret',
  STREAM_TOKEN_TTL_SECONDS: 120,
};

const number = () => `+97236${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
const callSidOf = (label: string) => `CA${label}${Date.now()}${Math.floor(Math.random() * 1e6)}`;

describe('Twilio status and recording webhooks, recordings and outbound calls', () => {
  let db: Database;
  let temporal: TestWorker;
  let fakeTwilio: FakeTwilioRest;
  let server: Server;
  let base: string;
  let businessId: string;
  let businessNumber: string;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-call-recordings-'));

  const post = (webhook: string, params: Record<string, string>, options: { sign?: boolean; method?: string } = {}) =>
    fetch(`${base}${webhook}`, {
      method: options.method ?? 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(options.sign === false ? {} : { 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${webhook}`, params) }),
      },
      body: options.method === 'GET' ? undefined : new URLSearchParams(params).toString(),
    });
  const callRow = (callSid: string) => db.withTenant({ businessId }, () => Call.findOne({ where: { callSid } }));

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'מספרה מקליטה');
    businessNumber = number();
    await db.withSystemScope('test fixture', async () => {
      await PhoneNumber.create({ businessId, e164: businessNumber, channels: ['voice', 'sms'] });
      await Business.update({ recordingEnabled: true }, { where: { id: businessId } });
    });
    fakeTwilio = new FakeTwilioRest(ACCOUNT_SID, AUTH_TOKEN);
    const apiBaseUrl = await fakeTwilio.start();
    temporal = await startTestWorker(db, new LogMessageProvider(testLogger), 'call-webhooks', {
      extra: {
        recordings: new LocalRecordingStorage(recordingsDir),
        twilioVoice: new TwilioVoiceRest({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl }),
        publicBaseUrl: PUBLIC_BASE_URL,
      },
    });
    const app = createApp({
      logger: testLogger,
      readinessChecks: {},
      routers: [
        { path: '/', router: createTwilioVoiceRouter({ db, config }) },
        { path: '/', router: createTwilioCallStatusRouter({ db, config, temporal: { client: temporal.client, taskQueue: temporal.taskQueue } }) },
      ],
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await temporal?.stop();
    await fakeTwilio?.stop();
    await db?.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('starts a recording in the TwiML when the business records calls', async () => {
    const params = { AccountSid: ACCOUNT_SID, CallSid: callSidOf('rec'), From: '+972501234567', To: businessNumber, Direction: 'inbound', CallStatus: 'ringing' };
    const xml = await (await post(TWILIO_VOICE_PATH, params)).text();
    expect(xml).toMatch(new RegExp(`<Start><Recording recordingStatusCallback="${PUBLIC_BASE_URL}${TWILIO_RECORDING_PATH}"[^>]*/></Start><Connect>`));
  });

  it('refuses a wrong method (405 + Allow), a bad signature (403) and malformed callbacks (400 with fields)', async () => {
    for (const webhook of [TWILIO_STATUS_PATH, TWILIO_RECORDING_PATH]) {
      const get = await fetch(`${base}${webhook}`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect((await post(webhook, { CallSid: callSidOf('x'), CallStatus: 'ringing' }, { sign: false })).status).toBe(403);
    }
    const badStatus = await post(TWILIO_STATUS_PATH, { CallSid: 'nope', CallStatus: 'exploded', CallDuration: 'long' });
    expect(badStatus.status).toBe(400);
    expect(Object.keys(((await badStatus.json()) as { error: { fields: object } }).error.fields).sort()).toEqual(['CallDuration', 'CallSid', 'CallStatus']);
    const badRecording = await post(TWILIO_RECORDING_PATH, { CallSid: callSidOf('x'), RecordingSid: 'XX1', RecordingStatus: 'completed' });
    expect(badRecording.status).toBe(400);
  });

  it('records call progress once per CallSid + status and never moves a call back', async () => {
    const callSid = callSidOf('status');
    const params = (status: string, extra: Record<string, string> = {}) => ({ AccountSid: ACCOUNT_SID, CallSid: callSid, From: '+972501112233', To: businessNumber, Direction: 'inbound', CallStatus: status, ...extra });
    expect((await post(TWILIO_STATUS_PATH, params('ringing'))).status).toBe(200);
    expect(await callRow(callSid)).toMatchObject({ status: 'ringing', direction: 'inbound', fromE164: '+972501112233' });
    const completed = params('completed', { CallDuration: '42' });
    expect(await (await post(TWILIO_STATUS_PATH, completed)).json()).toEqual({ ok: true });
    expect(await (await post(TWILIO_STATUS_PATH, completed)).json()).toEqual({ ok: true, duplicate: true });
    await post(TWILIO_STATUS_PATH, params('in-progress'));
    const row = await callRow(callSid);
    expect(row).toMatchObject({ status: 'completed', durationSeconds: 42 });
    expect(row!.endedAt).toBeInstanceOf(Date);
    const events = await db.withTenant({ businessId }, () => TwilioCallEvent.findAll({ where: { callSid } }));
    expect(events.map((e) => e.eventKey).sort()).toEqual(['status:completed', 'status:in-progress', 'status:ringing']);
  });

  it('copies a finished recording into storage once, deletes Twilio\'s copy, and deletes ours after the retention', async () => {
    const callSid = callSidOf('recorded');
    await db.withTenant({ businessId }, () => Call.create({ businessId, callSid, direction: 'inbound', status: 'completed' }));
    const media = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7) % 256));
    const recording = fakeTwilio.addRecording(callSid, media, 3);
    const params = { AccountSid: ACCOUNT_SID, CallSid: callSid, RecordingSid: recording.sid, RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recording.sid}`, RecordingStatus: 'completed', RecordingDuration: '3', RecordingChannels: '2', RecordingSource: 'StartCallRecordingTwiML' };
    const first = await post(TWILIO_RECORDING_PATH, params);
    expect(first.status).toBe(200);
    const { workflowId } = (await first.json()) as { workflowId: string };
    expect(workflowId).toBe(workflowIds.callRecording(businessId, recording.sid));
    const stored = (await temporal.client.workflow.getHandle(workflowId).result()) as { key: string; bytes: number };
    expect(stored).toEqual({ key: `${businessId}/${callSid}/${recording.sid}.mp3`, bytes: media.length });
    expect(fs.readFileSync(path.join(recordingsDir, stored.key)).equals(media)).toBe(true);
    expect(await callRow(callSid)).toMatchObject({ recordingSid: recording.sid, recordingPath: stored.key, recordingDurationSeconds: 3, recordingContentType: 'audio/mpeg' });
    expect(recording.deleted).toBe(true);

    // The replay: same answer, nothing new run or stored.
    const replay = await post(TWILIO_RECORDING_PATH, params);
    expect(await replay.json()).toEqual({ ok: true, workflowId, duplicate: true });
    const runs = await temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` });
    let count = 0;
    for await (const _ of runs) count += 1;
    expect(count).toBe(1);

    // The business's own retention (3 days) overrides the platform default (RECORDING_RETENTION_DAYS, here 0): kept.
    // Runs are limited to this business: other test files share the database and keep their recordings.
    await db.withSystemScope('test fixture', () => Business.update({ recordingRetentionDays: 3 }, { where: { id: businessId } }));
    const kept = await temporal.client.workflow.execute(recordingCleanup, { workflowId: `recording-cleanup-once-${Date.now()}`, taskQueue: temporal.taskQueue, args: [{ defaultRetentionDays: 0, businessIds: [businessId] }] });
    expect(kept).toEqual({ businesses: 0, deleted: 0 });
    expect(await callRow(callSid)).toMatchObject({ recordingPath: stored.key, recordingDeletedAt: null });

    // No retention of its own: the schedule (every 2 s in this test) applies the default of 0 days and deletes it.
    await db.withSystemScope('test fixture', () => Business.update({ recordingRetentionDays: null }, { where: { id: businessId } }));
    const scheduleId = `recording-cleanup-test-${Date.now()}`;
    expect(await ensureRecordingCleanupSchedule(temporal.client, { taskQueue: temporal.taskQueue, intervalSeconds: 2, defaultRetentionDays: 0, scheduleId, businessIds: [businessId] })).toBe('created');
    expect(await ensureRecordingCleanupSchedule(temporal.client, { taskQueue: temporal.taskQueue, intervalSeconds: 2, defaultRetentionDays: 0, scheduleId, businessIds: [businessId] })).toBe('updated');
    const scheduled = await temporal.client.schedule.getHandle(scheduleId).describe();
    expect(scheduled.action).toMatchObject({ args: [{ defaultRetentionDays: 0, businessIds: [businessId] }] });
    try {
      const cleaned = await waitFor(() => callRow(callSid), (row) => row?.recordingDeletedAt instanceof Date, 30_000);
      expect(cleaned).toMatchObject({ recordingPath: null });
      expect(fs.existsSync(path.join(recordingsDir, stored.key))).toBe(false);
    } finally {
      await temporal.client.schedule.getHandle(scheduleId).delete();
      await db.withSystemScope('test fixture', () => Business.update({ recordingRetentionDays: 2 }, { where: { id: businessId } }));
    }
  }, 60_000);

  it("places an outbound call with the business's own number as caller id, once per key, and connects it to the assistant when answered", async () => {
    const key = `crm-${Date.now()}`;
    const input = { businessId, idempotencyKey: key, to: '052-999-8877' };
    const run = () => temporal.client.workflow.execute(outboundCall, { workflowId: workflowIds.outboundCall(businessId, `${key}-${Math.random()}`), taskQueue: temporal.taskQueue, args: [input] });
    const placed = await run();
    expect(placed).toMatchObject({ from: businessNumber, to: '+972529998877', callSid: expect.stringMatching(/^CA/) });
    expect(await run()).toEqual(placed);
    const dialed = fakeTwilio.calls.filter((call) => call.to === '+972529998877');
    expect(dialed).toEqual([expect.objectContaining({ from: businessNumber, url: `${PUBLIC_BASE_URL}${TWILIO_VOICE_PATH}`, statusCallback: `${PUBLIC_BASE_URL}${TWILIO_STATUS_PATH}` })]);
    expect(await callRow(placed.callSid)).toMatchObject({ direction: 'outbound', fromE164: businessNumber, toE164: '+972529998877', idempotencyKey: key });

    // Twilio's first status callback overtakes its answer to the create: one row, ours, with that status.
    fakeTwilio.beforeCallAnswer = async (call) => {
      const early = await post(TWILIO_STATUS_PATH, { AccountSid: ACCOUNT_SID, CallSid: call.sid, From: call.from, To: call.to, Direction: 'outbound-api', CallStatus: 'initiated' });
      expect(early.status).toBe(200);
    };
    try {
      const raced = await temporal.client.workflow.execute(outboundCall, { workflowId: workflowIds.outboundCall(businessId, `race-${Date.now()}`), taskQueue: temporal.taskQueue, args: [{ businessId, idempotencyKey: `race-${Date.now()}`, to: '052-999-6655' }] });
      const rows = await db.withTenant({ businessId }, () => Call.findAll({ where: { callSid: raced.callSid } }));
      expect(rows.map((row) => [row.id, row.status, row.direction])).toEqual([[raced.callId, 'initiated', 'outbound']]);
    } finally {
      fakeTwilio.beforeCallAnswer = null;
    }

    const answered = { AccountSid: ACCOUNT_SID, CallSid: placed.callSid, From: businessNumber, To: '+972529998877', Direction: 'outbound-api', CallStatus: 'in-progress' };
    const xml = await (await post(TWILIO_VOICE_PATH, answered)).text();
    expect(xml).toContain('<Connect><Stream');
    expect(xml).toContain(`<Parameter name="businessId" value="${businessId}"/>`);
  }, 30_000);

  it('transfers a live call to the business\'s transfer number once, and asks for a message when there is none', async () => {
    const tools = new TemporalAssistantTools({ client: temporal.client, taskQueue: temporal.taskQueue, db, logger: testLogger, timeoutMs: 10_000, leadFollowUpAfterMs: 60_000 });
    const callSid = callSidOf('transfer');
    const none = await tools.invoke('transfer_to_human', { reason: 'רוצה לדבר עם בן אדם' }, { businessId, callSid });
    expect(none.output).toMatchObject({ ok: false, transferred: false, reason: 'no_transfer_number' });
    await db.withTenant({ businessId }, () =>
      AssistantSettings.create({ businessId, assistantName: 'דני', greeting: 'שלום', voice: 'ash', vadThreshold: 0.5, vadPrefixPaddingMs: 300, vadSilenceDurationMs: 650, transferPhoneE164: '+972541112222' }),
    );
    const done = await tools.invoke('transfer_to_human', {}, { businessId, callSid });
    expect(done.output).toMatchObject({ ok: true, transferred: true });
    expect((await tools.invoke('transfer_to_human', {}, { businessId, callSid })).output).toMatchObject({ transferred: true });
    const updates = fakeTwilio.callUpdates.filter((update) => update.sid === callSid);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.twiml).toContain(`<Dial callerId="${businessNumber}">+972541112222</Dial>`);
    expect(updates[0]!.twiml).toMatch(/<Say language="he-IL">[^<]+<\/Say>/);
  }, 30_000);
});
