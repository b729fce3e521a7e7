/**
 * The load side of the realtime bench: N Twilio callers and the OpenAI Realtime model they reach
 * through the bridge under test, both in the bench process. The wire is the same as the fakes' in
 * devtools/fakes (RFC 6455 frames, Twilio Media Streams messages, Realtime GA events); what differs
 * is the cost per message, so that at 200 calls the harness is not what the bench measures:
 *  - one 1 ms timer drives every call's 20 ms frames in both directions and the mark echoes (the
 *    fakes arm a timer per frame and per mark);
 *  - each frame's first 6 audio bytes are a stamp (stream, frame number); its 8 base64 characters
 *    lead to the departure time in a typed array, not through a map of payload strings;
 *  - messages are recognised by their bytes (media, mark, clear, append), JSON.parse only for the
 *    rest; callers mask with an all-zero key (RFC 6455 allows any key; ws then skips masking).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { mulawTone } from '../realtime/mulaw';

const FRAME_MS = 20;
const FRAME_BYTES = 160;
const STAMP_BYTES = 6;
/** Frames per stream the departure tables hold (2^24 at most: the stamp keeps 3 bytes of frame number). */
const MAX_FRAMES = 4_096;

const SILENCE_REST = Buffer.alloc(FRAME_BYTES - STAMP_BYTES, 0xff).toString('base64');
const TONE_REST = mulawTone(FRAME_MS, 440, 8_000).subarray(STAMP_BYTES).toString('base64');

/** 8 base64 characters of a 6-byte stamp: stream (2 bytes), frame (3 bytes), direction tag. */
function stampBase64(stream: number, frame: number, tag: number): string {
  const bytes = Buffer.from([stream >> 8, stream & 0xff, (frame >> 16) & 0xff, (frame >> 8) & 0xff, frame & 0xff, tag]);
  return bytes.toString('base64');
}

const BASE64_VALUES = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64_VALUES[c.charCodeAt(0)] = i;

/** Reads the stamp whose 8 base64 characters start at `at`: [stream, frame, tag], or null. */
function readStamp(data: Buffer, at: number): [number, number, number] | null {
  if (at + 8 > data.length) return null;
  let n = 0; // 48 bits: exact in a double
  for (let i = 0; i < 8; i += 1) {
    const value = BASE64_VALUES[data[at + i]! & 0x7f]!;
    if (value < 0) return null;
    n = n * 64 + value;
  }
  return [Math.floor(n / 2 ** 32), Math.floor(n / 256) % 2 ** 24, n % 256];
}

const INBOUND_TAG = 0x11;
const OUTBOUND_TAG = 0x22;

export interface LoadSamples {
  /** Caller -> model, ms, per frame. */
  inbound: number[];
  /** Model -> caller, ms, per frame. */
  outbound: number[];
  collecting: boolean;
}

interface Scheduled {
  /** Next frame due (performance.now() ms); Infinity = not streaming. */
  dueMs: number;
  frame: number;
}

/** Sends one due frame per stream per tick; late slots are skipped, never sent as a burst. */
function advance(stream: Scheduled, now: number): boolean {
  if (stream.dueMs > now) return false;
  stream.dueMs += FRAME_MS;
  if (stream.dueMs <= now) stream.dueMs += FRAME_MS * Math.ceil((now - stream.dueMs) / FRAME_MS);
  return true;
}

// ------------------------------------------------------------------ model

const APPEND_PREFIX = Buffer.from('{"type":"input_audio_buffer.append","audio":"');
const DELTA_PREFIX = Buffer.from('{"type":"response.output_audio.delta",');
const DELTA_KEY = Buffer.from('"delta":"');
const MEDIA_PREFIX = Buffer.from('{"event":"media"');
const PAYLOAD_KEY = Buffer.from('"payload":"');

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length > prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

type ModelMode = { kind: 'realtime'; spread: boolean } | { kind: 'burst'; greetingBytes: number; deltaBytes: number };

class LoadModelSession implements Scheduled {
  dueMs = Infinity;
  frame = 0;
  #counter = 0;
  #responseId: string | null = null;
  #itemId: string | null = null;
  #prefix = '';

