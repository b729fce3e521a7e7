import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { OpenAIRealtimeFake } from '../../devtools/fakes/openai-realtime-fake';
import { defaultProfile } from '../../realtime/assistant-profile';
import { StaticAssistantTools } from '../../realtime/assistant-tools';
import { CallBridge } from '../../realtime/call-bridge';
import { RecordingCallEvents } from '../../realtime/call-events';
import { DEFAULT_REALTIME_PRICES } from '../../realtime/pricing';
import { testLogger } from '../support/infra';

/** A Twilio-side socket whose send buffer the test controls. */
class SlowTwilioSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    this.emit('close', 1000, Buffer.alloc(0));
  }
  deliver(message: Record<string, unknown>): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }
  media(): number {
    return this.sent.filter((m) => m.event === 'media').length;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('outbound backpressure', () => {
  let fake: OpenAIRealtimeFake;
  beforeAll(async () => {
    fake = new OpenAIRealtimeFake({ greetingMs: 3_000 });
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('stops pulling while the Twilio socket is backed up, caps the queue by dropping the oldest frames (counted), and resumes', async () => {
    const socket = new SlowTwilioSocket();
    const events = new RecordingCallEvents();
    const bridge = new CallBridge({
      twilioSocket: socket as unknown as WebSocket,
      logger: testLogger,
      modelUrl: fake.url,
      authorizeStart: () => ({ ok: true, businessId: 'b-1' }),
      loadProfile: (businessId) => Promise.resolve(defaultProfile(businessId)),
      tools: new StaticAssistantTools(),
      events,
      prices: DEFAULT_REALTIME_PRICES,
      timing: { outboundQueueMaxMs: 1_000, twilioMaxBufferedBytes: 4_096 },
    });
    socket.bufferedAmount = 1_000_000; // the network to Twilio is stuck
    socket.deliver({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    socket.deliver({ event: 'start', streamSid: 'MZ1', start: { streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', customParameters: {} } });
    const session = await (async () => {
      await waitUntil(() => fake.sessions.length === 1);
      return fake.sessions[0]!;
    })();
    // The whole 3 s greeting arrives from the model (faster than real time) while nothing can be sent.
    await waitUntil(() => session.events.some((e) => e.type === 'response.create'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(socket.media()).toBe(0);
    expect(bridge.stats.outboundDroppedFrames).toBe(100); // 150 frames, cap 50

    socket.bufferedAmount = 0; // drained
    await waitUntil(() => socket.media() === 50, 3_000);
    const marks = socket.sent.filter((m) => m.event === 'mark').map((m) => (m.mark as { name: string }).name);
    // The frames kept are the newest: their marks carry item positions 2000..3000 ms.
    expect(marks.at(-1)).toMatch(/:3000$/);
    expect(marks[0]).toMatch(/:2100$/);
    socket.deliver({ event: 'stop', streamSid: 'MZ1', stop: { callSid: 'CA1' } });
    const end = await events.waitFor('end');
    expect(end.stats).toMatchObject({ framesOut: 50, outboundDroppedFrames: 100 });
    await session.closed;
  });
});
