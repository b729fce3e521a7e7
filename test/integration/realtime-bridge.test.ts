import { performance } from 'node:perf_hooks';
import { TwilioCallerFake, UpgradeRefusedError } from '../../devtools/fakes/twilio-caller-fake';
import { signStreamToken } from '../../platform/stream-token';
import { mulawSilence } from '../../realtime/mulaw';
import { parseMarkName } from '../../realtime/playback';
import { DEFAULT_REALTIME_PRICES, usageCostUsd } from '../../realtime/pricing';
import {
  API_KEY,
  AUTH_TOKEN,
  BUSINESS_ID,
  PUBLIC_REALTIME_URL,
  STREAM_SECRET,
  nextCallSid,
  openCall,
  sleep,
  speech,
  startHarness,
  stopHarness,
  validToken,
  waitUntil,
  type Harness,
} from '../support/realtime';

describe('realtime media stream authentication', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('refuses an upgrade without X-Twilio-Signature with 401 and opens no model socket', async () => {
    const before = harness.fake.connections;
    await expect(TwilioCallerFake.connect({ connectUrl: harness.connectUrl, authToken: null, callSid: nextCallSid(), customParameters: {} })).rejects.toEqual(new UpgradeRefusedError(401));
    expect(harness.fake.connections).toBe(before);
  });

  it('refuses an upgrade with a bad signature with 403', async () => {
    const before = harness.fake.connections;
    await expect(
      TwilioCallerFake.connect({ connectUrl: harness.connectUrl, authToken: AUTH_TOKEN, signatureOverride: 'bm90IGEgc2lnbmF0dXJl', callSid: nextCallSid(), customParameters: {} }),
    ).rejects.toEqual(new UpgradeRefusedError(403));
    expect(harness.fake.connections).toBe(before);
  });

  it('validates against the configured public URL, not the Host this process sees', async () => {
    // Signed over the address the request really reached: a proxy-rewritten URL must not pass.
    await expect(TwilioCallerFake.connect({ connectUrl: harness.connectUrl, authToken: AUTH_TOKEN, callSid: nextCallSid(), customParameters: {} })).rejects.toEqual(
      new UpgradeRefusedError(403),
    );
    await expect(TwilioCallerFake.connect({ connectUrl: harness.connectUrl, signedUrl: PUBLIC_REALTIME_URL, authToken: 'another-accounts-token', callSid: nextCallSid(), customParameters: {} })).rejects.toEqual(
      new UpgradeRefusedError(403),
    );
  });

  it('closes the stream at once when the start token is for another call, without opening a model socket', async () => {
    const before = harness.fake.connections;
    const caller = await openCall(harness, nextCallSid(), validToken('CA-some-other-call'));
    const closed = await caller.closed;
    expect(closed.code).toBe(1008);
    expect(harness.fake.connections).toBe(before);
  });

  it('closes the stream when the token is forged or expired', async () => {
    const before = harness.fake.connections;
    const sid = nextCallSid();
    const forged = signStreamToken({ businessId: BUSINESS_ID, callSid: sid }, 'not-the-secret', 60);
    expect((await (await openCall(harness, sid, forged)).closed).code).toBe(1008);
    const sid2 = nextCallSid();
    const expired = signStreamToken({ businessId: BUSINESS_ID, callSid: sid2 }, STREAM_SECRET, 60, Date.now() - 120_000);
    expect((await (await openCall(harness, sid2, expired)).closed).code).toBe(1008);
    expect(harness.fake.connections).toBe(before);
  });
});

describe('TWILIO_VALIDATE_SIGNATURES=false (development only)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({}, { TWILIO_VALIDATE_SIGNATURES: 'false' });
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('accepts an unsigned upgrade but still requires the stream token', async () => {
    const before = harness.fake.connections;
    const sid = nextCallSid();
    const caller = await TwilioCallerFake.connect({ connectUrl: harness.connectUrl, authToken: null, callSid: sid, customParameters: { token: 'v1.bad.token' } });
    caller.start();
    expect((await caller.closed).code).toBe(1008);
    expect(harness.fake.connections).toBe(before);
  });
});

