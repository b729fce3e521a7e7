import type { Server } from 'node:http';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createApp } from '../../api/app';
import { createTwilioVoiceRouter } from '../../api/webhooks/twilio-voice';
import { Appointment, Business, Call, PhoneNumber, type Database } from '../../data';
import { readCallScript, simulateCall } from '../../devtools/call-simulator';
import { OpenAIRealtimeFake } from '../../devtools/fakes/openai-realtime-fake';
import { loadConfig } from '../../platform/config';
import { LogMessageProvider } from '../../platform/messaging';
import { startRealtime, type StartedRealtime } from '../../realtime';
import { createBusiness, openAppDatabase, testEnv, testLogger } from '../support/infra';
import { startTestWorker, type TestWorker } from '../support/temporal';

const ZONE = 'Asia/Jerusalem';
const AUTH_TOKEN = 'call-simulate-test-token';
const SECRET = 'call-simulate-stream-secret';

describe('npm run call:simulate (a scripted Hebrew call against the stack)', () => {
  let db: Database;
  let temporal: TestWorker;
  let fake: OpenAIRealtimeFake;
  let realtime: StartedRealtime;
  let server: Server;
  let apiUrl: string;
  let businessId: string;
  const number = `+97238${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;

  beforeAll(async () => {
    db = openAppDatabase(5);
    businessId = await createBusiness(db, 'המספרה של דני');
    const open = [{ start: '08:00', end: '20:00' }];
    await db.withSystemScope('test fixture', async () => {
      await PhoneNumber.create({ businessId, e164: number, channels: ['voice'] });
      await Business.update(
        {
          timezone: ZONE,
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 60 },
        },
        { where: { id: businessId } },
      );
    });
    temporal = await startTestWorker(db, new LogMessageProvider(testLogger), 'call-simulate');
    fake = new OpenAIRealtimeFake();
    await fake.start();
    realtime = await startRealtime(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: testEnv('TEST_DATABASE_URL'),
        REALTIME_PORT: '0',
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        PUBLIC_REALTIME_URL: 'ws://calls.prosaas.test/media-stream',
        STREAM_TOKEN_SECRET: SECRET,
        OPENAI_REALTIME_URL: fake.url,
        CALL_HEARTBEAT_TIMEOUT_SECONDS: '30',
      }),
      { logger: testLogger, temporal: { client: temporal.client, taskQueue: temporal.taskQueue } },
    );
    const router = createTwilioVoiceRouter({
      db,
      config: { PUBLIC_BASE_URL: undefined, PUBLIC_REALTIME_URL: 'ws://calls.prosaas.test/media-stream', TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_VALIDATE_SIGNATURES: true, STREAM_TOKEN_SECRET: SECRET, STREAM_TOKEN_TTL_SECONDS: 120 },
    });
    await new Promise<void>((resolve) => {
      server = createApp({ logger: testLogger, readinessChecks: {}, routers: [{ path: '/', router }] }).listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await realtime?.close();
    await fake?.close();
    await temporal?.stop();
    await db?.close();
  });

  it('holds the sample script: availability, keypad confirmation, the booking through Temporal, goodbye; prints it all', async () => {
    const lines: string[] = [];
    const script = readCallScript(path.resolve(__dirname, '../../devtools/call-scripts/book-haircut.he.yaml'));
    const result = await simulateCall({
      to: `0${number.slice(4)}`,
      script,
      apiUrl,
      realtimeConnectUrl: `ws://127.0.0.1:${realtime.port}/media-stream`,
      fakeModelUrl: fake.url.replace(/^ws/, 'http').replace(/\/v1\/realtime.*$/, ''),
      authToken: AUTH_TOKEN,
      temporal: temporal.client,
      print: (line) => lines.push(line),
    });
    const { view } = result;
    expect(result.businessId).toBe(businessId);
    expect(view.toolCalls.map((tool) => [tool.name, tool.ok])).toEqual([
      ['check_availability', true],
      ['book_appointment', true],
      ['end_call', true],
    ]);
    expect(view.dtmf).toEqual(['1']);
    expect(view.ended?.reason).toBe('assistant_ended_call');
    expect(view.transcript.filter((turn) => turn.role === 'caller').map((turn) => turn.text)).toEqual(script.turns.filter((turn) => turn.say).map((turn) => turn.say));
    expect(view.transcript.some((turn) => turn.role === 'assistant' && turn.text.startsWith('קבעתי לך תור'))).toBe(true);

    const tomorrowAtTen = DateTime.now().setZone(ZONE).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const appointment = await db.withTenant({ businessId }, () => Appointment.findByPk(view.appointmentId!));
    expect(appointment!.startsAt.toISOString()).toBe(tomorrowAtTen.toUTC().toISO());
    const call = await db.withTenant({ businessId }, () => Call.findOne({ where: { callSid: result.callSid } }));
    expect(call).toMatchObject({ outcome: 'booked', status: 'completed' });
    expect(call!.toolCalls.map((tool) => tool.name)).toEqual(['check_availability', 'book_appointment', 'end_call']);

    const printed = lines.join('\n');
    expect(printed).toContain('מתקשר / caller   : שלום, אני רוצה לקבוע תור לתספורת למחר בעשר');
    expect(printed).toMatch(/tool book_appointment\(.*\) → ok/);
    expect(printed).toMatch(/booked: .+ \(appointment [0-9a-f-]{36}\)/);
  }, 90_000);
});
