import { audioDelta, BASE64, json, twilioMediaPayload } from './media-stream-messages';

const bytes = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const frame = Buffer.from(Array.from({ length: 160 }, (_, i) => (i * 37) & 0xff)).toString('base64');

function twilioMedia(payload: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { event: 'media', sequenceNumber: '4', media: { track: 'inbound', chunk: '2', timestamp: '45', payload }, streamSid: 'MZ1', ...extra };
}

function delta(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'response.output_audio.delta', event_id: 'event_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: frame, ...fields };
}

describe('twilioMediaPayload (the bytes fast path)', () => {
  it("reads the payload of Twilio's compact media message", () => {
    expect(twilioMediaPayload(bytes(twilioMedia(frame)))).toBe(frame);
    expect(twilioMediaPayload(bytes(twilioMedia('AAAA')))).toBe('AAAA');
  });

  it('leaves every other shape to JSON.parse (null)', () => {
    expect(twilioMediaPayload(bytes({ event: 'mark', mark: { name: 'payload' } }))).toBeNull();
    expect(twilioMediaPayload(bytes({ sequenceNumber: '1', event: 'media', media: { payload: frame } }))).toBeNull(); // another key first
    expect(twilioMediaPayload(Buffer.from(JSON.stringify(twilioMedia(frame), null, 1)))).toBeNull(); // not compact
    expect(twilioMediaPayload(bytes(twilioMedia(frame, { note: 'say "hi"' })))).toBeNull(); // an escape anywhere
    expect(twilioMediaPayload(bytes(twilioMedia(frame, { other: { payload: 'AAAA' } })))).toBeNull(); // a second payload
    expect(twilioMediaPayload(bytes('{"event":"media",'))).toBeNull();
    expect(twilioMediaPayload(bytes('{"event":"media"}'))).toBeNull();
    expect(twilioMediaPayload(Buffer.alloc(0))).toBeNull();
  });

  it('refuses what is not canonical base64, as the parsed path does', () => {
    for (const payload of ['', 'AAA', 'AA=A', 'A===', 'AA!A', 'AAAA====', 'אאאא']) {
      expect(twilioMediaPayload(bytes(twilioMedia(payload)))).toBeNull();
      expect(BASE64.test(payload) && payload.length > 0 && payload.length % 4 === 0).toBe(false);
    }
    expect(twilioMediaPayload(bytes(twilioMedia('AA==')))).toBe('AA==');
  });

  it('agrees with JSON.parse whenever it answers (random messages)', () => {
    const alphabet = 'AB+/=a9"\\ {}:,';
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let answered = 0;
    for (let i = 0; i < 2_000; i += 1) {
      const payload = random(3) === 0 ? Array.from({ length: 4 * (1 + random(4)) }, () => alphabet[random(alphabet.length)]).join('') : Buffer.from(String(i)).toString('base64');
      const text = JSON.stringify(twilioMedia(payload, random(4) === 0 ? { extra: alphabet[random(alphabet.length)] } : {}));
      const fast = twilioMediaPayload(Buffer.from(text));
      if (fast === null) continue;
      answered += 1;
      expect(fast).toBe(((json(text)!.media as Record<string, unknown>).payload as string));
    }
    expect(answered).toBeGreaterThan(1_000);
  });
});

describe('audioDelta (the bytes fast path)', () => {
  it('reads response id, item id and audio with `type` or `event_id` first', () => {
    const expected = { responseId: 'resp_1', itemId: 'item_1', delta: frame };
    expect(audioDelta(bytes(delta()))).toEqual(expected);
    const { type, ...rest } = delta();
    expect(audioDelta(bytes({ event_id: 'event_1', type, ...rest }))).toEqual(expected);
    expect(audioDelta(bytes(delta({ item_id: 'item_CJ1y9rJ8v0a3', response_id: 'resp_CJ1y9qP' })))).toEqual({ responseId: 'resp_CJ1y9qP', itemId: 'item_CJ1y9rJ8v0a3', delta: frame });
  });

  it('leaves every other shape to JSON.parse (null)', () => {
    expect(audioDelta(bytes({ type: 'response.output_audio_transcript.delta', response_id: 'r', item_id: 'i', delta: 'שלום' }))).toBeNull();
    expect(audioDelta(bytes({ type: 'response.output_audio.done', response_id: 'r', item_id: 'i' }))).toBeNull();
    expect(audioDelta(bytes(delta({ item_id: 'it\\"em' })))).toBeNull(); // escapes
    expect(audioDelta(bytes(delta({ item_id: '' })))).toBeNull();
    expect(audioDelta(bytes(delta({ delta: '' })))).toBeNull();
    expect(audioDelta(bytes(delta({ item_id: 7 })))).toBeNull();
    expect(audioDelta(bytes({ note: 'x'.repeat(120), ...delta() }))).toBeNull(); // type too far in: parse it
    expect(audioDelta(Buffer.from(JSON.stringify(delta(), null, 2)))).toBeNull();
    expect(audioDelta(bytes(`${JSON.stringify(delta()).slice(0, -1)},"extra":{"delta":"AAAA"}}`))).toBeNull(); // a second delta
  });
});