  constructor(
    readonly index: number,
    readonly socket: WebSocket,
    readonly model: LoadModel,
  ) {
    socket.on('message', (data: RawData) => this.#onMessage(data as Buffer));
    socket.on('close', () => model.sessions.delete(this));
    this.#send({ type: 'session.created', session: { id: `sess_${index}`, object: 'realtime.session', type: 'realtime', model: 'gpt-realtime' } });
  }

  #id(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_${this.index}_${this.#counter}`;
  }

  #send(event: Record<string, unknown>): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ event_id: this.#id('event'), ...event }));
  }

  #onMessage(data: Buffer): void {
    if (startsWith(data, APPEND_PREFIX)) {
      const stamp = readStamp(data, APPEND_PREFIX.length);
      if (stamp && stamp[2] === INBOUND_TAG) this.model.onInbound(stamp[0], stamp[1], performance.now());
      return;
    }
    if (startsWith(data, MEDIA_PREFIX)) {
      // A caller's own message: the bench's null relay hands the caller's bytes over unchanged.
      const stamp = readStamp(data, data.indexOf(PAYLOAD_KEY) + PAYLOAD_KEY.length);
      if (stamp && stamp[2] === INBOUND_TAG) this.model.onInbound(stamp[0], stamp[1], performance.now());
      return;
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      this.#send({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_json', message: 'not JSON', param: null, event_id: null } });
      return;
    }
    if (event.event === 'start' && !this.#responseId) return this.#startResponse(); // null relay: the caller's stream began
    switch (event.type) {
      case 'session.update':
        this.#send({ type: 'session.updated', session: { id: `sess_${this.index}`, object: 'realtime.session', ...(event.session as object) } });
        break;
      case 'conversation.item.create': {
        const item = { ...(event.item as object), id: this.#id('item') };
        this.#send({ type: 'conversation.item.added', previous_item_id: null, item });
        this.#send({ type: 'conversation.item.done', previous_item_id: null, item });
        break;
      }
      case 'response.create':
        if (this.#responseId) {
          this.#send({ type: 'error', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'active response in progress', param: null, event_id: event.event_id ?? null } });
          break;
        }
        this.#startResponse();
        break;
      case 'response.cancel':
        this.#finishResponse('cancelled');
        break;
      case 'conversation.item.truncate':
        this.#send({ type: 'conversation.item.truncated', item_id: event.item_id, content_index: 0, audio_end_ms: event.audio_end_ms });
        break;
      default:
        break;
    }
  }

  #startResponse(): void {
    this.#responseId = this.#id('resp');
    this.#itemId = this.#id('item');
    this.#send({ type: 'response.created', response: { id: this.#responseId, object: 'realtime.response', status: 'in_progress', output: [], metadata: null } });
    this.#send({ type: 'response.output_item.added', response_id: this.#responseId, output_index: 0, item: { id: this.#itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    this.#prefix = `","response_id":"${this.#responseId}","item_id":"${this.#itemId}","output_index":0,"content_index":0,"delta":"`;
    const mode = this.model.mode;
    if (mode.kind === 'burst') {
      const delta = Buffer.alloc(mode.deltaBytes, 0xff).toString('base64');
      for (let sent = 0; sent < mode.greetingBytes; sent += mode.deltaBytes) this.#sendRaw(`{"type":"response.output_audio.delta","event_id":"${this.#id('event')}${this.#prefix}${delta}"}`);
      this.#finishResponse('completed');
      return;
    }
    const now = performance.now();
    this.dueMs = now + (mode.spread ? Math.random() * FRAME_MS : FRAME_MS - (now % FRAME_MS));
    this.model.sessions.add(this);
  }

  /** One 20 ms delta, stamped (called by the harness's tick). */
  sendDelta(): void {
    const frame = this.frame % MAX_FRAMES;
    this.frame += 1;
    const text = `{"type":"response.output_audio.delta","event_id":"${this.#id('event')}${this.#prefix}${stampBase64(this.index, frame, OUTBOUND_TAG)}${TONE_REST}"}`;
    this.model.outboundSentAt(this.index)[frame] = performance.now(); // this frame's own departure, not the tick's start
    this.#sendRaw(text);
  }

  #sendRaw(text: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  #finishResponse(status: 'completed' | 'cancelled'): void {
    if (!this.#responseId) return;
    this.dueMs = Infinity;
    this.model.sessions.delete(this);
    this.#send({ type: 'response.output_audio.done', response_id: this.#responseId, item_id: this.#itemId, output_index: 0, content_index: 0 });
    this.#send({ type: 'response.output_item.done', response_id: this.#responseId, output_index: 0, item: { id: this.#itemId, type: 'message', role: 'assistant', status: status === 'completed' ? 'completed' : 'incomplete' } });
    this.#send({ type: 'response.done', response: { id: this.#responseId, object: 'realtime.response', status, metadata: null, usage: null } });
    this.#responseId = null;
  }
}

