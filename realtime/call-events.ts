import type { Logger } from '../platform/logger';
import type { RealtimeUsage } from './pricing';

/**
 * What the bridge reports about a call. Today a logging sink; later the sink
 * signals the call's Temporal workflow. Handlers must not block: the bridge
 * calls them synchronously and never awaits them.
 */
export interface CallIdentity {
  businessId: string;
  callSid: string;
  streamSid: string;
}

export interface DtmfEvent extends CallIdentity {
  digits: string;
  reason: 'terminator' | 'idle' | 'overflow' | 'end';
}

export interface TranscriptEvent extends CallIdentity {
  role: 'caller' | 'assistant';
  text: string;
  itemId: string | null;
}

export interface ToolCallEvent extends CallIdentity {
  name: string;
  args: Record<string, unknown>;
  output: Record<string, unknown>;
  durationMs: number;
}

export interface UsageEvent extends CallIdentity {
  usage: RealtimeUsage;
  costUsd: number;
  audioInSeconds: number;
  audioOutSeconds: number;
}

export interface CallStats {
  framesIn: number;
  framesOut: number;
  inboundDroppedBeforeModel: number;
  outboundDroppedFrames: number;
  marksSent: number;
  marksConfirmed: number;
  staleMarksIgnored: number;
  bargeIns: number;
  truncations: number;
}

export interface CallEndEvent extends CallIdentity {
  reason: string;
  stats: CallStats;
  usage: UsageEvent | null;
}

export interface CallEvents {
  onDtmf(event: DtmfEvent): void;
  onTranscript(event: TranscriptEvent): void;
  onToolCall(event: ToolCallEvent): void;
  onUsage(event: UsageEvent): void;
  onEnd(event: CallEndEvent): void;
}

/** Writes each event to the log (transcripts at debug: they are the caller's words). */
export class LoggingCallEvents implements CallEvents {
  constructor(private readonly logger: Logger) {}
  onDtmf(event: DtmfEvent): void {
    this.logger.info({ callSid: event.callSid, businessId: event.businessId, digits: event.digits.length, reason: event.reason }, 'dtmf entry');
  }
  onTranscript(event: TranscriptEvent): void {
    this.logger.debug({ callSid: event.callSid, role: event.role, text: event.text }, 'transcript');
  }
  onToolCall(event: ToolCallEvent): void {
    this.logger.info({ callSid: event.callSid, businessId: event.businessId, tool: event.name, durationMs: event.durationMs }, 'tool call');
  }
  onUsage(event: UsageEvent): void {
    this.logger.debug({ callSid: event.callSid, costUsd: event.costUsd, usage: event.usage }, 'usage');
  }
  onEnd(event: CallEndEvent): void {
    this.logger.info({ callSid: event.callSid, businessId: event.businessId, reason: event.reason, stats: event.stats, costUsd: event.usage?.costUsd ?? 0 }, 'call ended');
  }
}

interface RecordedEventMap {
  dtmf: DtmfEvent;
  transcript: TranscriptEvent;
  toolCall: ToolCallEvent;
  usage: UsageEvent;
  end: CallEndEvent;
}
type RecordedKind = keyof RecordedEventMap;
type RecordedEvent = { [K in RecordedKind]: { kind: K; event: RecordedEventMap[K] } }[RecordedKind];

/** Test sink: keeps every event and lets a test wait for one. */
export class RecordingCallEvents implements CallEvents {
  readonly events: RecordedEvent[] = [];
  #waiters: Array<{ test: (e: RecordedEvent) => boolean; resolve: (e: RecordedEvent) => void }> = [];

  onDtmf(event: DtmfEvent): void {
    this.#record({ kind: 'dtmf', event });
  }
  onTranscript(event: TranscriptEvent): void {
    this.#record({ kind: 'transcript', event });
  }
  onToolCall(event: ToolCallEvent): void {
    this.#record({ kind: 'toolCall', event });
  }
  onUsage(event: UsageEvent): void {
    this.#record({ kind: 'usage', event });
  }
  onEnd(event: CallEndEvent): void {
    this.#record({ kind: 'end', event });
  }

  of<K extends RecordedKind>(kind: K): Array<RecordedEventMap[K]> {
    return this.events.filter((e) => e.kind === kind).map((e) => e.event as RecordedEventMap[K]);
  }

  waitFor<K extends RecordedKind>(kind: K, predicate: (event: RecordedEventMap[K]) => boolean = () => true, timeoutMs = 10_000): Promise<RecordedEventMap[K]> {
    const test = (e: RecordedEvent) => e.kind === kind && predicate(e.event as RecordedEventMap[K]);
    const found = this.events.find(test);
    if (found) return Promise.resolve(found.event as RecordedEventMap[K]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} event within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e.event as RecordedEventMap[K]);
        },
      });
    });
  }

  #record(event: RecordedEvent): void {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(event)) return true;
      w.resolve(event);
      return false;
    });
  }
}
