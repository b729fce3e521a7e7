import type { CallBridgeTiming } from './bridge-timing';
import { FRAME_BYTES, FRAME_MS, FrameAssembler, OutboundQueue, TWILIO_MULAW_BYTES_PER_MS, bytesToMs, formatMarkName, parseMarkName, truncateAudioEndMs, type OutboundFrame } from './playback';

/** Where the assistant's audio goes: the call's Twilio stream. */
export interface PlaybackSink {
  /** False when the stream can take nothing (closed): the frame is dropped. */
  sendMedia(payload: Buffer): boolean;
  sendMark(name: string): void;
  /** Bytes written but not yet on the wire. */
  bufferedBytes(): number;
}

export type PlaybackTiming = Pick<CallBridgeTiming, 'maxAheadMs' | 'outboundQueueMaxMs' | 'twilioMaxBufferedBytes' | 'markIntervalMs'>;

export interface PlaybackStats {
  framesOut: number;
  bytesOut: number;
  marksSent: number;
  marksConfirmed: number;
  staleMarksIgnored: number;
  droppedFrames: number;
}

/** Where to cut one model item on barge-in, and the two positions the cut is made from. */
export interface Truncation {
  itemId: string;
  audioEndMs: number;
  sentMs: number;
  playedMs: number;
}

interface PlaybackItem {
  sentMs: number;
  playedMs: number;
  generatedMs: number;
}

/**
 * The assistant's side of one call's audio: model deltas cut into 20 ms frames, paced on a
 * monotonic clock at most `maxAheadMs` ahead of playback through a bounded queue that stops
 * draining while the stream is backed up, marks every `markIntervalMs` and at each item's end, and
 * the per-item account of what was sent and what Twilio confirmed played (from the marks) that
 * barge-in truncates at. `reset` starts a new generation: marks and audio of the old one are stale.
 */
export class AssistantPlayback {
  readonly #sink: PlaybackSink;
  readonly #timing: PlaybackTiming;
  readonly #now: () => number;
  readonly #onQueueFull: (dropped: number, totalDropped: number) => void;
  readonly #queue: OutboundQueue;
  #generation = 0;
  #assembler: FrameAssembler | null = null;
  #items = new Map<string, PlaybackItem>();
  #playheadEndMs = 0;
  #pumpTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** Called once the queue has drained, with the ms until the last frame sent has played. */
  #onDrained: ((untilPlayedMs: number) => void) | null = null;
  readonly #stats = { framesOut: 0, bytesOut: 0, marksSent: 0, marksConfirmed: 0, staleMarksIgnored: 0 };

  constructor(options: { sink: PlaybackSink; timing: PlaybackTiming; now: () => number; onQueueFull: (dropped: number, totalDropped: number) => void }) {
    this.#sink = options.sink;
    this.#timing = options.timing;
    this.#now = options.now;
    this.#onQueueFull = options.onQueueFull;
    this.#queue = new OutboundQueue(Math.max(FRAME_BYTES, Math.round(options.timing.outboundQueueMaxMs * TWILIO_MULAW_BYTES_PER_MS)));
  }

