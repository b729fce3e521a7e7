/**
 * A local stand-in for the OpenAI Realtime API (GA WebSocket protocol), for
 * development and tests. It speaks the real event names and shapes, rejects
 * beta-only session fields the way the service does, streams deterministic
 * μ-law audio, detects caller speech with an energy threshold and follows a
 * small script (transcript, reply, optional function call).
 * Never imported by production code; the realtime service reaches it only
 * through OPENAI_REALTIME_URL=ws://...
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer, type RawData } from 'ws';
import { mulawEnergy, mulawTone } from '../../realtime/mulaw';

/** One caller input of a scripted conversation and how the "model" answers it. */
export interface FakeConversationTurn {
  /** What the caller says (reported as the transcription of this speech turn); absent for a keypad turn. */
  say?: string;
  /** Keypad digits (the bridge hands them to the model as a user text item). */
  dtmf?: string;
  /** A function call the model makes first; `reply` is spoken after the function output arrives. */
  tool?: { name: string; arguments?: Record<string, unknown> };
  /** What the assistant says (its audio transcript). */
  reply?: string;
}

/** A whole scripted conversation: the greeting, then one entry per caller input, in order. */
export interface FakeConversation {
  greeting?: string;
  turns: FakeConversationTurn[];
}

/** Audio length the fake gives a spoken reply of this text (about 65 ms per character, at least 600 ms). */
export function replyAudioMs(text: string): number {
  return Math.max(600, Math.min(15_000, text.length * 65));
}

export interface FakeModelScript {
  /** Audio length of the greeting (first response.create). */
  greetingMs: number;
  /** Audio length of every later reply. */
  replyMs: number;
  /** What the "caller" said, reported as the transcription of each caller turn. */
  callerTranscript: string;
  assistantTranscript: string;
  /** Caller turn (1-based) answered with a function call instead of audio. */
  functionCallOnTurn: number | null;
  functionCall: { name: string; arguments: Record<string, unknown> };
  /** Size of each audio delta in bytes: deliberately not a multiple of 160. */
  deltaBytes: number;
  /** 0 = deltas as fast as the socket takes them (like the real service); > 0 = one delta per interval, without drift. */
  deltaIntervalMs: number;
  /** Mean absolute amplitude above which caller audio counts as speech. */
  speechThreshold: number;
  /** Require `Authorization: Bearer <this>` (null = accept any). */
  requireApiKey: string | null;
  /** A multi-turn conversation instead of the single-reply script above (call:simulate). */
  conversation: FakeConversation | null;
  /**
   * Delay of a caller turn's transcription after its commit. 0 = reported before the automatic
   * response starts; > 0 = after it (as the real service often does: transcription runs alongside).
   */
  transcriptionDelayMs: number;
}

export const DEFAULT_FAKE_SCRIPT: FakeModelScript = {
  greetingMs: 2_000,
  replyMs: 1_500,
  callerTranscript: 'שלום, אני רוצה לקבוע תור למחר בשלוש',
  assistantTranscript: 'בשמחה, אני בודק מה פנוי מחר בשלוש.',
  functionCallOnTurn: null,
  functionCall: { name: 'book_appointment', arguments: { slotStart: '2026-11-24T15:00', name: 'דנה', phone: '0501234567' } },
  deltaBytes: 1_234,
  deltaIntervalMs: 0,
  speechThreshold: 500,
  requireApiKey: null,
  conversation: null,
  transcriptionDelayMs: 0,
};

/** Control path of the standalone fake: POST a FakeConversation here and the next session follows it. */
export const NEXT_SESSION_PATH = '/__fake/next-session';

/** Session fields the beta API had at the top level; GA moved them under `audio` (or renamed them). */
const BETA_ONLY_SESSION_FIELDS = ['input_audio_format', 'output_audio_format', 'input_audio_transcription', 'turn_detection', 'modalities', 'voice'];

interface FakeItem {
  id: string;
  role: 'user' | 'assistant';
  audioBytes: number;
}

/** A 440 Hz tone at 8 kHz repeats every 200 samples (11 periods): deltas are cut from one cycle. */
const TONE_CYCLE = mulawTone(25, 440, 8_000);

function toneChunk(size: number, phaseSamples: number): Buffer {
  const chunk = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 1) chunk[i] = TONE_CYCLE[(phaseSamples + i) % TONE_CYCLE.length]!;
  return chunk;
}