describe('a scripted call through the bridge', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ greetingMs: 2_000, replyMs: 1_000, functionCallOnTurn: 1 });
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('greets, paces audio in 160-byte frames, forwards caller audio byte for byte, runs a tool, takes DTMF and ends on stop', async () => {
    const callSid = nextCallSid();
    const caller = await openCall(harness, callSid);
    // Caller audio starts at once, before the model socket is open: it must be buffered, not dropped.
    const callerAudio = Buffer.concat([mulawSilence(2_600), speech(600), mulawSilence(1_200)]);
    const sent = await caller.streamAudio(callerAudio);
    const session = harness.fake.sessions.at(-1)!;
    expect(session.headers.authorization).toBe(`Bearer ${API_KEY}`);

    // session.update: GA fields only, accepted by the fake (which rejects beta fields).
    const update = session.events.find((e) => e.type === 'session.update') as { session: Record<string, unknown> };
    expect(session.errorsSent).toEqual([]);
    expect(update.session).toMatchObject({
      type: 'realtime',
      audio: {
        input: { format: { type: 'audio/pcmu' }, transcription: { language: 'he' }, turn_detection: { type: 'server_vad', silence_duration_ms: 650 } },
        output: { format: { type: 'audio/pcmu' }, voice: 'ash' },
      },
    });
    expect(update.session.instructions).toContain('מספרת הדוגמה');

    // Greeting: 2000 ms = 16000 bytes, in 160-byte frames, paced at real time at most ~200 ms ahead.
    const greeting = caller.frames.slice(0, 100);
    expect(greeting.every((f) => f.payload.length === 160)).toBe(true);
    const t0 = greeting[0]!.atMs;
    // Never more than ~200 ms (+ one frame) ahead of real time: no second of arrivals holds much more than
    // 1 s + 220 ms of audio (61 frames; a little slack for a busy test machine delaying this process).
    // Unpaced, the whole 2 s greeting (which the fake model sends in a burst) would arrive at once.
    const mostInOneSecond = Math.max(...greeting.map((f) => greeting.filter((g) => g.atMs >= f.atMs && g.atMs < f.atMs + 1_000).length));
    expect(mostInOneSecond).toBeLessThanOrEqual(66);
    expect(greeting[99]!.atMs - t0).toBeGreaterThan(1_700);

    // Caller audio reached the model byte-identical and in order.
    await waitUntil(() => Buffer.concat(session.audio).length >= callerAudio.length, 5_000, 'caller audio at the model');
    expect(Buffer.concat(session.audio).equals(Buffer.concat(sent.map((p) => Buffer.from(p, 'base64'))))).toBe(true);
    expect(Buffer.concat(session.audio).equals(callerAudio)).toBe(true);

    // The caller's turn: transcript, then a booking tool call answered "not available yet", then the reply.
    const transcript = await harness.events.waitFor('transcript', (e) => e.role === 'caller' && e.callSid === callSid);
    expect(transcript.text).toBe(harness.fake.script.callerTranscript);
    const tool = await harness.events.waitFor('toolCall', (e) => e.callSid === callSid);
    expect(tool).toMatchObject({ name: 'book_appointment', businessId: BUSINESS_ID, output: { ok: false, error: 'not_available_yet' } });
    await waitUntil(() => session.events.some((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'function_call_output'), 5_000, 'function output');
    await harness.events.waitFor('transcript', (e) => e.role === 'assistant' && e.callSid === callSid);

    // DTMF: aggregated until '#', to the sink and to the model as a text item followed by response.create.
    for (const digit of '0501234567#') caller.sendDtmf(digit);
    const dtmf = await harness.events.waitFor('dtmf', (e) => e.callSid === callSid);
    expect(dtmf).toMatchObject({ digits: '0501234567', reason: 'terminator', businessId: BUSINESS_ID });
    await waitUntil(() => session.events.some((e) => JSON.stringify(e).includes('0501234567')), 5_000, 'dtmf item at the model');
    const dtmfIndex = session.events.findIndex((e) => e.type === 'conversation.item.create' && JSON.stringify(e).includes('0501234567'));
    expect(session.events[dtmfIndex]).toMatchObject({ item: { type: 'message', role: 'user', content: [{ type: 'input_text' }] } });
    await waitUntil(() => session.events.slice(dtmfIndex + 1).some((e) => e.type === 'response.create'), 5_000, 'response.create after dtmf');
    await waitUntil(() => harness.events.of('usage').filter((e) => e.callSid === callSid).length >= 4, 5_000, 'usage of 4 responses');
    expect(session.errorsSent).toEqual([]);

    // stop: the model socket closes and the call ends with its usage and cost.
    caller.stop();
    await session.closed;
    const end = await harness.events.waitFor('end', (e) => e.callSid === callSid);
    expect(end.reason).toBe('twilio_stop');
    expect(end.stats.inboundDroppedBeforeModel).toBe(0);
    expect(end.stats.framesIn).toBe(sent.length);
    const usage = end.usage!;
    // greeting 2000 ms (40 audio tokens), tool call (0), reply 1000 ms (20), dtmf reply 1000 ms (20)
    expect(usage.usage).toEqual({
      responses: 4,
      textInputTokens: 4 * 172,
      textCachedInputTokens: 4 * 128,
      textOutputTokens: 4 * 20,
      audioInputTokens: 4 * 100,
      audioCachedInputTokens: 0,
      audioOutputTokens: 80,
    });
    const expectedCost = (688 * 4 + 512 * 0.4 + 80 * 16 + 400 * 32 + 80 * 64) / 1_000_000;
    expect(usage.costUsd).toBeCloseTo(expectedCost, 6); // rounded to micro-dollars, the precision of calls.cost_usd
    expect(usage.costUsd).toBe(usageCostUsd(usage.usage, DEFAULT_REALTIME_PRICES));
    expect(usage.audioInSeconds).toBeCloseTo(callerAudio.length / 8000, 6);
    caller.close();
  }, 30_000);
});