  get stats(): PlaybackStats {
    return { ...this.#stats, droppedFrames: this.#queue.droppedFrames };
  }

  /** Frames still waiting to be sent. */
  get queued(): number {
    return this.#queue.length;
  }

  /** True while the caller can hear (or is about to hear) the assistant. */
  audible(): boolean {
    return this.#queue.length > 0 || this.#playheadEndMs > this.#now() || this.#assembler !== null;
  }

  /** A chunk of an item's μ-law audio, in the model's order. */
  push(itemId: string, chunk: Buffer): void {
    if (!this.#assembler || this.#assembler.itemId !== itemId || this.#assembler.generation !== this.#generation) {
      this.#finishItem();
      this.#assembler = new FrameAssembler(this.#generation, itemId);
      this.#items.set(itemId, { sentMs: 0, playedMs: 0, generatedMs: 0 });
    }
    this.#items.get(itemId)!.generatedMs += bytesToMs(chunk.length);
    for (const frame of this.#assembler.push(chunk)) this.#enqueue(frame, false);
    this.#schedulePump();
  }

  /** The model finished the item's audio: its short last frame goes out, with a mark after it. */
  itemDone(itemId: string | null): void {
    if (!this.#assembler || this.#assembler.itemId !== itemId) return;
    this.#finishItem();
    this.#schedulePump();
  }

  /** A mark Twilio echoed: that much of its item has played. Marks of another generation are stale. */
  confirm(markName: unknown): void {
    const mark = parseMarkName(markName);
    if (!mark) return;
    if (mark.generation !== this.#generation) {
      this.#stats.staleMarksIgnored += 1;
      return;
    }
    const item = this.#items.get(mark.itemId);
    if (!item) return;
    this.#stats.marksConfirmed += 1;
    if (mark.endMs > item.playedMs) item.playedMs = mark.endMs;
    // A fully heard item needs no more accounting (keeps the map small on long calls).
    if (item.playedMs >= item.generatedMs && this.#assembler?.itemId !== mark.itemId) this.#items.delete(mark.itemId);
  }

  /** Every item not fully heard, cut at what the caller confirmably heard (never beyond what was sent). */
  truncations(): Truncation[] {
    const cuts: Truncation[] = [];
    for (const [itemId, item] of this.#items) {
      if (item.playedMs >= item.generatedMs) continue;
      cuts.push({ itemId, audioEndMs: truncateAudioEndMs(item.sentMs, item.playedMs), sentMs: item.sentMs, playedMs: item.playedMs });
    }
    return cuts;
  }

  /** Calls `then` once everything queued has been sent (with the ms until it has played). */
  whenDrained(then: ((untilPlayedMs: number) => void) | null): void {
    this.#onDrained = then;
    this.#schedulePump();
  }

  /** A new generation: queued and unsent audio dropped, later marks of the old one ignored. */
  reset(): void {
    this.#generation += 1;
    this.#assembler = null;
    this.#items.clear();
    this.#queue.clear();
    this.#playheadEndMs = this.#now();
    this.#onDrained = null;
    this.#clearPumpTimer();
  }

  /** The call is over: nothing more is sent. */
  stop(): void {
    this.#stopped = true;
    this.#queue.clear();
    this.#onDrained = null;
    this.#clearPumpTimer();
  }

  #finishItem(): void {
    const assembler = this.#assembler;
    if (!assembler) return;
    this.#assembler = null;
    const last = assembler.flush();
    if (last) this.#enqueue(last, true);
    else {
      const tail = this.#queue.last();
      if (tail && tail.itemId === assembler.itemId && tail.generation === assembler.generation) tail.markAfter = true;
    }
  }

  #enqueue(frame: OutboundFrame, markAfter: boolean): void {
    const interval = this.#timing.markIntervalMs;
    const startMs = frame.itemEndMs - bytesToMs(frame.payload.length);
    frame.markAfter = markAfter || Math.floor(frame.itemEndMs / interval) > Math.floor(startMs / interval);
    const dropped = this.#queue.push(frame);
    if (dropped > 0) this.#onQueueFull(dropped, this.#queue.droppedFrames);
  }

  #schedulePump(delayMs = 0): void {
    if (this.#pumpTimer || this.#stopped) return;
    if (delayMs <= 0) {
      this.#pump();
      return;
    }
    this.#pumpTimer = setTimeout(() => {
      this.#pumpTimer = null;
      this.#pump();
    }, delayMs);
    this.#pumpTimer.unref();
  }

  #clearPumpTimer(): void {
    if (this.#pumpTimer) clearTimeout(this.#pumpTimer);
    this.#pumpTimer = null;
  }

  /**
   * Sends queued frames while playback is less than `maxAheadMs` ahead of the monotonic clock and
   * the stream is not backed up; then sleeps until the next frame may go.
   */
  #pump(): void {
    if (this.#stopped) return;
    const now = this.#now();
    if (this.#playheadEndMs < now) this.#playheadEndMs = now; // underrun: Twilio restarts playback on arrival
    let backedUp = false;
    for (let frame = this.#queue.peek(); frame; frame = this.#queue.peek()) {
      if (this.#playheadEndMs - now >= this.#timing.maxAheadMs) break;
      if (this.#sink.bufferedBytes() > this.#timing.twilioMaxBufferedBytes) {
        backedUp = true;
        break;
      }
      this.#queue.shift();
      this.#send(frame);
    }
    if (this.#queue.length > 0) {
      const untilDue = this.#playheadEndMs - this.#timing.maxAheadMs - now;
      this.#schedulePump(backedUp ? FRAME_MS : Math.max(1, Math.ceil(untilDue)));
    } else if (this.#onDrained) {
      const drained = this.#onDrained;
      this.#onDrained = null;
      drained(this.#playheadEndMs - now);
    }
  }

  #send(frame: OutboundFrame): void {
    if (!this.#sink.sendMedia(frame.payload)) return;
    this.#stats.framesOut += 1;
    this.#stats.bytesOut += frame.payload.length;
    this.#playheadEndMs += bytesToMs(frame.payload.length);
    const item = this.#items.get(frame.itemId);
    if (item && frame.generation === this.#generation) item.sentMs = frame.itemEndMs;
    if (frame.markAfter) {
      this.#stats.marksSent += 1;
      this.#sink.sendMark(formatMarkName({ generation: frame.generation, itemId: frame.itemId, endMs: frame.itemEndMs }));
    }
  }
}
