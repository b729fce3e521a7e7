import { createAssistantProvider, LocalAssistantProvider, OpenAiAssistantProvider, type CallTranscriptTurn } from './assistant-provider';

const at = '2026-11-23T08:00:00.000Z';
const turn = (role: CallTranscriptTurn['role'], text: string): CallTranscriptTurn => ({ role, text, at });

describe('LocalAssistantProvider', () => {
  const provider = new LocalAssistantProvider();

  it('takes the name after an introduction and the phone said in words, and summarizes what the caller said', async () => {
    const result = await provider.summarizeCall({
      transcript: [
        turn('assistant', 'שלום, במה אפשר לעזור?'),
        turn('caller', 'היי, קוראים לי דנה כהן ואני רוצה לקבוע תור לתספורת'),
        turn('caller', 'הטלפון שלי אפס חמש אפס, שבע שבע שבע, אחת שתיים שלוש ארבע'),
      ],
      callerE164: null,
    });
    expect(result.lead).toEqual({ fullName: 'דנה כהן', phone: '+972507771234', need: 'היי, קוראים לי דנה כהן ואני רוצה לקבוע תור לתספורת' });
    expect(result.summary).toContain('דנה כהן');
    expect(result.summary).toContain('+972507771234');
  });

  it('stops the name at words that are not a name, reads a keypad entry, falls back to the caller id', async () => {
    const keyed = await provider.summarizeCall({ transcript: [turn('caller', 'שמי משה והטלפון שלי'), turn('system', 'DTMF: 0527654321')], callerE164: '+972501110000' });
    expect(keyed.lead).toMatchObject({ fullName: 'משה', phone: '+972527654321' });
    const silent = await provider.summarizeCall({ transcript: [turn('assistant', 'שלום?')], callerE164: '+972501110000' });
    expect(silent.lead).toEqual({ fullName: null, phone: '+972501110000', need: null });
    expect(silent.summary).toContain('ללא דברי המתקשר');
  });

  it('gives the same answer for the same transcript', async () => {
    const transcript = [turn('caller', 'שמי רון, צריך תיקון')];
    expect(await provider.summarizeCall({ transcript, callerE164: null })).toEqual(await provider.summarizeCall({ transcript, callerE164: null }));
  });
});

describe('OpenAiAssistantProvider', () => {
  it('is chosen only with an API key', () => {
    expect(createAssistantProvider({}).name).toBe('local');
    expect(createAssistantProvider({ OPENAI_API_KEY: 'sk-x' }).name).toBe('openai');
  });

  it('asks Chat Completions for JSON and checks the phone it answers with the domain parser (no network: fetch injected)', async () => {
    const requests: Array<{ url: string; body: Record<string, unknown>; auth: string | null }> = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      requests.push({ url, body: JSON.parse(init.body as string) as Record<string, unknown>, auth: new Headers(init.headers).get('authorization') });
      const content = JSON.stringify({ summary: 'דנה רוצה תור', fullName: 'דנה', phone: 'not a phone', need: 'תספורת' });
      return new Response(JSON.stringify({ choices: [{ message: { content } }] }), { status: 200 });
    }) as typeof fetch;
    const provider = new OpenAiAssistantProvider({ apiKey: 'sk-test', baseUrl: 'http://gateway.local/v1/', model: 'm', fetch: fakeFetch });
    const result = await provider.summarizeCall({ transcript: [turn('caller', 'שלום')], callerE164: '+972501110000' });
    expect(result).toEqual({ summary: 'דנה רוצה תור', lead: { fullName: 'דנה', phone: '+972501110000', need: 'תספורת' } });
    expect(requests[0]).toMatchObject({ url: 'http://gateway.local/v1/chat/completions', auth: 'Bearer sk-test', body: { model: 'm', response_format: { type: 'json_object' } } });
  });

  it('fails (for Temporal to retry) when the API answers an error', async () => {
    const provider = new OpenAiAssistantProvider({ apiKey: 'k', fetch: (async () => new Response('{}', { status: 500 })) as unknown as typeof fetch });
    await expect(provider.summarizeCall({ transcript: [], callerE164: null })).rejects.toThrow(/HTTP 500/);
  });
});
