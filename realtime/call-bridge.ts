import { performance } from 'node:perf_hooks';
import WebSocket, { type RawData } from 'ws';
import type { Logger } from '../platform/logger';
import { buildSessionUpdate, greetingResponse, type AssistantProfile } from './assistant-profile';
import type { AssistantTools } from './assistant-tools';
import type { CallEvents, CallIdentity, CallStats, UsageEvent } from './call-events';
import type { FaqEmbedder, FaqMatch } from './faq-matcher';
import { FaqFastPath } from './faq-fast-path';
import { DtmfAggregator, dtmfModelText, type DtmfFlushReason } from './dtmf';
import { AssistantPlayback } from './assistant-playback';
import { FRAME_BYTES, FRAME_MS, TWILIO_MULAW_BYTES_PER_MS } from './playback';
import { addUsage, emptyUsage, usageCostUsd, type RealtimePriceTable, type RealtimeUsage } from './pricing';
import { batchWrites } from './write-batch';
import { DEFAULT_BRIDGE_TIMING, validateTiming, type CallBridgeTiming } from './bridge-timing';
import { BASE64, audioDelta, base64Bytes, json, parseTwilioStart, str, twilioMediaPayload, type AudioDelta, type TwilioStart } from './media-stream-messages';

export { TWILIO_MULAW_BYTES_PER_MS, FRAME_MS, FRAME_BYTES };

/** A stream that sends no `start` within this time is closed. */
const START_TIMEOUT_MS = 10_000;
const MODEL_HANDSHAKE_TIMEOUT_MS = 10_000;
/** After the assistant's goodbye has played, wait this long before hanging up. */
const END_CALL_TAIL_MS = 300;

export type StartAuthorization = { ok: true; businessId: string } | { ok: false; reason: string };

export interface CallBridgeOptions {
  twilioSocket: WebSocket;
  logger: Logger;
  modelUrl: string;
  /** Sent as `Authorization: Bearer`; omitted when empty (the local fake). */
  apiKey?: string;
  /** Checks the stream token of `start`; a refusal closes the stream before any model socket opens. */
  authorizeStart: (start: TwilioStart) => StartAuthorization;
  loadProfile: (businessId: string) => Promise<AssistantProfile>;
  tools: AssistantTools;
  /** Semantic fallback of the FAQ fast path (embeddings); without it, local trigram similarity. */
  faqEmbedder?: FaqEmbedder | null;
  events: CallEvents;
  prices: RealtimePriceTable;
  timing?: Partial<CallBridgeTiming>;
  /** Monotonic clock in ms (tests may inject one). */
  now?: () => number;
  /** Keep caller words and model text out of the logs. */
  dontLogModelData?: boolean;
}

type Phase = 'awaiting_start' | 'connecting' | 'live' | 'ended';

/**
 * One phone call: Twilio Media Streams on one side, one OpenAI Realtime (GA)
 * WebSocket on the other. All per-stream state lives here in private fields.
 *
 * Inbound: caller μ-law is forwarded as Twilio's base64 payload, untouched.
 * Outbound: model audio goes through the call's AssistantPlayback (20 ms frames,
 * paced, bounded, marked). Barge-in clears Twilio, cancels the response and
 * truncates each item where the playback's marks say the caller stopped hearing
 * it; the playback's next generation makes late marks and audio stale.
 */
export class CallBridge {
  readonly #twilio: WebSocket;
  readonly #options: CallBridgeOptions;
  readonly #timing: CallBridgeTiming;
  readonly #logger: Logger;
  readonly #now: () => number;

  #phase: Phase = 'awaiting_start';
  #endReason: string | null = null;
  #streamSid: string | null = null;
  /** The start of every outbound `media` message of this stream, up to its payload. */
  #mediaPrefix = '';
  #callSid: string | null = null;
  #businessId: string | null = null;
  #startTimer: NodeJS.Timeout | null = null;

  #model: WebSocket | null = null;
  #modelOpen = false;
  #profile: AssistantProfile | null = null;
  #sessionSent = false;
  #greeted = false;
  #pendingInbound: string[] = [];
  #pendingInboundBytes = 0;

  readonly #playback: AssistantPlayback;

  #activeResponseId: string | null = null;
  #responseRequested = false;
  #pendingResponseCreate = false;
  #discardedResponseIds = new Set<string>();
  #handledCallIds = new Set<string>();

  readonly #faq: FaqFastPath;

