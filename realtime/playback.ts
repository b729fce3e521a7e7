/**
 * Pure pieces of the outbound (assistant -> caller) audio path: reframing,
 * the bounded frame queue, mark names and the barge-in truncation point.
 * Everything is accounted in milliseconds derived from μ-law bytes (8 per ms).
 */

export const TWILIO_MULAW_BYTES_PER_MS = 8;
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * TWILIO_MULAW_BYTES_PER_MS; // 160
/** Margin added to the last confirmed playback position: audio Twilio played after that mark but before the barge-in. */
export const TRUNCATE_PLAYED_MARGIN_MS = 50;

export function bytesToMs(bytes: number): number {
  return bytes / TWILIO_MULAW_BYTES_PER_MS;
}

/** One frame of assistant audio and where it ends in its model item's audio, in ms. */
export interface OutboundFrame {
  generation: number;
  itemId: string;
  payload: Buffer;
  itemEndMs: number;
  /** Send a mark right after this frame (set by the bridge every mark interval and at an item's end). */
  markAfter?: boolean;
}

/**
 * Cuts the model's arbitrarily sized audio deltas into 160-byte frames for one
 * item. A remainder shorter than a frame waits for the next delta; `flush` hands
 * it over as a short last frame (no padding: the model's audio is sent as is).
 */
export class FrameAssembler {
  #pending: Buffer = Buffer.alloc(0);
  #itemBytes = 0;

  constructor(
    readonly generation: number,
    readonly itemId: string,
  ) {}

  push(chunk: Buffer): OutboundFrame[] {
    const data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: OutboundFrame[] = [];
    let offset = 0;
    for (; offset + FRAME_BYTES <= data.length; offset += FRAME_BYTES) {
      frames.push(this.#frame(data.subarray(offset, offset + FRAME_BYTES)));
    }
    // Copy the remainder so the (possibly large) decoded delta is not kept alive by a slice.
    this.#pending = offset < data.length ? Buffer.from(data.subarray(offset)) : Buffer.alloc(0);
    return frames;
  }

  flush(): OutboundFrame | null {
    if (this.#pending.length === 0) return null;
    const frame = this.#frame(this.#pending);
    this.#pending = Buffer.alloc(0);
    return frame;
  }

  get itemMs(): number {
    return bytesToMs(this.#itemBytes + this.#pending.length);
  }

  #frame(payload: Buffer): OutboundFrame {
    this.#itemBytes += payload.length;
    return { generation: this.generation, itemId: this.itemId, payload, itemEndMs: bytesToMs(this.#itemBytes) };
  }
}

/**
 * FIFO of outbound frames with a hard cap in bytes. Pacing and socket
 * backpressure keep it short in practice (the model outruns real time only
 * while it is generating); the cap is the last resort against an unbounded
 * reply: the oldest frames are dropped and counted, never the call's memory.
 */
export class OutboundQueue {
  /** Sent frames leave a hole (undefined) until the array is compacted: a sent frame must not stay reachable. */
  #frames: Array<OutboundFrame | undefined> = [];
  #head = 0;
  #bytes = 0;
  #droppedFrames = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < FRAME_BYTES) {
      throw new RangeError(`maxBytes must be an integer >= ${FRAME_BYTES}, got ${maxBytes}`);
    }
  }

  /** Adds a frame; returns how many old frames had to be dropped to stay under the cap. */
  push(frame: OutboundFrame): number {
    this.#frames.push(frame);
    this.#bytes += frame.payload.length;
    let dropped = 0;
    while (this.#bytes > this.maxBytes && this.length > 1) {
      this.shift();
      dropped += 1;
    }
    this.#droppedFrames += dropped;
    return dropped;
  }

  peek(): OutboundFrame | undefined {
    return this.#frames[this.#head];
  }

  last(): OutboundFrame | undefined {
    return this.length > 0 ? this.#frames[this.#frames.length - 1] : undefined;
  }

  shift(): OutboundFrame | undefined {
    const frame = this.#frames[this.#head];
    if (!frame) return undefined;
    this.#frames[this.#head] = undefined;
    this.#head += 1;
    this.#bytes -= frame.payload.length;
    if (this.#head === this.#frames.length) {
      this.#frames.length = 0;
      this.#head = 0;
    } else if (this.#head > 256 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
    return frame;
  }

  clear(): void {
    this.#frames = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  get length(): number {
    return this.#frames.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get droppedFrames(): number {
    return this.#droppedFrames;
  }
}

export interface PlaybackMark {
  generation: number;
  itemId: string;
  endMs: number;
}

/** `<generation>:<itemId>:<endMs>`, unique per position of an item in a playback generation. */
export function formatMarkName(mark: PlaybackMark): string {
  return `${mark.generation}:${mark.itemId}:${Math.round(mark.endMs)}`;
}

/** Total parser for a mark name echoed by Twilio: null for anything we did not send. */
export function parseMarkName(name: unknown): PlaybackMark | null {
  if (typeof name !== 'string' || name.length > 200) return null;
  const first = name.indexOf(':');
  const last = name.lastIndexOf(':');
  if (first <= 0 || last <= first + 1 || last === name.length - 1) return null;
  const generation = name.slice(0, first);
  const endMs = name.slice(last + 1);
  if (!/^\d{1,9}$/.test(generation) || !/^\d{1,9}$/.test(endMs)) return null;
  return { generation: Number(generation), itemId: name.slice(first + 1, last), endMs: Number(endMs) };
}

/**
 * Where to cut the model's item on barge-in: what the caller confirmably heard
 * (last echoed mark) plus a small margin, never beyond what was actually sent.
 */
export function truncateAudioEndMs(sentMs: number, playedMs: number, marginMs = TRUNCATE_PLAYED_MARGIN_MS): number {
  return Math.max(0, Math.floor(Math.min(sentMs, playedMs + marginMs)));
}
