import {
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, CallTurn, CallUsageTotals, CapturedLead, ExtractedCallLead } from '../activities';
import { workflowIds } from '../temporal-config';
import { leadCapture, leadDetailsSignal } from './lead-capture';

export interface CallSessionInput {
  businessId: string;
  callSid: string;
  direction?: 'inbound' | 'outbound';
  fromE164?: string | null;
  toE164?: string | null;
  /** ISO instant the realtime service saw the call start. */
  startedAt: string;
  /** No signal for this long = the realtime process is gone: finalize anyway. Default 2 minutes; tests pass seconds. */
  heartbeatTimeoutMs?: number;
  /** Passed on to the lead-capture workflow. Default 24 hours. */
  leadFollowUpAfterMs?: number;
}

/** Every signal carries an id chosen by the sender (call sid + sequence), so a re-sent signal counts once. */
interface SignalBase {
  id: string;
  at: string;
}
export interface TurnSignal extends SignalBase {
  role: 'caller' | 'assistant';
  text: string;
}
export interface DtmfSignal extends SignalBase {
  digits: string;
}
export interface ToolCallSignal extends SignalBase {
  name: string;
  args: Record<string, unknown>;
  /** The tool's output, shortened by the sender. */
  result: Record<string, unknown>;
}
export interface UsageSignal extends SignalBase {
  inputTokens: number;
  outputTokens: number;
  audioInSeconds: number;
  audioOutSeconds: number;
  costUsd: number;
}
export interface EndSignal extends SignalBase {
  reason: string;
}

export const turnSignal = defineSignal<[TurnSignal]>('turn');
export const dtmfSignal = defineSignal<[DtmfSignal]>('dtmf');
export const toolCallSignal = defineSignal<[ToolCallSignal]>('toolCall');
/** Running totals of the call so far (the latest wins), not increments: a lost usage signal loses nothing. */
export const usageSignal = defineSignal<[UsageSignal]>('usage');
export const endSignal = defineSignal<[EndSignal]>('end');
/** Sent by the realtime service while the call is up, so a quiet caller is not taken for a dead process. */
export const heartbeatSignal = defineSignal<[SignalBase]>('heartbeat');

export interface CallSessionView {
  transcript: CallTurn[];
  dtmf: string[];
  toolCalls: Array<{ name: string; at: string; ok: boolean; args?: Record<string, unknown>; result?: Record<string, unknown> }>;
  usage: CallUsageTotals;
  leadId: string | null;
  appointmentId: string | null;
  ended: { reason: string; at: string } | null;
  finalized: boolean;
  summary: string | null;
}
export const callSessionQuery = defineQuery<CallSessionView>('callSession');

const DEFAULT_HEARTBEAT_TIMEOUT_MS = 2 * 60_000;
const DEFAULT_LEAD_FOLLOW_UP_MS = 24 * 3600_000;

const callSteps = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '5 seconds', maximumAttempts: 10 },
});
/** The summary is a nice-to-have: a provider that keeps failing must not hold the call record back. */
const summarizer = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3 },
});
const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
});

/**
 * One phone call: collects turns, DTMF, tool calls and usage from the realtime
 * service by signal; when `end` arrives (or nothing arrives for the heartbeat
 * timeout, the realtime process having died), summarizes the call, captures the
 * lead, stores the call record and tells the owner.
 */
