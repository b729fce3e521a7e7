import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog, Call, PhoneNumber } from '../../data';
import { LocalRecordingStorage } from '../../platform/recordings/storage';
import { buildSessionUpdate } from '../../realtime/assistant-profile';
import { StaticAssistantTools } from '../../realtime/assistant-tools';
import { databaseProfileLoader } from '../../realtime';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';
import { testLogger } from '../support/infra';

describe('calls and AI settings through the API', () => {
  let t: TestApi;
  let biz: TestBusiness;
  let owner: Client;
  let agent: Client;
  const recordingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-calls-api-'));
  const storage = new LocalRecordingStorage(recordingsDir);

  beforeAll(async () => {
    t = await startTestApi({ recordings: storage });
    biz = await createTestBusiness(t.db, 'עסק השיחות');
    owner = new Client(t.base);
    await owner.login(biz.users.owner.email);
    agent = new Client(t.base);
    await agent.login(biz.users.agent.email);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    fs.rmSync(recordingsDir, { recursive: true, force: true });
  });

  it('keeps instruction versions, rolls back by adding a version, edits the FAQ, and the call profile uses all of it', async () => {
    const initial = await owner.get<{ settings: { isDefault: boolean; voice: string } }>('/assistant');
    expect(initial.status).toBe(200);
    expect(initial.body.settings).toMatchObject({ isDefault: true, voice: 'ash' });
    expect((await agent.get('/assistant')).status).toBe(403);

    const settings = { assistantName: 'רוני', greeting: 'שלום, כאן רוני מהמספרה. במה אפשר לעזור?', voice: 'echo', vadThreshold: 0.6, vadPrefixPaddingMs: 250, vadSilenceDurationMs: 800, transferPhone: '054-111-2222' };
    const put = await owner.request<{ settings: { transferPhoneE164: string } }>('PUT', '/assistant/settings', settings);
    expect(put.status).toBe(200);
    expect(put.body.settings.transferPhoneE164).toBe('+972541112222');
    const badPhone = await owner.request<{ error: { fields: Record<string, string[]> } }>('PUT', '/assistant/settings', { ...settings, transferPhone: 'לא מספר' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.fields.transferPhone?.[0]).toMatch(/מספר ההעברה/);
    const bad = await owner.request<{ error: { fields: Record<string, string[]> } }>('PUT', '/assistant/settings', { ...settings, voice: 'robot', vadThreshold: 2 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['vadThreshold', 'voice']);

    const v1 = await owner.request<{ version: { version: number } }>('POST', '/assistant/instructions', { channel: 'voice', body: 'תציע תמיד תספורת וזקן יחד.' });
    expect(v1.body.version.version).toBe(1);
    await owner.request('POST', '/assistant/instructions', { channel: 'voice', body: 'גרסה שנייה, פחות טובה.' });
    await owner.request('POST', '/assistant/instructions', { channel: 'whatsapp', body: 'בוואטסאפ כותבים קצר.' });
    const restored = await owner.request<{ version: { version: number; restoredFromVersion: number; isActive: boolean } }>('POST', '/assistant/instructions/restore', { channel: 'voice', version: 1 });
    expect(restored.status).toBe(201);
    expect(restored.body.version).toMatchObject({ version: 3, restoredFromVersion: 1, isActive: true });
    expect((await owner.request('POST', '/assistant/instructions/restore', { channel: 'voice', version: 99 })).status).toBe(404);

    const faq = await owner.request<{ faq: { id: string } }>('POST', '/assistant/faq', { question: 'יש חניה?', answer: 'כן, חניה חינם מאחורי הבניין.', channels: ['voice'] });
    expect(faq.status).toBe(201);
    await owner.request('POST', '/assistant/faq', { question: 'אתם עובדים בשבת?', answer: 'לא.', channels: ['whatsapp'] });
    expect((await owner.request('PATCH', `/assistant/faq/${faq.body.faq.id}`, { answer: 'כן, חניה חינם ברחוב הסמוך.' })).status).toBe(200);

    const all = await owner.get<{ instructions: { voice: Array<{ version: number; isActive: boolean }> }; faq: unknown[] }>('/assistant');
    expect(all.body.instructions.voice.map((v) => [v.version, v.isActive])).toEqual([[3, true], [2, false], [1, false]]);
    expect(all.body.faq).toHaveLength(2);

    // What the next call is configured with.
    const profile = await databaseProfileLoader(t.db, testLogger)(biz.id);
    expect(profile).toMatchObject({ assistantName: 'רוני', greeting: settings.greeting, voice: 'echo', instructions: 'תציע תמיד תספורת וזקן יחד.', vad: { threshold: 0.6, prefixPaddingMs: 250, silenceDurationMs: 800 } });
    expect(profile.faq).toEqual([{ id: faq.body.faq.id, question: 'יש חניה?', answer: 'כן, חניה חינם ברחוב הסמוך.' }]);
    const session = buildSessionUpdate(profile, []) as { session: { instructions: string; audio: { output: { voice: string }; input: { turn_detection: { silence_duration_ms: number } } } } };
    expect(session.session.instructions).toContain('תציע תמיד תספורת וזקן יחד.');
    expect(session.session.audio.output.voice).toBe('echo');
    expect(session.session.audio.input.turn_detection.silence_duration_ms).toBe(800);
    const answer = await new StaticAssistantTools().invoke('answer_faq', { question: 'יש לכם חניה?' }, { businessId: biz.id, callSid: 'CAx', faq: profile.faq });
    expect(answer.output).toEqual({ found: true, answer: 'כן, חניה חינם ברחוב הסמוך.' });

    expect((await owner.request('DELETE', `/assistant/faq/${faq.body.faq.id}`)).status).toBe(204);
    expect((await owner.request('DELETE', `/assistant/faq/${faq.body.faq.id}`)).status).toBe(404);

    // Every change is audited with who made it, the area, and before/after; refused changes are not.
    const rows = await t.db.withSystemScope('test reads audit', () => AuditLog.findAll({ where: { businessId: biz.id, action: 'settings.change' }, order: [['createdAt', 'ASC']] }));
    const changes = rows.map((row) => row.details as Record<string, unknown>).filter((details) => String(details.area).startsWith('assistant_'));
    expect(rows.every((row) => row.actorUserId === biz.users.owner.id)).toBe(true);
    expect(changes.map((details) => [details.area, details.operation ?? details.channel ?? null])).toEqual([
      ['assistant_settings', null],
      ['assistant_instructions', 'voice'],
      ['assistant_instructions', 'voice'],
      ['assistant_instructions', 'whatsapp'],
      ['assistant_instructions', 'voice'],
      ['assistant_faq', 'create'],
      ['assistant_faq', 'create'],
      ['assistant_faq', 'update'],
      ['assistant_faq', 'delete'],
    ]);
    expect(changes[0]).toMatchObject({ before: null, after: { voice: 'echo', vadThreshold: 0.6, vadSilenceDurationMs: 800 }, changed: expect.arrayContaining(['voice', 'vadThreshold']) });
    expect(changes[4]).toMatchObject({ version: 3, restoredFromVersion: 1 });
    expect(changes[7]).toMatchObject({ before: { answer: 'כן, חניה חינם מאחורי הבניין.' }, after: { answer: 'כן, חניה חינם ברחוב הסמוך.' } });
    expect(changes[8]).toMatchObject({ before: { id: faq.body.faq.id } });
  });

  it('lists calls, shows one with its tool calls, and streams its recording (whole and by range) to the business only', async () => {
    const media = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 256));
    const callSid = `CAapi${Date.now()}`;
    const key = `${biz.id}/${callSid}/REapi.mp3`;
    await storage.put(key, media, 'audio/mpeg');
    const call = await t.db.withTenant({ businessId: biz.id }, () =>
      Call.create({
        businessId: biz.id,
        callSid,
        direction: 'inbound',
        fromE164: '+972501234567',
        status: 'completed',
        summary: 'הלקוחה קבעה תור',
        transcript: [{ role: 'caller', text: 'שלום', at: new Date().toISOString() }],
        toolCalls: [{ name: 'book_appointment', at: new Date().toISOString(), ok: true, args: { slotStart: 'מחר בעשר' }, result: { booked: true } }],
        costUsd: '0.012345',
        recordingPath: key,
        recordingContentType: 'audio/mpeg',
        workflowId: `call/${biz.id}/${callSid}`,
      }),
    );
    const list = await agent.get<{ calls: Array<{ id: string; hasRecording: boolean }> }>('/calls');
    expect(list.body.calls.find((c) => c.id === call.id)).toMatchObject({ hasRecording: true });
    const detail = await agent.get<{ call: Record<string, unknown> }>(`/calls/${call.id}`);
    expect(detail.body.call).toMatchObject({ summary: 'הלקוחה קבעה תור', costUsd: 0.012345, toolCalls: [expect.objectContaining({ name: 'book_appointment', args: { slotStart: 'מחר בעשר' } })], workflowUrl: expect.stringContaining(encodeURIComponent(`call/${biz.id}/${callSid}`)) });

    const whole = await fetch(`${t.base}/calls/${call.id}/recording`, { headers: { cookie: agent.cookie!, 'x-forwarded-for': agent.ip } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await whole.arrayBuffer()).equals(media)).toBe(true);
    const part = await fetch(`${t.base}/calls/${call.id}/recording`, { headers: { cookie: agent.cookie!, 'x-forwarded-for': agent.ip, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/3000');
    expect(Buffer.from(await part.arrayBuffer()).equals(media.subarray(100, 200))).toBe(true);
    expect((await fetch(`${t.base}/calls/${call.id}/recording`)).status).toBe(401);

    const other = await createTestBusiness(t.db, 'עסק אחר');
    const stranger = new Client(t.base);
    await stranger.login(other.users.owner.email);
    expect((await stranger.get(`/calls/${call.id}/recording`)).status).toBe(404);
  });

  it('refuses an outbound call without an Idempotency-Key, and explains when it cannot dial', async () => {
    expect((await owner.request('POST', '/calls', { to: '0529990001' })).status).toBe(400);
    await t.db.withSystemScope('test fixture', () => PhoneNumber.create({ businessId: biz.id, e164: `+97237${String(Date.now()).slice(-6)}`, channels: ['voice'] }));
    const refused = await owner.request<{ error: { code: string; messages: { he: string } } }>('POST', '/calls', { to: '0529990001' }, { 'idempotency-key': `outbound-${Date.now()}` });
    // The test worker has no Twilio credentials: refused with the reason, nothing dialed.
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('call_not_configured');
    expect(refused.body.error.messages.he).toMatch(/שיחות יוצאות/);
  }, 30_000);
});
