import WebSocket from 'ws';
import { OpenAIRealtimeFake } from '../../devtools/fakes/openai-realtime-fake';
import { mulawTone } from '../../realtime/mulaw';

/** The local model fake must behave like the real service where the bridge depends on it. */
describe('OpenAI Realtime fake', () => {
  let fake: OpenAIRealtimeFake;
  beforeAll(async () => {
    fake = new OpenAIRealtimeFake({ greetingMs: 200, requireApiKey: 'sk-fake' });
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  async function open(): Promise<{ socket: WebSocket; next: (type: string) => Promise<Record<string, unknown>> }> {
    const socket = new WebSocket(fake.url, { headers: { Authorization: 'Bearer sk-fake' } });
    const received: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    socket.on('message', (data: WebSocket.RawData) => {
      received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const next = async (type: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const index = received.findIndex((e) => e.type === type);
        if (index >= 0) return received.splice(index, 1)[0]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    return { socket, next };
  }

  it('refuses a connection without the API key', async () => {
    const socket = new WebSocket(fake.url);
    const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
  });

  it('rejects beta-only session fields with an error event, accepts the GA shape', async () => {
    const { socket, next } = await open();
    await next('session.created');
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', input_audio_format: 'g711_ulaw' } }));
    expect(await next('error')).toMatchObject({ error: { type: 'invalid_request_error', code: 'unknown_parameter', param: 'session.input_audio_format' } });
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } } }));
    expect(await next('session.updated')).toMatchObject({ session: { audio: { input: { format: { type: 'audio/pcmu' } } } } });
    socket.close();
  });

  it('streams a reply, refuses a truncate past the audio and a cancel with nothing active, reports speech', async () => {
    const { socket, next } = await open();
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad', silence_duration_ms: 100, create_response: false } } } } }));
    await next('session.updated');
    socket.send(JSON.stringify({ type: 'response.create' }));
    const delta = await next('response.output_audio.delta');
    const done = await next('response.done');
    expect(done).toMatchObject({ response: { status: 'completed', usage: { output_token_details: { audio_tokens: 4 } } } });
    socket.send(JSON.stringify({ type: 'conversation.item.truncate', item_id: delta.item_id, content_index: 0, audio_end_ms: 201 }));
    expect(await next('error')).toMatchObject({ error: { param: 'audio_end_ms' } });
    socket.send(JSON.stringify({ type: 'conversation.item.truncate', item_id: delta.item_id, content_index: 0, audio_end_ms: 150 }));
    expect(await next('conversation.item.truncated')).toMatchObject({ item_id: delta.item_id, audio_end_ms: 150 });
    socket.send(JSON.stringify({ type: 'response.cancel' }));
    expect(await next('error')).toMatchObject({ error: { code: 'response_cancel_not_active' } });
    socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: mulawTone(200, 300, 6000).toString('base64') }));
    socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.alloc(1600, 0xff).toString('base64') }));
    await next('input_audio_buffer.speech_started');
    await next('input_audio_buffer.speech_stopped');
    expect(await next('conversation.item.input_audio_transcription.completed')).toMatchObject({ transcript: fake.script.callerTranscript });
    socket.close();
  });
});
