/**
 * A local stand-in for Twilio's side of a bidirectional Media Stream: it opens
 * the WebSocket the way Twilio does (X-Twilio-Signature over the wss URL with no
 * params), sends `connected` and `start` with customParameters, streams μ-law in
 * 20 ms frames at real time, "plays" the audio it receives in real time and
 * echoes each mark once the audio before it has played, empties its buffer on
 * `clear` (echoing the pending marks at once, as Twilio does), sends `dtmf` and
 * `stop`. Development and test tooling only.
 */
import { performance } from 'node:perf_hooks';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import WebSocket, { type RawData } from 'ws';
import { loadConfig } from '../../platform/config';
import { signStreamToken } from '../../platform/stream-token';
import { mulawSilence, mulawTone } from '../../realtime/mulaw';

const FRAME_BYTES = 160;
const FRAME_MS = 20;
const BYTES_PER_MS = 8;

export interface CallerFakeOptions {
  /** Where to connect (the realtime service's address as seen from here). */
  connectUrl: string;
  /** Auth token to sign with; null = send no signature header. */
  authToken: string | null;
  /** The URL Twilio signs: the wss URL exactly as TwiML wrote it. Defaults to connectUrl. */
  signedUrl?: string;
  /** Use this signature verbatim instead of computing one. */
  signatureOverride?: string;
  callSid: string;
  streamSid?: string;
  accountSid?: string;
  customParameters: Record<string, string>;
}

export interface ReceivedFrame {
  payload: Buffer;
  atMs: number;
}

export class UpgradeRefusedError extends Error {
  constructor(readonly status: number) {
    super(`media stream upgrade refused with HTTP ${status}`);
    this.name = 'UpgradeRefusedError';
  }
}