export async function callSession(input: CallSessionInput): Promise<CallSessionView> {
  const { businessId, callSid } = input;
  const { workflowId } = workflowInfo();
  const heartbeatMs = input.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  const seen = new Set<string>();
  let signals = 0;
  const view: CallSessionView = {
    transcript: [],
    dtmf: [],
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0, audioInSeconds: 0, audioOutSeconds: 0, costUsd: 0 },
    leadId: null,
    appointmentId: null,
    ended: null,
    finalized: false,
    summary: null,
  };

  upsertSearchAttributes({ BusinessId: [businessId], CallSid: [callSid], Channel: ['voice'], Kind: ['call'] });

  /** Each handler runs once per signal id and counts as a sign of life. */
  const once =
    <T extends SignalBase>(handle: (signal: T) => void) =>
    (signal: T) => {
      signals++;
      if (seen.has(signal.id)) return;
      seen.add(signal.id);
      handle(signal);
    };
  setHandler(
    turnSignal,
    once((turn) => {
      if (turn.text.trim()) view.transcript.push({ role: turn.role, text: turn.text, at: turn.at });
    }),
  );
  setHandler(
    dtmfSignal,
    once((dtmf) => {
      view.dtmf.push(dtmf.digits);
      view.transcript.push({ role: 'system', text: `DTMF: ${dtmf.digits}`, at: dtmf.at });
    }),
  );
  setHandler(
    toolCallSignal,
    once((call) => {
      const ok = call.result.ok !== false;
      view.toolCalls.push({ name: call.name, at: call.at, ok, args: call.args, result: call.result });
      if (typeof call.result.leadId === 'string') knowLead(call.result.leadId);
      if (call.name === 'book_appointment' && call.result.booked === true && typeof call.result.appointmentId === 'string') {
        view.appointmentId = call.result.appointmentId;
      }
    }),
  );
  setHandler(
    usageSignal,
    once((usage) => {
      view.usage = {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        audioInSeconds: usage.audioInSeconds,
        audioOutSeconds: usage.audioOutSeconds,
        costUsd: usage.costUsd,
      };
    }),
  );
  setHandler(
    endSignal,
    once((end) => {
      view.ended ??= { reason: end.reason, at: end.at };
    }),
  );
  setHandler(
    heartbeatSignal,
    once(() => undefined),
  );
  setHandler(callSessionQuery, () => view);

  await callSteps.recordCallStart({
    businessId,
    callSid,
    workflowId,
    direction: input.direction ?? 'inbound',
    fromE164: input.fromE164 ?? null,
    toE164: input.toE164 ?? null,
    startedAt: input.startedAt,
  });

  while (!view.ended) {
    const before = signals;
    const alive = await condition(() => view.ended !== null || signals !== before, heartbeatMs);
    if (!alive) view.ended = { reason: 'heartbeat_timeout', at: new Date(Date.now()).toISOString() };
  }

  const extracted = await summarize();
  let captured: CapturedLead | null = null;
  if (extracted?.fullName && extracted.phone) {
    captured = await callSteps.captureLead({ businessId, fullName: extracted.fullName, phone: extracted.phone, need: extracted.need ?? null, source: 'call' });
    knowLead(captured.leadId);
    await startLeadCapture(captured, extracted);
  }

  await callSteps.finalizeCall({
    businessId,
    callSid,
    workflowId,
    endedAt: view.ended.at,
    endReason: view.ended.reason,
    outcome: outcomeOf(),
    transcript: view.transcript,
    usage: view.usage,
    leadId: view.leadId,
    toolCalls: view.toolCalls,
  });
  view.finalized = true;

  await messaging.sendNotification({
    businessId,
    idempotencyKey: `${workflowId}/owner-call-summary`,
    kind: 'owner_call_summary',
    to: null,
    params: {
      businessName: '',
      customerName: captured?.fullName ?? extracted?.fullName ?? '',
      customerPhone: captured?.phoneE164 ?? extracted?.phone ?? input.fromE164 ?? '',
      title: view.summary ?? '',
    },
    leadId: view.leadId,
  });
  return view;

  function knowLead(leadId: string): void {
    if (view.leadId === leadId) return;
    view.leadId = leadId;
    upsertSearchAttributes({ LeadId: [leadId] });
  }

  function outcomeOf(): string {
    if (view.appointmentId) return 'booked';
    if (view.ended!.reason === 'heartbeat_timeout') return 'abandoned';
    if (view.leadId) return 'lead';
    return view.transcript.some((turn) => turn.role === 'caller') ? 'completed' : 'no_conversation';
  }

  async function summarize(): Promise<ExtractedCallLead | null> {
    try {
      const result = await summarizer.summarizeCall({ businessId, callSid, transcript: view.transcript, callerE164: input.fromE164 ?? null });
      view.summary = result.summary;
      return result.lead;
    } catch {
      // The provider kept failing: the call record is stored without a summary.
      return null;
    }
  }

  /**
   * Lead capture from the workflow itself (no client in the activities): a child
   * that outlives this call (ABANDON) under the contact's lead workflow id; when
   * one is already running for this phone, the details go to it as a signal.
   */
  async function startLeadCapture(lead: CapturedLead, details: ExtractedCallLead): Promise<void> {
    const leadWorkflowId = workflowIds.leadCapture(businessId, lead.phoneE164);
    const leadDetails = { businessId, fullName: lead.fullName, phone: lead.phoneE164, need: details.need ?? null, source: 'call' as const };
    try {
      await startChild(leadCapture, {
        workflowId: leadWorkflowId,
        args: [{ details: leadDetails, captured: lead, followUpAfterMs: input.leadFollowUpAfterMs ?? DEFAULT_LEAD_FOLLOW_UP_MS }],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
    } catch {
      // Already running for this contact: merge the call's details into it.
      try {
        await getExternalWorkflowHandle(leadWorkflowId).signal(leadDetailsSignal, { ...leadDetails, capturedLeadId: lead.leadId });
      } catch {
        // it closed in between; the lead itself is stored already
      }
    }
  }
}
