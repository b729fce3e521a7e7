import type { Server } from 'node:http';
import twilio from 'twilio';
import { createApp } from '../../api/app';
import { createTwilioVoiceRouter, TWILIO_VOICE_PATH } from '../../api/webhooks/twilio-voice';
import { Business, PhoneNumber, type Database } from '../../data';
import { verifyStreamToken } from '../../platform/stream-token';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';

const AUTH_TOKEN = 'voice-webhook-test-auth-token';
const PUBLIC_BASE_URL = 'https://crm.prosaas.test';
const PUBLIC_REALTIME_URL = 'wss://crm.prosaas.test/media-stream';
const SECRET = 'voice-webhook-stream-secret';

function randomIsraeliNumber(): string {
  return `+97235${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
}

function callParams(to: string, callSid = `CA${'0'.repeat(24)}${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`): Record<string, string> {
  return { AccountSid: 'AC00000000000000000000000000000000', CallSid: callSid, From: '+972501234567', To: to, CallStatus: 'ringing', Direction: 'inbound' };
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

function post(base: string, params: Record<string, string>, signature?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${TWILIO_VOICE_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}), ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

const sign = (url: string, params: Record<string, string>, token = AUTH_TOKEN) => twilio.getExpectedTwilioSignature(token, url, params);

describe('Twilio voice webhook', () => {
  let db: Database;
  let server: Server;
  let base: string;
  let businessId: string;
  let lockedBusinessId: string;
  const number = randomIsraeliNumber();
  const lockedNumber = randomIsraeliNumber();
  const signedUrl = `${PUBLIC_BASE_URL}${TWILIO_VOICE_PATH}`;

  beforeAll(async () => {
    db = openAppDatabase(2);
    businessId = await createBusiness(db, 'מספרת הדוגמה');
    lockedBusinessId = await createBusiness(db, 'עסק נעול');
    await db.withSystemScope('test fixture', async () => {
      await PhoneNumber.create({ businessId, e164: number, channels: ['voice', 'sms'] });
      await PhoneNumber.create({ businessId: lockedBusinessId, e164: lockedNumber, channels: ['voice'] });
      await Business.update({ lockedDown: true, lockdownReason: 'test' }, { where: { id: lockedBusinessId } });
    });
    const router = createTwilioVoiceRouter({
      db,
      config: { PUBLIC_BASE_URL, PUBLIC_REALTIME_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_VALIDATE_SIGNATURES: true, STREAM_TOKEN_SECRET: SECRET, STREAM_TOKEN_TTL_SECONDS: 120 },
    });
    ({ server, base } = await listen(createApp({ logger: testLogger, readinessChecks: {}, routers: [{ path: '/', router }] })));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  it('answers a signed call to a business number with <Connect><Stream> and a token that verifies for this call', async () => {
    const params = callParams(number);
    const response = await post(base, params, sign(signedUrl, params));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/xml/);
    const xml = await response.text();
    expect(xml).toContain(`<Connect><Stream url="${PUBLIC_REALTIME_URL}">`);
    const parameter = (name: string) => new RegExp(`<Parameter name="${name}" value="([^"]+)"/>`).exec(xml)?.[1];
    expect(parameter('businessId')).toBe(businessId);
    expect(parameter('callSid')).toBe(params.CallSid);
    const verified = verifyStreamToken(parameter('token'), SECRET);
    expect(verified).toEqual({ ok: true, claims: { businessId, callSid: params.CallSid, expiresAt: expect.any(Number) } });
  });

  it('finds the business by the normalized dialed number', async () => {
    const local = `0${number.slice(4)}`; // +9723... -> 03...
    const params = callParams(local);
    const xml = await (await post(base, params, sign(signedUrl, params))).text();
    expect(xml).toContain('<Connect>');
  });

  it('apologises in Hebrew and hangs up for an unknown number', async () => {
    const params = callParams(randomIsraeliNumber());
    const response = await post(base, params, sign(signedUrl, params));
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(xml).toMatch(/<Say language="he-IL">מצטערים[^<]*<\/Say><Hangup\/>/);
    expect(xml).not.toContain('<Connect>');
  });

  it('gives a locked-down business a polite message instead of the assistant', async () => {
    const params = callParams(lockedNumber);
    const xml = await (await post(base, params, sign(signedUrl, params))).text();
    expect(xml).toMatch(/<Say language="he-IL">[^<]+<\/Say><Hangup\/>/);
    expect(xml).not.toContain('<Connect>');
  });

  it('refuses a missing signature, a wrong one and one over other parameters with 403', async () => {
    const params = callParams(number);
    expect((await post(base, params)).status).toBe(403);
    expect((await post(base, params, sign(signedUrl, params, 'another-token'))).status).toBe(403);
    expect((await post(base, { ...params, To: lockedNumber }, sign(signedUrl, params))).status).toBe(403);
    expect((await post(base, params, sign(`http://127.0.0.1${TWILIO_VOICE_PATH}`, params))).status).toBe(403);
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const response = await fetch(`${base}${TWILIO_VOICE_PATH}`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  describe('without PUBLIC_BASE_URL', () => {
    let proxied: { server: Server; base: string };
    beforeAll(async () => {
      const router = createTwilioVoiceRouter({
        db,
        config: { PUBLIC_REALTIME_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_VALIDATE_SIGNATURES: true, STREAM_TOKEN_SECRET: SECRET, STREAM_TOKEN_TTL_SECONDS: 120, PUBLIC_BASE_URL: undefined },
      });
      proxied = await listen(createApp({ logger: testLogger, readinessChecks: {}, trustProxy: 'loopback', routers: [{ path: '/', router }] }));
    });
    afterAll(async () => {
      await new Promise((resolve) => proxied.server.close(resolve));
    });

    it('validates against the URL the trusted proxy forwarded (X-Forwarded-Proto/Host)', async () => {
      const params = callParams(number);
      const forwardedUrl = `https://public.prosaas.test${TWILIO_VOICE_PATH}`;
      const response = await post(proxied.base, params, sign(forwardedUrl, params), { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.prosaas.test' });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<Connect>');
    });

    it('refuses a request that did not come through the proxy', async () => {
      const params = callParams(number);
      const direct = `http://127.0.0.1${TWILIO_VOICE_PATH}`;
      expect((await post(proxied.base, params, sign(direct, params))).status).toBe(403);
    });
  });
});