describe('barge-in', () => {
  let harness: Harness;
  beforeAll(async () => {
    // The model generates ~1.5x faster than real time, so the greeting is still streaming at the barge-in.
    harness = await startHarness({ greetingMs: 4_000, replyMs: 500, deltaIntervalMs: 100 });
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('clears Twilio, cancels the reply and truncates at min(sent, played + 50) from the echoed marks; stale marks are ignored', async () => {
    const callSid = nextCallSid();
    const caller = await openCall(harness, callSid);
    await waitUntil(() => caller.frames.length > 0, 5_000, 'greeting audio');
    // Let ~1 s of the greeting play, then talk over it for 800 ms.
    await caller.streamAudio(Buffer.concat([mulawSilence(1_000), speech(800), mulawSilence(900)]));
    await waitUntil(() => caller.clears.length === 1, 5_000, 'clear');
    const session = harness.fake.sessions.at(-1)!;
    await waitUntil(() => session.truncates.length === 1, 5_000, 'truncate');
    const clearAt = caller.clears[0]!;

    // What the bridge had sent of the greeting item before the clear, and what the caller confirmed as played.
    const sentBytes = caller.frames.filter((f) => f.atMs <= clearAt).reduce((sum, f) => sum + f.payload.length, 0);
    const greetingItem = session.truncates[0]!.item_id;
    const echoedBeforeClear = caller.marksEchoed
      .filter((m) => !m.afterClear && m.atMs <= clearAt)
      .map((m) => parseMarkName(m.name)!)
      .filter((m) => m.itemId === greetingItem)
      .map((m) => m.endMs);
    const lastEchoed = Math.max(0, ...echoedBeforeClear);
    const truncatedAt = session.truncates[0]!.audio_end_ms;
    // The bridge used the last mark it had received: the last one echoed, or (if that echo was still
    // in flight when the grace timer fired) the one before it. Either way exactly min(sent, played + 50).
    const candidates = [0, ...echoedBeforeClear].filter((played) => played >= lastEchoed - 100).map((played) => Math.min(sentBytes / 8, played + 50));
    expect(candidates).toContain(truncatedAt);
    expect(sentBytes / 8).toBeGreaterThan(lastEchoed + 50); // the bridge was ahead of playback: the cap is the played position
    expect(session.truncates[0]!.audio_end_ms).toBeLessThan(4_000);
    expect(session.truncates[0]!.audio_end_ms).toBeGreaterThan(700);

    // response.cancel went to the model for the active greeting response, and it accepted it.
    expect(session.events.some((e) => e.type === 'response.cancel')).toBe(true);
    expect(session.errorsSent).toEqual([]);

    // Marks Twilio echoes after a clear belong to the old generation and are ignored.
    const staleEchoes = caller.marksEchoed.filter((m) => m.afterClear).length;
    expect(staleEchoes).toBeGreaterThan(0);
    // No greeting audio reached the caller after the clear: the next audio is the (500 ms) reply.
    await harness.events.waitFor('transcript', (e) => e.role === 'assistant' && e.callSid === callSid);
    await sleep(800);
    const afterClear = caller.frames.filter((f) => f.atMs > clearAt).reduce((sum, f) => sum + f.payload.length, 0);
    expect(afterClear).toBe(500 * 8);

    caller.stop();
    const end = await harness.events.waitFor('end', (e) => e.callSid === callSid);
    expect(end.stats.bargeIns).toBe(1);
    expect(end.stats.truncations).toBe(1);
    expect(end.stats.staleMarksIgnored).toBe(staleEchoes);
    caller.close();
  }, 30_000);
});

describe('barge-in grace', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ greetingMs: 3_000, replyMs: 300 }, { REALTIME_BARGE_IN_GRACE_MS: '1500' });
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('cancels a pending barge-in when the caller stops talking within the grace', async () => {
    const callSid = nextCallSid();
    const caller = await openCall(harness, callSid);
    await waitUntil(() => caller.frames.length > 0, 5_000, 'greeting audio');
    // A 100 ms cough: speech_stopped arrives 650 ms of silence later, inside the 1500 ms grace.
    await caller.streamAudio(Buffer.concat([mulawSilence(300), speech(100), mulawSilence(1_000)]));
    await sleep(1_000);
    expect(caller.clears).toEqual([]);
    expect(harness.fake.sessions.at(-1)!.truncates).toEqual([]);
    caller.stop();
    const end = await harness.events.waitFor('end', (e) => e.callSid === callSid);
    expect(end.stats.bargeIns).toBe(0);
    caller.close();
  }, 20_000);
});

