import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { signalCallSession } from '../orchestration';
import type { Logger } from '../platform/logger';
import { dtmfSignal, endSignal, heartbeatSignal, toolCallSignal, turnSignal, usageSignal, type CallSessionInput } from '../workflows';
import type { CallEndEvent, CallEvents, CallIdentity, DtmfEvent, ToolCallEvent, TranscriptEvent, UsageEvent } from './call-events';

export interface WorkflowCallEventsOptions {
  client: Client;
  taskQueue: string;
  logger: Logger;
  /** Given to each call workflow; the sink sends a heartbeat signal three times per timeout while the call is up. */
  heartbeatTimeoutMs: number;
  leadFollowUpAfterMs?: number;
  /** Another sink that also gets every event (the log). */
  also?: CallEvents;
  /**
   * Usage totals go out at most this often per call (the latest totals; the end sends the last).
   * They come with every response.done, right when a tool call starts its own workflow work, and
   * each signal is a workflow task on the same workers. Default 5 s.
   */
  usageIntervalMs?: number;
}

const DEFAULT_USAGE_INTERVAL_MS = 5_000;

interface CallState {
  session: CallSessionInput;
  seq: number;
  /** Signals of one call go out one after another, so the workflow sees them in the order they happened. */
  chain: Promise<void>;
  heartbeat: NodeJS.Timeout;
  usageSentAt: number;
  pendingUsage: UsageEvent | null;
  usageTimer: NodeJS.Timeout | null;
}

/** Longest tool output kept in the workflow's history. */
const RESULT_SUMMARY_MAX_CHARS = 600;
const RESULT_KEYS = ['ok', 'booked', 'cancelled', 'moved', 'saved', 'found', 'error', 'appointmentId', 'leadId', 'startsAt', 'when', 'answer'];

/**
 * The call-session sink: every bridge event becomes a signal-with-start of the
 * call's workflow. Nothing here is awaited by the bridge: each call has its own
 * ordered chain of sends, and a failed send is logged and skipped.
 */
export class WorkflowCallEvents implements CallEvents {
  readonly #options: WorkflowCallEventsOptions;
  readonly #calls = new Map<string, CallState>();
  readonly #chains = new Set<Promise<void>>();
  #failures = 0;

  constructor(options: WorkflowCallEventsOptions) {
    this.#options = options;
  }

  /** Signals that failed to send (diagnostics and tests). */
  get failures(): number {
    return this.#failures;
  }

  onTranscript(event: TranscriptEvent): void {
    this.#options.also?.onTranscript(event);
    this.#send(event, turnSignal, (base) => ({ ...base, role: event.role, text: event.text }));
  }

  onDtmf(event: DtmfEvent): void {
    this.#options.also?.onDtmf(event);
    if (event.digits) this.#send(event, dtmfSignal, (base) => ({ ...base, digits: event.digits }));
  }

  onToolCall(event: ToolCallEvent): void {
    this.#options.also?.onToolCall(event);
    this.#send(event, toolCallSignal, (base) => ({ ...base, name: event.name, args: event.args, result: summarizeOutput(event.output) }));
  }