  #callerSpeaking = false;
  #bargeInTimer: NodeJS.Timeout | null = null;

  #endRequested = false;
  #endTimer: NodeJS.Timeout | null = null;

  readonly #dtmf: DtmfAggregator;
  #usage: RealtimeUsage = emptyUsage();
  #bytesIn = 0;
  /** The inbound half of CallStats; the outbound half is the playback's. */
  readonly #stats: Pick<CallStats, 'framesIn' | 'inboundDroppedBeforeModel' | 'bargeIns' | 'truncations'> = {
    framesIn: 0,
    inboundDroppedBeforeModel: 0,
    bargeIns: 0,
    truncations: 0,
  };

  constructor(options: CallBridgeOptions) {
    const timing = { ...DEFAULT_BRIDGE_TIMING, ...options.timing };
    validateTiming(timing);
    this.#options = options;
    this.#timing = timing;
    this.#twilio = options.twilioSocket;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => performance.now());
    this.#playback = new AssistantPlayback({
      timing,
      now: this.#now,
      sink: {
        sendMedia: (payload) => {
          if (this.#twilio.readyState !== WebSocket.OPEN) return false;
          batchWrites(this.#twilio);
          this.#twilio.send(`${this.#mediaPrefix}${payload.toString('base64')}"}}`);
          return true;
        },
        sendMark: (name) => this.#sendTwilio({ event: 'mark', streamSid: this.#streamSid, mark: { name } }),
        bufferedBytes: () => this.#twilio.bufferedAmount,
      },
      onQueueFull: (dropped, totalDropped) => this.#logger.warn({ callSid: this.#callSid, dropped, totalDropped }, 'outbound queue full: dropped the oldest frames'),
    });
    this.#faq = new FaqFastPath(options.faqEmbedder ?? null);
    this.#dtmf = new DtmfAggregator(timing.dtmfIdleMs, (digits, reason) => this.#onDtmfEntry(digits, reason));
    this.#twilio.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.#onTwilioData(data);
    });
    this.#twilio.on('close', () => this.#end('twilio_closed'));
    this.#twilio.on('error', (error) => {
      this.#logger.warn({ err: error }, 'twilio socket error');
      this.#end('twilio_error');
    });
    this.#startTimer = setTimeout(() => {
      if (this.#phase === 'awaiting_start') this.#refuse('no start message');
    }, START_TIMEOUT_MS);
    this.#startTimer.unref();
  }

  get stats(): Readonly<CallStats> {
    const playback = this.#playback.stats;
    return {
      ...this.#stats,
      framesOut: playback.framesOut,
      outboundDroppedFrames: playback.droppedFrames,
      marksSent: playback.marksSent,
      marksConfirmed: playback.marksConfirmed,
      staleMarksIgnored: playback.staleMarksIgnored,
    };
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Ends the call from outside (service shutdown). */
  close(reason = 'server_shutdown'): void {
    this.#end(reason);
  }

  // ---------------------------------------------------------------- Twilio side

  #onTwilioData(data: RawData): void {
    const payload = Buffer.isBuffer(data) ? twilioMediaPayload(data) : null;
    if (payload !== null) this.#onTwilioMediaPayload(payload);
    else this.#onTwilioMessage(data.toString());
  }

  #onTwilioMessage(text: string): void {
    const message = json(text);
    if (!message) return;
    switch (message.event) {
      case 'media':
        this.#onTwilioMedia(message.media as Record<string, unknown> | undefined);
        break;
      case 'start':
        this.#onTwilioStart(message);
        break;
      case 'mark':
        this.#playback.confirm((message.mark as Record<string, unknown> | undefined)?.name);
        break;
      case 'dtmf':
        if (this.#phase === 'live' || this.#phase === 'connecting') this.#dtmf.push((message.dtmf as Record<string, unknown> | undefined)?.digit);
        break;
      case 'stop':
        this.#end('twilio_stop');
        break;
      default:
        break; // `connected` and anything newer carry nothing the bridge needs
    }
  }

  #onTwilioStart(message: Record<string, unknown>): void {
    if (this.#phase !== 'awaiting_start') return;
    this.#clearStartTimer();
    const start = parseTwilioStart(message);
    if (!start) return this.#refuse('malformed start message');
    const authorization = this.#options.authorizeStart(start);
    if (!authorization.ok) return this.#refuse(authorization.reason, start.callSid);
    this.#streamSid = start.streamSid;
    this.#mediaPrefix = `{"event":"media","streamSid":${JSON.stringify(start.streamSid)},"media":{"payload":"`;
    this.#callSid = start.callSid;
    this.#businessId = authorization.businessId;
    this.#phase = 'connecting';
    this.#playback.reset();
    this.#openModel();
    this.#options
      .loadProfile(authorization.businessId)
      .then((profile) => {
        this.#profile = profile;
        this.#faq.load(profile.faq);
        this.#configureSession();
      })
      .catch((error: unknown) => {
        this.#logger.error({ err: error, callSid: this.#callSid }, 'could not load the assistant profile');
        this.#end('profile_error');
      });
  }

  #onTwilioMedia(media: Record<string, unknown> | undefined): void {
    const payload = media?.payload;
    if (typeof payload !== 'string' || payload.length === 0 || payload.length % 4 !== 0 || !BASE64.test(payload)) return;
    this.#onTwilioMediaPayload(payload);
  }

  /** Caller audio (checked base64) goes to the model untouched, or waits while its socket opens. */
  #onTwilioMediaPayload(payload: string): void {
    if (this.#phase !== 'live' && this.#phase !== 'connecting') return;
    this.#stats.framesIn += 1;
    const bytes = base64Bytes(payload);
    this.#bytesIn += bytes;
    if (this.#phase === 'live') {
      this.#sendModelRaw(`{"type":"input_audio_buffer.append","audio":"${payload}"}`);
      return;
    }
    this.#pendingInbound.push(payload);
    this.#pendingInboundBytes += bytes;
    const maxBytes = this.#timing.inboundBufferMaxMs * TWILIO_MULAW_BYTES_PER_MS;
    while (this.#pendingInboundBytes > maxBytes && this.#pendingInbound.length > 0) {
      const dropped = this.#pendingInbound.shift()!;
      this.#pendingInboundBytes -= base64Bytes(dropped);
      this.#stats.inboundDroppedBeforeModel += 1;
    }
  }

  #refuse(reason: string, callSid?: string): void {
    this.#logger.warn({ reason, callSid }, 'media stream refused');
    this.#phase = 'ended';
    this.#endReason = `refused: ${reason}`;
    this.#clearStartTimer();
    if (this.#twilio.readyState === WebSocket.OPEN || this.#twilio.readyState === WebSocket.CONNECTING) this.#twilio.close(1008, 'unauthorized');
  }

  #sendTwilio(message: Record<string, unknown>): void {
    if (this.#twilio.readyState !== WebSocket.OPEN) return;
    batchWrites(this.#twilio);
    this.#twilio.send(JSON.stringify(message));
  }

  // ---------------------------------------------------------------- model side

  #openModel(): void {
    const headers: Record<string, string> = {};
    if (this.#options.apiKey) headers.Authorization = `Bearer ${this.#options.apiKey}`;
    const model = new WebSocket(this.#options.modelUrl, { headers, handshakeTimeout: MODEL_HANDSHAKE_TIMEOUT_MS, perMessageDeflate: false });
    this.#model = model;
    model.on('open', () => {
      this.#modelOpen = true;
      this.#configureSession();
    });
    model.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary || this.#phase === 'ended') return;
      const delta = Buffer.isBuffer(data) ? audioDelta(data) : null;
      if (delta) this.#onAudioDelta(delta);
      else this.#onModelMessage(data.toString());
    });
    model.on('error', (error) => {
      this.#logger.error({ err: error, callSid: this.#callSid }, 'model socket error');
      this.#end('model_error');
    });
    model.on('close', (code) => {
      this.#modelOpen = false;
      if (this.#phase !== 'ended') {
        this.#logger.warn({ code, callSid: this.#callSid }, 'model socket closed during the call');
        this.#end('model_closed');
      }
    });
  }

  /** Once the socket is open and the profile loaded: session.update, then the caller audio buffered meanwhile. */
  #configureSession(): void {
    if (this.#phase !== 'connecting' || !this.#modelOpen || !this.#profile || this.#sessionSent) return;
    this.#sessionSent = true;
    this.#sendModel(buildSessionUpdate(this.#profile, this.#options.tools.definitions()));
    this.#phase = 'live';
    for (const payload of this.#pendingInbound) this.#sendModelRaw(`{"type":"input_audio_buffer.append","audio":"${payload}"}`);
    this.#pendingInbound = [];
    this.#pendingInboundBytes = 0;
  }

  #sendModel(event: Record<string, unknown>): void {
    this.#sendModelRaw(JSON.stringify(event));
  }

  #sendModelRaw(text: string): void {
    if (this.#model?.readyState !== WebSocket.OPEN) return;
    batchWrites(this.#model);
    this.#model.send(text);
  }

  #onModelMessage(text: string): void {
    if (this.#phase === 'ended') return;
    const event = json(text);
    if (!event) return;
    switch (event.type) {
      case 'response.output_audio.delta': {
        const itemId = str(event.item_id);
        if (itemId && typeof event.delta === 'string') this.#onAudioDelta({ responseId: str(event.response_id), itemId, delta: event.delta });
        break;
      }
      case 'response.output_audio.done':
        this.#playback.itemDone(str(event.item_id));
        break;
      case 'input_audio_buffer.speech_started':
        this.#onSpeechStarted();
        break;
      case 'input_audio_buffer.speech_stopped':
        this.#onSpeechStopped();
        break;
      case 'response.created':
        this.#onResponseCreated(event.response as Record<string, unknown> | undefined);
        break;
      case 'response.done':
        this.#onResponseDone(event.response as Record<string, unknown> | undefined);
        break;
      case 'response.function_call_arguments.done':
        this.#onFunctionCall(event);
        break;
      case 'response.output_item.done': {
        // The same call as a completed item (carries the name on every API version); deduplicated by call_id.
        const item = event.item as Record<string, unknown> | undefined;
        if (item?.type === 'function_call' && item.status === 'completed') this.#onFunctionCall({ ...item, response_id: event.response_id });
        break;
      }
      case 'conversation.item.input_audio_transcription.completed':
        this.#emitTranscript('caller', event.transcript, event.item_id);
        this.#tryFaqFastPath(event.transcript);
        break;
      case 'response.output_audio_transcript.done':
        this.#emitTranscript('assistant', event.transcript, event.item_id);
        break;
      case 'session.updated':
        if (!this.#greeted && this.#profile) {
          this.#greeted = true;
          this.#responseRequested = true;
          this.#sendModel(greetingResponse(this.#profile));
        }
        break;
      case 'error':
        this.#onModelError(event.error as Record<string, unknown> | undefined);
        break;
      default:
        break;
    }
  }

  #onResponseCreated(response: Record<string, unknown> | undefined): void {
    this.#responseRequested = false;
    this.#activeResponseId = str(response?.id);
    if (this.#faq.isAnswer(response?.metadata as Record<string, unknown> | undefined)) return;
    // Another response (the VAD's automatic reply) got in before the FAQ answer: it gives way.
    if (this.#faq.pending) this.#interruptAssistant();
  }

  #onModelError(error: Record<string, unknown> | undefined): void {
    this.#logger.warn({ callSid: this.#callSid, error }, 'model reported an error');
    // Our FAQ response.create lost the race to another response: resend once that one is done.
    if (this.#faq.refused(error?.event_id)) {
      this.#responseRequested = false;
      if (!this.#activeResponseId) this.#sendFaqAnswer();
    }
  }

  // ---------------------------------------------------------------- FAQ fast path

  /**
   * The caller's transcribed question matches a business FAQ: the answer goes to
   * the model at once as a response of its own, instructed to say it verbatim
   * (no answer_faq round trip). A reply already under way is cancelled and cut
   * where the caller stopped hearing it.
   */
  #tryFaqFastPath(transcript: unknown): void {
    if (typeof transcript !== 'string' || this.#phase !== 'live') return;
    this.#faq.lookUp(transcript, (match) => {
      if (this.#phase === 'live') this.#answerFaq(match, transcript);
    });
  }

  #answerFaq(match: FaqMatch, question: string): void {
    if (!this.#faq.accept(match)) return;
    this.#options.events.onToolCall({
      ...this.#identity(),
      name: 'faq_fast_path',
      args: { question },
      output: { found: true, answer: match.entry.answer, faqId: match.entry.id ?? null, method: match.method, score: Number(match.score.toFixed(3)) },
      durationMs: 0,
    });
    const replying = this.#activeResponseId !== null;
    if (replying || this.#playback.audible()) this.#interruptAssistant();
    // A reply in progress (or about to be created) is cancelled first; the answer follows its response.done.
    if (!replying && !this.#responseRequested) this.#sendFaqAnswer();
  }

  #sendFaqAnswer(): void {
    const request = this.#faq.request(this.#callSid ?? '');
    if (!request) return;
    this.#responseRequested = true;
    this.#sendModel(request);
  }

  #onResponseDone(response: Record<string, unknown> | undefined): void {
    const id = str(response?.id);
    if (id) this.#discardedResponseIds.delete(id);
    if (!id || id === this.#activeResponseId) this.#activeResponseId = null;
    this.#usage = addUsage(this.#usage, response?.usage);
    this.#options.events.onUsage(this.#usageEvent());
    if (this.#faq.unrequested && !this.#activeResponseId) {
      this.#sendFaqAnswer();
    } else if (this.#pendingResponseCreate) {
      this.#pendingResponseCreate = false;
      this.#requestResponse();
    } else if (this.#endRequested && !this.#responseRequested) {
      this.#endAfterPlayback();
    }
  }

  /** response.create now, or once the active response is done (one response at a time). */
  #requestResponse(): void {
    if (this.#activeResponseId || this.#responseRequested) {
      this.#pendingResponseCreate = true;
      return;
    }
    this.#responseRequested = true;
    this.#sendModel({ type: 'response.create' });
  }

  #onFunctionCall(event: Record<string, unknown>): void {
    const callId = str(event.call_id);
    const name = str(event.name);
    const responseId = str(event.response_id);
    // Also emitted for an interrupted or cancelled response: a call the caller talked over is not run.
    if (responseId && this.#discardedResponseIds.has(responseId)) return;
    if (!callId || !name || this.#handledCallIds.has(callId)) return;
    this.#handledCallIds.add(callId);
    const parsed = json(event.arguments) ?? {};
    const alreadySaid = this.#faq.answeredThisTurn;
    if (name === 'answer_faq' && alreadySaid !== null) {
      // The fast path has answered this question already: close the call without another reply.
      const output = { found: true, answer: alreadySaid, alreadySaid: true };
      this.#sendModel({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: JSON.stringify(output) } });
      return;
    }
    if (name === 'answer_faq') this.#faq.lookedUpByModel();
    const startedAt = this.#now();
    const context = { businessId: this.#businessId!, callSid: this.#callSid!, faq: this.#profile?.faq };
    this.#options.tools
      .invoke(name, parsed, context)
      .catch((error: unknown) => {
        this.#logger.error({ err: error, tool: name, callSid: this.#callSid }, 'tool failed');
        return { output: { ok: false, error: 'tool_failed' } as Record<string, unknown>, endCall: false };
      })
      .then((result) => {
        if (this.#phase === 'ended') return;
        this.#options.events.onToolCall({ ...this.#identity(), name, args: parsed, output: result.output, durationMs: this.#now() - startedAt });
        this.#sendModel({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: JSON.stringify(result.output) } });
        if (result.endCall) this.#endRequested = true;
        this.#requestResponse();
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'tool result handling failed'));
  }

  #emitTranscript(role: 'caller' | 'assistant', transcript: unknown, itemId: unknown): void {
    if (typeof transcript !== 'string') return;
    if (!this.#options.dontLogModelData) this.#logger.debug({ callSid: this.#callSid, role, transcript }, 'transcript');
    this.#options.events.onTranscript({ ...this.#identity(), role, text: transcript, itemId: str(itemId) });
  }

  #onDtmfEntry(digits: string, reason: DtmfFlushReason): void {
    if (!this.#callSid) return;
    this.#options.events.onDtmf({ ...this.#identity(), digits, reason });
    if (reason === 'end' || this.#phase !== 'live') return;
    this.#sendModel({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: dtmfModelText(digits) }] },
    });
    this.#requestResponse();
  }

  // ---------------------------------------------------------------- outbound audio

  #onAudioDelta({ responseId, itemId, delta }: AudioDelta): void {
    if (responseId && this.#discardedResponseIds.has(responseId)) return;
    if (delta.length === 0 || this.#phase !== 'live') return;
    this.#playback.push(itemId, Buffer.from(delta, 'base64'));
  }

  /** Once the goodbye has played (and a short tail after it), the assistant hangs up. */
  #endAfterPlayback(): void {
    this.#playback.whenDrained((untilPlayedMs) => this.#scheduleEnd(untilPlayedMs + END_CALL_TAIL_MS));
  }

  #scheduleEnd(delayMs: number): void {
    if (this.#endTimer) return;
    this.#endTimer = setTimeout(() => {
      this.#endTimer = null;
      if (this.#playback.queued === 0) this.#end('assistant_ended_call');
      else this.#endAfterPlayback();
    }, Math.max(0, delayMs));
    this.#endTimer.unref();
  }

  // ---------------------------------------------------------------- barge-in

  #onSpeechStarted(): void {
    this.#callerSpeaking = true;
    this.#faq.newTurn();
    if (this.#bargeInTimer || !this.#playback.audible()) return;
    if (this.#timing.bargeInGraceMs === 0) {
      this.#bargeIn();
      return;
    }
    const timer = setTimeout(() => {
      if (this.#bargeInTimer !== timer) return;
      this.#bargeInTimer = null;
      if (this.#callerSpeaking && this.#phase === 'live' && this.#playback.audible()) this.#bargeIn();
    }, this.#timing.bargeInGraceMs);
    timer.unref();
    this.#bargeInTimer = timer;
  }

  #onSpeechStopped(): void {
    this.#callerSpeaking = false;
    this.#cancelBargeIn();
  }

  #cancelBargeIn(): void {
    if (this.#bargeInTimer) clearTimeout(this.#bargeInTimer);
    this.#bargeInTimer = null;
  }

  /**
   * The caller talks over the assistant: clear Twilio's buffer, cancel the
   * response, truncate each unheard item at what Twilio confirmed, and start a
   * new playback generation so marks and audio of the cut reply are ignored.
   */
  #bargeIn(): void {
    this.#stats.bargeIns += 1;
    this.#interruptAssistant();
  }

  /** Stops the assistant mid-reply: Twilio's buffer cleared, the response cancelled, unheard audio truncated. */
  #interruptAssistant(): void {
    if (this.#playback.audible()) this.#sendTwilio({ event: 'clear', streamSid: this.#streamSid });
    if (this.#activeResponseId) {
      this.#discardedResponseIds.add(this.#activeResponseId);
      this.#sendModel({ type: 'response.cancel', response_id: this.#activeResponseId });
    }
    for (const cut of this.#playback.truncations()) {
      this.#stats.truncations += 1;
      this.#sendModel({ type: 'conversation.item.truncate', item_id: cut.itemId, content_index: 0, audio_end_ms: cut.audioEndMs });
      this.#logger.debug({ callSid: this.#callSid, ...cut }, 'barge-in truncation');
    }
    this.#playback.reset();
  }

  // ---------------------------------------------------------------- lifecycle

  #identity(): CallIdentity {
    return { businessId: this.#businessId ?? '', callSid: this.#callSid ?? '', streamSid: this.#streamSid ?? '' };
  }

  #usageEvent(): UsageEvent {
    return {
      ...this.#identity(),
      usage: { ...this.#usage },
      costUsd: usageCostUsd(this.#usage, this.#options.prices),
      audioInSeconds: this.#bytesIn / (TWILIO_MULAW_BYTES_PER_MS * 1000),
      audioOutSeconds: this.#playback.stats.bytesOut / (TWILIO_MULAW_BYTES_PER_MS * 1000),
    };
  }

  #clearStartTimer(): void {
    if (this.#startTimer) clearTimeout(this.#startTimer);
    this.#startTimer = null;
  }

  #end(reason: string): void {
    if (this.#phase === 'ended') return;
    const wasStarted = this.#callSid !== null;
    this.#dtmf.flush('end');
    this.#phase = 'ended';
    this.#endReason = reason;
    this.#clearStartTimer();
    this.#cancelBargeIn();
    this.#dtmf.reset();
    if (this.#endTimer) clearTimeout(this.#endTimer);
    this.#endTimer = null;
    this.#playback.stop();
    this.#pendingInbound = [];
    if (this.#model && this.#model.readyState !== WebSocket.CLOSED && this.#model.readyState !== WebSocket.CLOSING) {
      if (this.#model.readyState === WebSocket.CONNECTING) this.#model.terminate();
      else this.#model.close(1000, 'call ended');
    }
    if (this.#twilio.readyState === WebSocket.OPEN) this.#twilio.close(1000, 'call ended');
    if (wasStarted) {
      this.#options.events.onEnd({ ...this.#identity(), reason, stats: this.stats, usage: this.#usage.responses ? this.#usageEvent() : null });
    }
  }

  get endReason(): string | null {
    return this.#endReason;
  }
}