describe('end_call', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ greetingMs: 400, replyMs: 600, functionCallOnTurn: 1, functionCall: { name: 'end_call', arguments: {} } });
  });
  afterAll(async () => {
    await stopHarness(harness);
  });

  it('hangs up after the goodbye has played, not before', async () => {
    const callSid = nextCallSid();
    const caller = await openCall(harness, callSid);
    void caller.streamAudio(Buffer.concat([mulawSilence(800), speech(300), mulawSilence(1_500)]));
    const tool = await harness.events.waitFor('toolCall', (e) => e.callSid === callSid);
    expect(tool.name).toBe('end_call');
    const closed = await caller.closed;
    expect(closed.code).toBe(1000);
    const end = await harness.events.waitFor('end', (e) => e.callSid === callSid);
    expect(end.reason).toBe('assistant_ended_call');
    // Greeting (400 ms) and goodbye (600 ms) both reached the caller in full, and the goodbye had time to play.
    const bytes = caller.frames.reduce((sum, f) => sum + f.payload.length, 0);
    expect(bytes).toBe((400 + 600) * 8);
    const lastFrameAt = caller.frames.at(-1)!.atMs;
    const closedAt = performance.now();
    expect(closedAt - lastFrameAt).toBeGreaterThanOrEqual(150);
    await harness.fake.sessions.at(-1)!.closed;
  }, 20_000);
});