  onUsage(event: UsageEvent): void {
    this.#options.also?.onUsage(event);
    if (!event.businessId || !event.callSid) return;
    const state = this.#state(event);
    state.pendingUsage = event;
    if (state.usageTimer) return;
    const waitMs = state.usageSentAt + (this.#options.usageIntervalMs ?? DEFAULT_USAGE_INTERVAL_MS) - Date.now();
    if (waitMs <= 0) return this.#sendUsage(state);
    state.usageTimer = setTimeout(() => this.#sendUsage(state), waitMs);
    state.usageTimer.unref();
  }

  #sendUsage(state: CallState): void {
    state.usageTimer = null;
    const usage = state.pendingUsage;
    state.pendingUsage = null;
    if (!usage) return;
    state.usageSentAt = Date.now();
    this.#send(usage, usageSignal, (base) => ({ ...base, ...usageTotals(usage) }));
  }

  onEnd(event: CallEndEvent): void {
    this.#options.also?.onEnd(event);
    const key = callKey(event);
    const state = this.#calls.get(key);
    if (state?.usageTimer) clearTimeout(state.usageTimer);
    const usage = event.usage ?? state?.pendingUsage ?? null;
    if (usage) this.#send(event, usageSignal, (base) => ({ ...base, ...usageTotals(usage) }));
    this.#send(event, endSignal, (base) => ({ ...base, reason: event.reason }));
    if (!state) return;
    state.usageTimer = null;
    state.pendingUsage = null;
    clearInterval(state.heartbeat);
    void state.chain.then(() => {
      if (this.#calls.get(key) === state) this.#calls.delete(key);
    });
  }

  /** Resolves when every signal queued so far has been sent or has failed, or after timeoutMs (shutdown with Temporal down). */
  async flush(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#chains.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all([...this.#chains]), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(1, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
  }

  /** Stops the heartbeats (shutdown); queued signals, and usage held back, still go out. */
  close(): void {
    for (const state of this.#calls.values()) {
      clearInterval(state.heartbeat);
      if (state.usageTimer) {
        clearTimeout(state.usageTimer);
        this.#sendUsage(state);
      }
    }
  }

  #send<T>(identity: CallIdentity, signal: SignalDefinition<[T]>, build: (base: { id: string; at: string }) => T): void {
    if (!identity.businessId || !identity.callSid) return;
    const state = this.#state(identity);
    state.seq += 1;
    const arg = build({ id: `${identity.callSid}/${state.seq}`, at: new Date().toISOString() });
    const send = state.chain.then(() =>
      signalCallSession(this.#options.client, { taskQueue: this.#options.taskQueue, session: state.session, signal, args: [arg] }).then(
        () => undefined,
        (error: unknown) => {
          this.#failures += 1;
          this.#options.logger.warn({ err: error, callSid: identity.callSid, signal: signal.name }, 'call workflow signal failed');
        },
      ),
    );
    state.chain = send;
    this.#chains.add(send);
    void send.then(() => this.#chains.delete(send));
  }

  #state(identity: CallIdentity): CallState {
    const key = callKey(identity);
    const existing = this.#calls.get(key);
    if (existing) return existing;
    const session: CallSessionInput = {
      businessId: identity.businessId,
      callSid: identity.callSid,
      direction: 'inbound',
      startedAt: new Date().toISOString(),
      heartbeatTimeoutMs: this.#options.heartbeatTimeoutMs,
      leadFollowUpAfterMs: this.#options.leadFollowUpAfterMs,
    };
    const heartbeat = setInterval(
      () => this.#send(identity, heartbeatSignal, (base) => base),
      Math.max(500, Math.floor(this.#options.heartbeatTimeoutMs / 3)),
    );
    heartbeat.unref();
    const state: CallState = { session, seq: 0, chain: Promise.resolve(), heartbeat, usageSentAt: -Infinity, pendingUsage: null, usageTimer: null };
    this.#calls.set(key, state);
    return state;
  }
}

function usageTotals(event: UsageEvent) {
  const usage = event.usage;
  return {
    inputTokens: usage.textInputTokens + usage.audioInputTokens,
    outputTokens: usage.textOutputTokens + usage.audioOutputTokens,
    audioInSeconds: event.audioInSeconds,
    audioOutSeconds: event.audioOutSeconds,
    costUsd: event.costUsd,
  };
}

function callKey(identity: CallIdentity): string {
  return `${identity.businessId}/${identity.callSid}`;
}

/** The tool's answer as the workflow keeps it: the keys that tell what happened, plus a bounded JSON text. */
function summarizeOutput(output: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of RESULT_KEYS) {
    const value = output[key];
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) kept[key] = value;
  }
  const text = JSON.stringify(output);
  kept.summary = text.length > RESULT_SUMMARY_MAX_CHARS ? `${text.slice(0, RESULT_SUMMARY_MAX_CHARS - 1)}…` : text;
  return kept;
}