export class TwilioCallerFake {
  readonly frames: ReceivedFrame[] = [];
  readonly marksReceived: Array<{ name: string; atMs: number }> = [];
  readonly marksEchoed: Array<{ name: string; atMs: number; afterClear: boolean }> = [];
  readonly clears: number[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly streamSid: string;
  #socket: WebSocket;
  #options: CallerFakeOptions;
  #sequence = 0;
  #chunk = 0;
  #startedAtMs = 0;
  #playheadEndMs = 0;
  #pendingMarks: Array<{ name: string; timer: NodeJS.Timeout }> = [];
  #streams = new Set<NodeJS.Timeout>();

  private constructor(socket: WebSocket, options: CallerFakeOptions) {
    this.#socket = socket;
    this.#options = options;
    this.streamSid = options.streamSid ?? `MZ${options.callSid.slice(2)}`;
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data: RawData) => this.#onMessage(data.toString()));
    socket.once('close', () => this.#stopAll());
  }

  /** Opens the stream; rejects with UpgradeRefusedError when the server answers the upgrade with an HTTP error. */
  static connect(options: CallerFakeOptions): Promise<TwilioCallerFake> {
    const headers: Record<string, string> = {};
    if (options.signatureOverride !== undefined) headers['X-Twilio-Signature'] = options.signatureOverride;
    else if (options.authToken) headers['X-Twilio-Signature'] = getExpectedTwilioSignature(options.authToken, options.signedUrl ?? options.connectUrl, {});
    const socket = new WebSocket(options.connectUrl, { headers, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefusedError(res.statusCode ?? 0));
        res.resume();
        socket.terminate();
      });
      socket.once('error', reject);
      socket.once('open', () => {
        socket.off('error', reject);
        resolve(new TwilioCallerFake(socket, options));
      });
    });
  }

  get socket(): WebSocket {
    return this.#socket;
  }

  #send(message: Record<string, unknown>): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#sequence += 1;
    this.#socket.send(JSON.stringify({ ...message, sequenceNumber: String(this.#sequence) }));
  }

  /** `connected` then `start`, as Twilio sends them right after the upgrade. */
  start(): void {
    this.#startedAtMs = performance.now();
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.#send({
      event: 'start',
      streamSid: this.streamSid,
      start: {
        accountSid: this.#options.accountSid ?? 'AC00000000000000000000000000000000',
        streamSid: this.streamSid,
        callSid: this.#options.callSid,
        tracks: ['inbound'],
        customParameters: this.#options.customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** One media message with this payload (any size). Returns the base64 sent. */
  sendMedia(bytes: Buffer): string {
    this.#chunk += 1;
    const payload = bytes.toString('base64');
    this.#send({
      event: 'media',
      streamSid: this.streamSid,
      media: { track: 'inbound', chunk: String(this.#chunk), timestamp: String(Math.round(performance.now() - this.#startedAtMs)), payload },
    });
    return payload;
  }

  /**
   * Streams audio in 20 ms frames at real time on a drift-free schedule.
   * Resolves with the payloads sent once the last frame has gone.
   */
  streamAudio(audio: Buffer, onSent?: (payload: string, atMs: number) => void): Promise<string[]> {
    const payloads: string[] = [];
    const startMs = performance.now();
    let index = 0;
    return new Promise((resolve) => {
      const tick = () => {
        this.#streams.delete(timer);
        const dueFrames = Math.floor((performance.now() - startMs) / FRAME_MS) + 1;
        while (index < dueFrames && index * FRAME_BYTES < audio.length) {
          const frame = audio.subarray(index * FRAME_BYTES, (index + 1) * FRAME_BYTES);
          const payload = this.sendMedia(frame);
          onSent?.(payload, performance.now());
          payloads.push(payload);
          index += 1;
        }
        if (index * FRAME_BYTES >= audio.length || this.#socket.readyState !== WebSocket.OPEN) {
          resolve(payloads);
          return;
        }
        timer = setTimeout(tick, Math.max(0, startMs + index * FRAME_MS - performance.now()));
        this.#streams.add(timer);
      };
      let timer = setTimeout(tick, 0);
      this.#streams.add(timer);
    });
  }

  sendDtmf(digit: string): void {
    this.#send({ event: 'dtmf', streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
  }

  stop(): void {
    this.#send({ event: 'stop', streamSid: this.streamSid, stop: { accountSid: this.#options.accountSid ?? 'AC00000000000000000000000000000000', callSid: this.#options.callSid } });
  }

  close(): void {
    this.#stopAll();
    if (this.#socket.readyState === WebSocket.OPEN || this.#socket.readyState === WebSocket.CONNECTING) this.#socket.close(1000);
  }

  /** ms of received audio not yet "played". */
  get bufferedMs(): number {
    return Math.max(0, this.#playheadEndMs - performance.now());
  }

  #onMessage(text: string): void {
    const message = JSON.parse(text) as { event?: string; streamSid?: string; media?: { payload?: string }; mark?: { name?: string } };
    const now = performance.now();
    switch (message.event) {
      case 'media': {
        const payload = message.media?.payload ?? '';
        const bytes = Buffer.from(payload, 'base64');
        this.frames.push({ payload: bytes, atMs: now });
        this.#playheadEndMs = Math.max(now, this.#playheadEndMs) + bytes.length / BYTES_PER_MS;
        break;
      }
      case 'mark': {
        const name = message.mark?.name ?? '';
        this.marksReceived.push({ name, atMs: now });
        const delay = Math.max(0, this.#playheadEndMs - now);
        const entry = {
          name,
          timer: setTimeout(() => {
            this.#pendingMarks = this.#pendingMarks.filter((m) => m !== entry);
            this.#echoMark(name, false);
          }, delay),
        };
        this.#pendingMarks.push(entry);
        break;
      }
      case 'clear': {
        this.clears.push(now);
        this.#playheadEndMs = now;
        const pending = this.#pendingMarks;
        this.#pendingMarks = [];
        for (const mark of pending) {
          clearTimeout(mark.timer);
          this.#echoMark(mark.name, true);
        }
        break;
      }
      default:
        break;
    }
  }

  #echoMark(name: string, afterClear: boolean): void {
    this.marksEchoed.push({ name, atMs: performance.now(), afterClear });
    this.#send({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }

  #stopAll(): void {
    for (const timer of this.#streams) clearTimeout(timer);
    this.#streams.clear();
    for (const mark of this.#pendingMarks) clearTimeout(mark.timer);
    this.#pendingMarks = [];
  }
}

/**
 * `npx tsx devtools/fakes/twilio-caller-fake.ts <businessId>`: places one simulated call against the
 * realtime service configured in the environment (REALTIME_PORT, PUBLIC_REALTIME_URL, TWILIO_AUTH_TOKEN,
 * STREAM_TOKEN_SECRET), talks for a moment, presses a few keys and hangs up.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const businessId = process.argv[2];
  if (!businessId) throw new Error('usage: twilio-caller-fake.ts <businessId>');
  const callSid = `CA${Date.now().toString(16).padStart(32, '0')}`;
  const caller = await TwilioCallerFake.connect({
    connectUrl: `ws://127.0.0.1:${config.REALTIME_PORT}/media-stream`,
    signedUrl: config.PUBLIC_REALTIME_URL,
    authToken: config.TWILIO_AUTH_TOKEN ?? null,
    callSid,
    customParameters: { businessId, callSid, token: signStreamToken({ businessId, callSid }, config.STREAM_TOKEN_SECRET, 60) },
  });
  caller.start();
  await caller.streamAudio(Buffer.concat([mulawSilence(3_000), mulawTone(800, 300, 6_000), mulawSilence(2_000)]));
  for (const digit of '123#') caller.sendDtmf(digit);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  caller.stop();
  console.log(`received ${caller.frames.length} frames, ${caller.marksEchoed.length} marks echoed, ${caller.clears.length} clears`);
  caller.close();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