interface ActiveResponse {
  id: string;
  metadata: object | null;
  itemId: string;
  transcript: string;
  timer: NodeJS.Timeout | null;
  immediate: NodeJS.Immediate | null;
  remainingBytes: number;
  sentBytes: number;
  /** Clock of the interval schedule: delta n is due at firstDeltaMs + n × interval (moved on when late). */
  firstDeltaMs: number;
  deltasSent: number;
}

export interface FakeSessionRecord {
  id: string;
  headers: http.IncomingHttpHeaders;
  /** Every client event except input_audio_buffer.append, in order. */
  events: Array<Record<string, unknown>>;
  /** The caller audio exactly as appended (decoded base64). */
  audio: Buffer[];
  errorsSent: Array<Record<string, unknown>>;
  truncates: Array<{ item_id: string; audio_end_ms: number; itemAudioMs: number }>;
  items: Map<string, FakeItem>;
  closed: Promise<void>;
  socket: WebSocket;
}

export class OpenAIRealtimeFake {
  readonly script: FakeModelScript;
  readonly sessions: FakeSessionRecord[] = [];
  #server: http.Server | null = null;
  #wss: WebSocketServer | null = null;
  #port = 0;
  #armed: FakeConversation[] = [];

  constructor(script: Partial<FakeModelScript> = {}) {
    this.script = { ...DEFAULT_FAKE_SCRIPT, ...script };
  }