/**
 * The Realtime model end of every call. `realtime` mode: each response streams stamped 160-byte
 * deltas at real time until the call ends. `burst` mode: the whole greeting at once (pacing test).
 */
export class LoadModel {
  readonly sessions = new Set<LoadModelSession>();
  #server = http.createServer((_req, res) => res.writeHead(404).end());
  #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: true, maxPayload: 1 << 20 });
  #connections = 0;
  #sentAt: Float64Array[] = [];
  #sockets = new Set<WebSocket>();

  constructor(
    readonly mode: ModelMode,
    readonly samples: LoadSamples,
  ) {
    this.#server.on('upgrade', (req, socket, head) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        this.#sockets.add(ws);
        ws.on('close', () => this.#sockets.delete(ws));
        new LoadModelSession(this.#connections++, ws, this);
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1/realtime?model=gpt-realtime`;
  }

  outboundSentAt(stream: number): Float64Array {
    return (this.#sentAt[stream] ??= new Float64Array(MAX_FRAMES));
  }

  /** Departure times of the callers' frames, shared with the callers (same clock). */
  inboundSentAt: Float64Array[] = [];

  onInbound(stream: number, frame: number, at: number): void {
    const sentAt = this.inboundSentAt[stream]?.[frame];
    if (sentAt && this.samples.collecting) this.samples.inbound.push(at - sentAt);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

// ------------------------------------------------------------------ callers

const QUOTE = 0x22;

export interface LoadCallerOptions {
  index: number;
  connectUrl: string;
  signedUrl: string;
  authToken: string;
  callSid: string;
  customParameters: Record<string, string>;
  /** Keep every frame's arrival and size (pacing phase). */
  recordArrivals: boolean;
}

const zeroMask = (mask: Buffer): void => {
  mask.fill(0);
};

/** One Twilio Media Stream: signed upgrade, connected/start, stamped 20 ms frames, playback-timed mark echoes. */
export class LoadCaller implements Scheduled {
  dueMs = Infinity;
  frame = 0;
  readonly streamSid: string;
  readonly sentAt = new Float64Array(MAX_FRAMES);
  readonly arrivals: number[] = [];
  readonly arrivalBytes: number[] = [];
  readonly closed: Promise<void>;
  #sequence = 0;
  #startedAt = 0;
  #playheadEndMs = 0;
  #marks: Array<{ name: string; dueMs: number }> = [];

  private constructor(
    readonly socket: WebSocket,
    readonly options: LoadCallerOptions,
    readonly harness: LoadHarness,
  ) {
    this.streamSid = `MZ${options.callSid.slice(2)}`;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data: RawData) => this.#onMessage(data as Buffer));
  }

  static connect(options: LoadCallerOptions, harness: LoadHarness): Promise<LoadCaller> {
    const headers = { 'X-Twilio-Signature': getExpectedTwilioSignature(options.authToken, options.signedUrl, {}) };
    const socket = new WebSocket(options.connectUrl, { headers, perMessageDeflate: false, skipUTF8Validation: true, generateMask: zeroMask });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
      socket.once('open', () => {
        socket.off('error', reject);
        resolve(new LoadCaller(socket, options, harness));
      });
    });
  }

  /** `connected` and `start`, as Twilio sends them right after the upgrade. */
  start(): void {
    this.#startedAt = performance.now();
    this.socket.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    this.#sendEvent({
      event: 'start',
      streamSid: this.streamSid,
      start: {
        accountSid: 'AC00000000000000000000000000000000',
        streamSid: this.streamSid,
        callSid: this.options.callSid,
        tracks: ['inbound'],
        customParameters: this.options.customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** Starts talking: one stamped frame every 20 ms, first at `firstDueMs`. */
  talk(firstDueMs: number): void {
    this.dueMs = firstDueMs;
  }

  silence(): void {
    this.dueMs = Infinity;
  }

  sendFrame(): void {
    const frame = this.frame % MAX_FRAMES;
    this.frame += 1;
    this.#sequence += 1;
    const payload = stampBase64(this.options.index, frame, INBOUND_TAG) + SILENCE_REST;
    const now = performance.now(); // this frame's own departure, not the tick's start
    this.sentAt[frame] = now;
    this.#sendRaw(`{"event":"media","sequenceNumber":"${this.#sequence}","media":{"track":"inbound","chunk":"${this.frame}","timestamp":"${Math.round(now - this.#startedAt)}","payload":"${payload}"},"streamSid":"${this.streamSid}"}`);
  }

  /** Echoes the marks whose audio has played by now. */
  echoMarks(now: number): void {
    while (this.#marks.length > 0 && this.#marks[0]!.dueMs <= now) this.#echo(this.#marks.shift()!.name);
  }

  stop(): void {
    this.silence();
    this.#sendEvent({ event: 'stop', streamSid: this.streamSid, stop: { accountSid: 'AC00000000000000000000000000000000', callSid: this.options.callSid } });
  }

  #echo(name: string): void {
    this.#sendEvent({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }

  #sendEvent(message: Record<string, unknown>): void {
    this.#sequence += 1;
    this.#sendRaw(JSON.stringify({ ...message, sequenceNumber: String(this.#sequence) }));
  }

  #sendRaw(text: string): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
  }

  #onMessage(data: Buffer): void {
    const now = performance.now();
    // The model's own delta arrives here only through the bench's null relay.
    const key = startsWith(data, MEDIA_PREFIX) ? PAYLOAD_KEY : startsWith(data, DELTA_PREFIX) ? DELTA_KEY : null;
    if (key) {
      const start = data.indexOf(key);
      if (start < 0) return;
      const from = start + key.length;
      const end = data.indexOf(QUOTE, from);
      if (end < 0) return;
      const chars = end - from;
      const bytes = (chars / 4) * 3 - (data[end - 1] === 0x3d ? (data[end - 2] === 0x3d ? 2 : 1) : 0);
      this.#playheadEndMs = Math.max(now, this.#playheadEndMs) + bytes / 8;
      if (this.options.recordArrivals) {
        this.arrivals.push(now);
        this.arrivalBytes.push(bytes);
      }
      const stamp = readStamp(data, from);
      if (stamp && stamp[2] === OUTBOUND_TAG) this.harness.onOutbound(stamp[0], stamp[1], now);
      return;
    }
    const message = JSON.parse(data.toString()) as { event?: string; mark?: { name?: string } };
    if (message.event === 'mark') {
      this.#marks.push({ name: message.mark?.name ?? '', dueMs: Math.max(now, this.#playheadEndMs) });
    } else if (message.event === 'clear') {
      this.#playheadEndMs = now;
      for (const mark of this.#marks.splice(0)) this.#echo(mark.name);
    }
  }
}

/** Callers, the model and the one timer that drives them all. */
export class LoadHarness {
  readonly callers: LoadCaller[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    readonly model: LoadModel,
    readonly samples: LoadSamples,
  ) {}

  async connect(options: LoadCallerOptions): Promise<LoadCaller> {
    const caller = await LoadCaller.connect(options, this);
    this.callers[options.index] = caller;
    this.model.inboundSentAt[options.index] = caller.sentAt;
    return caller;
  }

  onOutbound(stream: number, frame: number, at: number): void {
    const sentAt = this.model.outboundSentAt(stream)[frame];
    if (sentAt && this.samples.collecting) this.samples.outbound.push(at - sentAt);
  }

  run(): void {
    this.#timer ??= setInterval(() => this.#tick(), 1);
  }

  /**
   * Callers and model sessions take turns: frames due in the same tick reach the service in an
   * order that favours neither direction (all callers first would queue every delta behind them).
   */
  #tick(): void {
    const now = performance.now();
    const sessions = this.model.sessions.values();
    for (const caller of this.callers) {
      if (advance(caller, now)) caller.sendFrame();
      caller.echoMarks(now);
      const session = sessions.next();
      if (!session.done && advance(session.value, now)) session.value.sendDelta();
    }
    for (let session = sessions.next(); !session.done; session = sessions.next()) if (advance(session.value, now)) session.value.sendDelta();
  }

  halt(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
