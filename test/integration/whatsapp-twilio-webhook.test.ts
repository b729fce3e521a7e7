import type { Server } from 'node:http';
import twilio from 'twilio';
import { createApp } from '../../api/app';
import { createTwilioMessagingRouter, TWILIO_MESSAGING_PATH } from '../../api/webhooks/twilio-messaging';
import { Message, PhoneNumber, WhatsappConnection, type Database } from '../../data';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { TwilioWhatsappSender } from '../../platform/messaging';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { waitFor } from '../support/wait';
import { openAroundTheClock, startConversationWorker, type ConversationWorker } from '../support/whatsapp';

const AUTH_TOKEN = 'messaging-webhook-test-token';
const ACCOUNT_SID = 'ACmessaging000000000000000000000';
const PUBLIC_BASE_URL = 'https://crm.prosaas.test';
const SIGNED_URL = `${PUBLIC_BASE_URL}${TWILIO_MESSAGING_PATH}`;
const MAX_CHARS = 500;

const sign = (params: Record<string, string>, token = AUTH_TOKEN) => twilio.getExpectedTwilioSignature(token, SIGNED_URL, params);
let sidCounter = 0;
const messageSid = () => `SM${(Date.now().toString(16) + (++sidCounter).toString(16)).padStart(32, '0')}`;

describe('Twilio WhatsApp messaging webhook', () => {
  let db: Database;
  let server: Server;
  let base: string;
  let worker: ConversationWorker;
  let rest: FakeTwilioRest;
  let businessId: string;
  const businessNumber = `+97236${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
  const contact = '+972507654321';

  const params = (overrides: Record<string, string> = {}): Record<string, string> => ({
    AccountSid: ACCOUNT_SID,
    MessageSid: messageSid(),
    From: `whatsapp:${contact}`,
    To: `whatsapp:${businessNumber}`,
    Body: 'שלום',
    NumMedia: '0',
    ProfileName: 'מיכל',
    WaId: contact.slice(1),
    ...overrides,
  });
  const post = (body: Record<string, string>, signature: string | null = sign(body)) =>
    fetch(`${base}${TWILIO_MESSAGING_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
      body: new URLSearchParams(body).toString(),
    });

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'קליניקת טוויליו');
    await openAroundTheClock(db, businessId);
    await db.withTenant({ businessId }, async () => {
      await PhoneNumber.create({ businessId, e164: businessNumber, channels: ['voice', 'whatsapp'] });
      await WhatsappConnection.create({ businessId, provider: 'twilio', status: 'open' });
    });
    rest = new FakeTwilioRest(ACCOUNT_SID, AUTH_TOKEN);
    const apiBaseUrl = await rest.start();
    worker = await startConversationWorker(db, 'twilio-messaging', { twilio: new TwilioWhatsappSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiBaseUrl }) });
    const router = createTwilioMessagingRouter({
      db,
      config: { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_VALIDATE_SIGNATURES: true, WHATSAPP_MAX_MESSAGE_CHARS: MAX_CHARS },
      temporal: { client: worker.client, taskQueue: worker.taskQueue },
    });
    const app = createApp({ logger: testLogger, readinessChecks: {}, routers: [{ path: '/', router }] });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await worker?.stop();
    await rest?.stop();
    await db?.close();
  });

  it('stores a signed message once per MessageSid and the assistant answers through Twilio WhatsApp', async () => {
    const body = params();
    const first = await post(body);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/xml/);
    const replies = await waitFor(() => rest.sentTo(`whatsapp:${contact}`), (sent) => sent.length === 1, 60_000);
    expect(replies[0]).toMatchObject({ from: `whatsapp:${businessNumber}` });
    expect(replies[0]!.body).toContain('קליניקת טוויליו');

    // Twilio retries the same webhook: still 200, still one message, still one reply.
    expect((await post(body)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stored = await db.withTenant({ businessId }, () => Message.findAll({ where: { providerMessageId: body.MessageSid } }));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ direction: 'inbound', body: 'שלום', provider: 'twilio' });
    expect(rest.sentTo(`whatsapp:${contact}`)).toHaveLength(1);
  });

  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const body = params();
    expect((await post(body, null)).status).toBe(403);
    expect((await post(body, sign(body, 'another-token'))).status).toBe(403);
    expect((await post({ ...body, Body: 'changed after signing' }, sign(body))).status).toBe(403);
    expect(await db.withTenant({ businessId }, () => Message.count({ where: { providerMessageId: body.MessageSid } }))).toBe(0);
  });

  it('rejects malformed bodies with 400 and field messages in Hebrew and English', async () => {
    const malformed = params({ MessageSid: 'not-a-sid', From: '+972507654321', Body: '' });
    const response = await post(malformed);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { code: string; fields: Record<string, string[]> } };
    expect(answer.error.code).toBe('validation_failed');
    expect(Object.keys(answer.error.fields).sort()).toEqual(['Body', 'From', 'MessageSid']);
    expect(answer.error.fields.From![0]).toMatch(/whatsapp:\+/);
    expect(answer.error.fields.From![0]).toMatch(/[\u05d0-\u05ea]/);
  });

  it('answers 404 for a number no business receives WhatsApp on, and 413 for an oversized message', async () => {
    const unknown = await post(params({ To: 'whatsapp:+97236999999' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_number');
    const long = params({ Body: 'א'.repeat(MAX_CHARS + 1) });
    const tooLong = await post(long);
    expect(tooLong.status).toBe(413);
    expect(await db.withTenant({ businessId }, () => Message.count({ where: { providerMessageId: long.MessageSid } }))).toBe(0);
  });

  it('allows only POST', async () => {
    const response = await fetch(`${base}${TWILIO_MESSAGING_PATH}`);
    expect(response.status).toBe(405);
  });
});