  /** Number of WebSocket connections ever accepted. */
  get connections(): number {
    return this.sessions.length;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}/v1/realtime?model=gpt-realtime`;
  }

  /** The next session (not this script's default) follows this conversation. */
  armNextSession(conversation: FakeConversation): void {
    this.#armed.push(conversation);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.#server = http.createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service: 'fake-openai-realtime' }));
        return;
      }
      if (req.method === 'POST' && req.url === NEXT_SESSION_PATH) {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          const parsed = parseConversation(body);
          if (!parsed) {
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'expected {"greeting"?: string, "turns": [{"say"|"dtmf", "tool"?, "reply"?}]}' }));
            return;
          }
          this.armNextSession(parsed);
          res.writeHead(204).end();
        });
        return;
      }
      res.writeHead(404).end();
    });
    this.#wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
    this.#server.on('upgrade', (req, socket, head) => {
      const key = this.script.requireApiKey;
      if (key && req.headers.authorization !== `Bearer ${key}`) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.#wss!.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, host, resolve));
    const address = this.#server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    return this.url;
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    this.#wss?.close();
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  #accept(socket: WebSocket, req: http.IncomingMessage): void {
    const conversation = this.#armed.shift();
    new FakeSession(this, socket, req, conversation ? { ...this.script, conversation } : this.script);
  }
}

function parseConversation(text: string): FakeConversation | null {
  try {
    const value = JSON.parse(text) as Partial<FakeConversation>;
    if (!value || !Array.isArray(value.turns)) return null;
    const turns = value.turns.filter((turn): turn is FakeConversationTurn => Boolean(turn) && typeof turn === 'object' && (typeof turn.say === 'string' || typeof turn.dtmf === 'string'));
    return { greeting: typeof value.greeting === 'string' ? value.greeting : undefined, turns };
  } catch {
    return null;
  }
}

class FakeSession {
  readonly record: FakeSessionRecord;
  #socket: WebSocket;
  #script: FakeModelScript;
  #session: Record<string, unknown> = { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 24_000 } }, output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy' } } };
  #counter = 0;
  #responses = 0;
  #callerTurns = 0;
  #active: ActiveResponse | null = null;
  #bufferBytes = 0;
  #speaking = false;
  #silentBytes = 0;
  #speechStartBytes = 0;
  #tonePhase = 0;
  /** Conversation mode: the caller input being answered (-1 = the greeting) and whether its tool ran. */
  #turnIndex = -1;
  #toolCalled = new Set<number>();

  constructor(fake: OpenAIRealtimeFake, socket: WebSocket, req: http.IncomingMessage, script: FakeModelScript) {
    this.#socket = socket;
    this.#script = script;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    this.record = { id: `sess_${fake.sessions.length + 1}`, headers: req.headers, events: [], audio: [], errorsSent: [], truncates: [], items: new Map(), closed, socket };
    fake.sessions.push(this.record);
    socket.on('close', () => {
      this.#stopResponse();
      resolveClosed();
    });
    socket.on('message', (data: RawData) => this.#onMessage(data.toString()));
    this.#send({ type: 'session.created', session: { id: this.record.id, object: 'realtime.session', ...this.#session } });
  }

  #id(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_${this.record.id}_${this.#counter}`;
  }

  #send(event: Record<string, unknown>): void {
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ event_id: this.#id('event'), ...event }));
  }

  #error(code: string, message: string, param: string | null, eventId: unknown): void {
    const error = { type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: eventId ?? null } };
    this.record.errorsSent.push(error);
    this.#send(error);
  }

  #onMessage(text: string): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.#error('invalid_json', 'The message is not valid JSON.', null, null);
      return;
    }
    if (event.type === 'input_audio_buffer.append') {
      this.#onAppend(event);
      return;
    }
    this.record.events.push(event);
    switch (event.type) {
      case 'session.update':
        return this.#onSessionUpdate(event);
      case 'response.create':
        return this.#startResponse(event);
      case 'response.cancel':
        return this.#onCancel(event);
      case 'conversation.item.truncate':
        return this.#onTruncate(event);
      case 'conversation.item.create':
        return this.#onItemCreate(event);
      default:
        this.#error('invalid_value', `Invalid value: '${String(event.type)}'. Supported values are client events.`, 'type', event.event_id);
    }
  }

  #onSessionUpdate(event: Record<string, unknown>): void {
    const session = event.session as Record<string, unknown> | undefined;
    if (!session || typeof session !== 'object') return this.#error('missing_required_parameter', "Missing required parameter: 'session'.", 'session', event.event_id);
    if (session.type !== 'realtime') return this.#error('missing_required_parameter', "Missing required parameter: 'session.type'.", 'session.type', event.event_id);
    for (const field of BETA_ONLY_SESSION_FIELDS) {
      if (field in session) return this.#error('unknown_parameter', `Unknown parameter: 'session.${field}'.`, `session.${field}`, event.event_id);
    }
    this.#session = { ...this.#session, ...session };
    this.#send({ type: 'session.updated', session: { id: this.record.id, object: 'realtime.session', ...this.#session } });
  }

  #turnDetection(): Record<string, unknown> | null {
    const audio = this.#session.audio as { input?: { turn_detection?: Record<string, unknown> | null } } | undefined;
    return audio?.input?.turn_detection ?? null;
  }

  #onAppend(event: Record<string, unknown>): void {
    if (typeof event.audio !== 'string') return this.#error('invalid_value', "Invalid 'audio'.", 'audio', event.event_id);
    const bytes = Buffer.from(event.audio, 'base64');
    this.record.audio.push(bytes);
    this.#bufferBytes += bytes.length;
    const vad = this.#turnDetection();
    if (!vad) return;
    const silenceMs = typeof vad.silence_duration_ms === 'number' ? vad.silence_duration_ms : 500;
    const loud = mulawEnergy(bytes) > this.#script.speechThreshold;
    if (loud) {
      this.#silentBytes = 0;
      if (!this.#speaking) {
        this.#speaking = true;
        this.#speechStartBytes = this.#bufferBytes - bytes.length;
        this.#send({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.floor(this.#speechStartBytes / 8), item_id: this.#id('item') });
      }
      return;
    }
    if (!this.#speaking) return;
    this.#silentBytes += bytes.length;
    if (this.#silentBytes / 8 < silenceMs) return;
    this.#speaking = false;
    this.#silentBytes = 0;
    const itemId = this.#id('item');
    this.#send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.floor(this.#bufferBytes / 8), item_id: itemId });
    this.#send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
    this.record.items.set(itemId, { id: itemId, role: 'user', audioBytes: this.#bufferBytes - this.#speechStartBytes });
    this.#send({ type: 'conversation.item.added', item: { id: itemId, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] } });
    const conversation = this.#script.conversation;
    if (conversation) this.#turnIndex += 1;
    const said = conversation ? (conversation.turns[this.#turnIndex]?.say ?? '') : this.#script.callerTranscript;
    const transcription = { type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: said };
    if (this.#script.transcriptionDelayMs > 0) setTimeout(() => this.#send(transcription), this.#script.transcriptionDelayMs).unref();
    else this.#send(transcription);
    this.#callerTurns += 1;
    if (vad.create_response !== false && !this.#active) this.#startResponse({ type: 'response.create', turn: this.#callerTurns });
  }

  #onItemCreate(event: Record<string, unknown>): void {
    const item = event.item as Record<string, unknown> | undefined;
    if (!item || typeof item !== 'object') return this.#error('missing_required_parameter', "Missing required parameter: 'item'.", 'item', event.event_id);
    const id = typeof item.id === 'string' ? item.id : this.#id('item');
    this.record.items.set(id, { id, role: 'user', audioBytes: 0 });
    // A keypad entry reaches the model as a user text item: in a conversation it is the next caller input.
    if (this.#script.conversation && item.type === 'message' && item.role === 'user') this.#turnIndex += 1;
    this.#send({ type: 'conversation.item.added', item: { ...item, id } });
    this.#send({ type: 'conversation.item.done', item: { ...item, id } });
  }

  #usage(audioBytes: number): Record<string, unknown> {
    const audioOut = Math.round(audioBytes / 8 / 50);
    return {
      total_tokens: 400 + 20 + audioOut,
      input_tokens: 400,
      output_tokens: 20 + audioOut,
      input_token_details: { text_tokens: 300, audio_tokens: 100, cached_tokens: 128, cached_tokens_details: { text_tokens: 128, audio_tokens: 0 } },
      output_token_details: { text_tokens: 20, audio_tokens: audioOut },
    };
  }

  #startResponse(event: Record<string, unknown>): void {
    if (this.#active) {
      return this.#error('conversation_already_has_active_response', `Conversation already has an active response in progress: ${this.#active.id}.`, null, event.event_id);
    }
    this.#responses += 1;
    const id = this.#id('resp');
    // Per-response overrides (GA response.create): instructions, tool_choice, metadata (echoed back).
    const params = (event.response ?? {}) as { instructions?: unknown; tool_choice?: unknown; metadata?: unknown };
    const metadata = params.metadata && typeof params.metadata === 'object' ? params.metadata : null;
    this.#send({ type: 'response.created', response: { id, object: 'realtime.response', status: 'in_progress', output: [], metadata } });
    const conversation = this.#script.conversation;
    const turn = conversation && this.#turnIndex >= 0 ? conversation.turns[this.#turnIndex] : undefined;
    const callTool = turn?.tool && params.tool_choice !== 'none' && !this.#toolCalled.has(this.#turnIndex);
    if (callTool) this.#toolCalled.add(this.#turnIndex);
    if (callTool || (!conversation && typeof event.turn === 'number' && event.turn === this.#script.functionCallOnTurn)) {
      const call = callTool ? { name: turn!.tool!.name, arguments: turn!.tool!.arguments ?? {} } : this.#script.functionCall;
      const itemId = this.#id('item');
      const callId = this.#id('call');
      const args = JSON.stringify(call.arguments);
      const item = { id: itemId, type: 'function_call', status: 'completed', name: call.name, call_id: callId, arguments: args };
      this.#send({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
      this.#send({ type: 'response.function_call_arguments.done', response_id: id, item_id: itemId, output_index: 0, call_id: callId, name: item.name, arguments: args });
      this.#send({ type: 'response.output_item.done', response_id: id, output_index: 0, item });
      this.#send({ type: 'response.done', response: { id, object: 'realtime.response', status: 'completed', output: [item], metadata, usage: this.#usage(0) } });
      return;
    }
    const itemId = this.#id('item');
    this.record.items.set(itemId, { id: itemId, role: 'assistant', audioBytes: 0 });
    this.#send({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    let transcript = this.#script.assistantTranscript;
    let ms = this.#responses === 1 ? this.#script.greetingMs : this.#script.replyMs;
    if (conversation) {
      transcript = this.#turnIndex < 0 ? (conversation.greeting ?? transcript) : (turn?.reply ?? '');
      ms = replyAudioMs(transcript);
    }
    // A tool-less response told to end on a quoted sentence (say it word for word): the fake says exactly that.
    const quoted = params.tool_choice === 'none' && typeof params.instructions === 'string' ? /"([^"]+)"\s*$/.exec(params.instructions)?.[1] : undefined;
    if (quoted) {
      transcript = quoted;
      ms = replyAudioMs(quoted);
    }
    this.#active = { id, itemId, transcript, metadata, timer: null, immediate: null, remainingBytes: ms * 8, sentBytes: 0, firstDeltaMs: performance.now(), deltasSent: 0 };
    this.#streamNext();
  }

  #streamNext(): void {
    const active = this.#active;
    if (!active) return;
    active.timer = null;
    active.immediate = null;
    if (active.remainingBytes <= 0) return this.#finishResponse('completed');
    const size = Math.min(this.#script.deltaBytes, active.remainingBytes);
    const chunk = toneChunk(size, this.#tonePhase);
    this.#tonePhase += size;
    active.remainingBytes -= size;
    active.sentBytes += size;
    this.record.items.get(active.itemId)!.audioBytes += size;
    const delta = chunk.toString('base64');
    this.#send({ type: 'response.output_audio.delta', response_id: active.id, item_id: active.itemId, output_index: 0, content_index: 0, delta });
    active.deltasSent += 1;
    if (this.#script.deltaIntervalMs > 0) {
      // Never faster than real time: a late delta moves the schedule instead of being caught up with a burst.
      const now = performance.now();
      let dueMs = active.firstDeltaMs + active.deltasSent * this.#script.deltaIntervalMs;
      if (dueMs < now) {
        active.firstDeltaMs += now - dueMs;
        dueMs = now;
      }
      active.timer = setTimeout(() => this.#streamNext(), dueMs - now);
    } else {
      active.immediate = setImmediate(() => this.#streamNext());
    }
  }

  #finishResponse(status: 'completed' | 'cancelled'): void {
    const active = this.#active;
    if (!active) return;
    this.#stopResponse();
    if (status === 'completed') {
      this.#send({ type: 'response.output_audio.done', response_id: active.id, item_id: active.itemId, output_index: 0, content_index: 0 });
      this.#send({ type: 'response.output_audio_transcript.done', response_id: active.id, item_id: active.itemId, output_index: 0, content_index: 0, transcript: active.transcript });
    }
    this.#send({ type: 'response.output_item.done', response_id: active.id, output_index: 0, item: { id: active.itemId, type: 'message', role: 'assistant', status: status === 'completed' ? 'completed' : 'incomplete' } });
    this.#send({ type: 'response.done', response: { id: active.id, object: 'realtime.response', status, metadata: active.metadata, usage: this.#usage(active.sentBytes) } });
  }

  #stopResponse(): void {
    const active = this.#active;
    if (!active) return;
    if (active.timer) clearTimeout(active.timer);
    if (active.immediate) clearImmediate(active.immediate);
    this.#active = null;
  }

  #onCancel(event: Record<string, unknown>): void {
    const active = this.#active;
    if (!active || (typeof event.response_id === 'string' && event.response_id !== active.id)) {
      return this.#error('response_cancel_not_active', 'Cancellation failed: no active response found.', null, event.event_id);
    }
    this.#finishResponseCancelled(active);
  }

  #finishResponseCancelled(active: ActiveResponse): void {
    this.#stopResponse();
    this.#send({ type: 'response.output_item.done', response_id: active.id, output_index: 0, item: { id: active.itemId, type: 'message', role: 'assistant', status: 'incomplete' } });
    this.#send({ type: 'response.done', response: { id: active.id, object: 'realtime.response', status: 'cancelled', metadata: active.metadata, usage: this.#usage(active.sentBytes) } });
  }

  #onTruncate(event: Record<string, unknown>): void {
    const itemId = event.item_id;
    const audioEndMs = event.audio_end_ms;
    const item = typeof itemId === 'string' ? this.record.items.get(itemId) : undefined;
    if (!item) return this.#error('invalid_value', `Invalid 'item_id': no item with id '${String(itemId)}'.`, 'item_id', event.event_id);
    if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs) || audioEndMs < 0) {
      return this.#error('invalid_value', "Invalid 'audio_end_ms'.", 'audio_end_ms', event.event_id);
    }
    const itemAudioMs = item.audioBytes / 8;
    if (audioEndMs > itemAudioMs) {
      return this.#error('invalid_value', `Audio content of ${itemAudioMs}ms is already shorter than ${audioEndMs}ms`, 'audio_end_ms', event.event_id);
    }
    this.record.truncates.push({ item_id: item.id, audio_end_ms: audioEndMs, itemAudioMs });
    this.#send({ type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: audioEndMs });
  }
}

/** `npx tsx devtools/fakes/openai-realtime-fake.ts [port]`: a standalone fake for local development. */
if (require.main === module) {
  const port = Number(process.argv[2] ?? process.env.FAKE_OPENAI_PORT ?? 8765);
  const fake = new OpenAIRealtimeFake();
  void fake.start(port).then((url) => {
    console.log(`fake OpenAI Realtime listening: OPENAI_REALTIME_URL=${url}`);
  });
}
