/** A realtime service against the fake OpenAI Realtime model, and fake Twilio callers for it (integration tests). */
import { OpenAIRealtimeFake, type FakeModelScript } from '../../devtools/fakes/openai-realtime-fake';
import { TwilioCallerFake } from '../../devtools/fakes/twilio-caller-fake';
import { loadConfig } from '../../platform/config';
import { signStreamToken } from '../../platform/stream-token';
import { startRealtime, type RealtimeDependencies, type StartedRealtime } from '../../realtime';
import { defaultProfile } from '../../realtime/assistant-profile';
import { StaticAssistantTools } from '../../realtime/assistant-tools';
import { RecordingCallEvents } from '../../realtime/call-events';
import { mulawTone } from '../../realtime/mulaw';

export const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
export const PUBLIC_REALTIME_URL = 'wss://calls.prosaas.test/media-stream';
export const STREAM_SECRET = 'test-stream-token-secret';
export const BUSINESS_ID = '6f1c2a4e-9d7b-4c1e-8a55-0c3d2b1a9e77';
export const API_KEY = 'sk-test-realtime';

let callCounter = 0;
export function nextCallSid(): string {
  callCounter += 1;
  return `CA${String(process.pid).padStart(8, '0')}${String(callCounter).padStart(24, '0')}`;
}

export interface Harness {
  fake: OpenAIRealtimeFake;
  realtime: StartedRealtime;
  events: RecordingCallEvents;
  connectUrl: string;
}

/** The fake model (requiring API_KEY) and a realtime service with static tools; `deps` replaces the defaults. */
export async function startHarness(script: Partial<FakeModelScript> = {}, env: Record<string, string> = {}, deps: Partial<RealtimeDependencies> = {}): Promise<Harness> {
  const fake = new OpenAIRealtimeFake({ requireApiKey: API_KEY, ...script });
  await fake.start();
  const events = new RecordingCallEvents();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    REALTIME_PORT: '0',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_REALTIME_URL,
    STREAM_TOKEN_SECRET: STREAM_SECRET,
    OPENAI_REALTIME_URL: fake.url,
    OPENAI_API_KEY: API_KEY,
    REALTIME_DTMF_IDLE_MS: '1500',
    ...env,
  });
  const realtime = await startRealtime(config, {
    events,
    tools: new StaticAssistantTools([{ question: 'מה שעות הפתיחה', answer: 'א-ה 9:00-18:00' }]),
    loadProfile: (businessId) => Promise.resolve(defaultProfile(businessId, 'מספרת הדוגמה')),
    faqEmbedder: null,
    ...deps,
  });
  return { fake, realtime, events, connectUrl: `ws://127.0.0.1:${realtime.port}/media-stream` };
}

export async function stopHarness(harness: Harness): Promise<void> {
  await harness.realtime.close();
  await harness.fake.close();
}

export function validToken(callSid: string, businessId = BUSINESS_ID): string {
  return signStreamToken({ businessId, callSid }, STREAM_SECRET, 60);
}

/** A signed media stream for this call, `start` sent. */
export async function openCall(harness: Harness, callSid = nextCallSid(), token = validToken(callSid)): Promise<TwilioCallerFake> {
  const caller = await TwilioCallerFake.connect({
    connectUrl: harness.connectUrl,
    signedUrl: PUBLIC_REALTIME_URL,
    authToken: AUTH_TOKEN,
    callSid,
    customParameters: { businessId: BUSINESS_ID, callSid, token },
  });
  caller.start();
  return caller;
}

export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Loud μ-law the fake model's voice detector hears as speech. */
export const speech = (ms: number) => mulawTone(ms, 300, 6_000);
