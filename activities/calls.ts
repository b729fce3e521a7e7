import { ApplicationFailure } from '@temporalio/activity';
import { UniqueConstraintError } from 'sequelize';
import { Call } from '../data';
import { LocalAssistantProvider, type CallTranscriptTurn } from '../platform/assistant-provider';
import type { ActivityDependencies } from './dependencies';

export type CallTurn = CallTranscriptTurn;

export interface CallUsageTotals {
  inputTokens: number;
  outputTokens: number;
  audioInSeconds: number;
  audioOutSeconds: number;
  costUsd: number;
}

export interface ExtractedCallLead {
  fullName: string | null;
  /** E.164. */
  phone: string | null;
  need: string | null;
}

export interface RecordCallStartInput {
  businessId: string;
  /** The idempotency key: one call row per Twilio CallSid. */
  callSid: string;
  workflowId: string;
  direction: 'inbound' | 'outbound';
  fromE164: string | null;
  toE164: string | null;
  startedAt: string;
}

export interface FinalizeCallInput {
  businessId: string;
  callSid: string;
  workflowId: string;
  endedAt: string;
  endReason: string;
  outcome: string;
  transcript: CallTurn[];
  usage: CallUsageTotals;
  leadId: string | null;
  /** What the assistant's tools were asked and answered (shown in the CRM). */
  toolCalls?: Array<{ name: string; at: string; ok: boolean; args?: Record<string, unknown>; result?: Record<string, unknown> }>;
}

/** A call sid that belongs to another business (or is not visible to this one): never retried. */
export const CALL_NOT_OURS = 'CallNotOurs';

export function createCallActivities({ db, assistant = new LocalAssistantProvider() }: ActivityDependencies) {
  /** Finds the call row by its sid, creating it (status in-progress) if the webhook did not. */
  async function upsertCall(input: Pick<RecordCallStartInput, 'businessId' | 'callSid' | 'workflowId'> & Partial<RecordCallStartInput>): Promise<Call> {
    const attempt = () =>
      db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const existing = await Call.findOne({ where: { callSid: input.callSid }, transaction });
        if (existing) return existing;
        return Call.create(
          {
            businessId: input.businessId,
            callSid: input.callSid,
            direction: input.direction ?? 'inbound',
            fromE164: input.fromE164 ?? null,
            toE164: input.toE164 ?? null,
            status: 'in-progress',
            startedAt: input.startedAt ? new Date(input.startedAt) : new Date(),
            workflowId: input.workflowId,
          },
          { transaction },
        );
      });
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
      // Raced with another writer of this sid: ours now, or another business's (invisible under RLS).
      const again = await db.withTenant({ businessId: input.businessId }, () => Call.findOne({ where: { callSid: input.callSid } }));
      if (again) return again;
      throw ApplicationFailure.nonRetryable('this call sid belongs to another business', CALL_NOT_OURS);
    }
  }

  return {
    /** The call row, once per call sid (a retry or a second start finds it). */
    async recordCallStart(input: RecordCallStartInput): Promise<{ callId: string }> {
      const call = await upsertCall(input);
      if (!call.workflowId) await db.withTenant({ businessId: input.businessId }, () => call.update({ workflowId: input.workflowId }));
      return { callId: call.id };
    },

    /**
     * Stores what the call left behind: transcript, usage and cost, outcome, lead.
     * Keyed by the call sid; a repeat writes the same values again.
     */
    async finalizeCall(input: FinalizeCallInput): Promise<{ callId: string }> {
      const call = await upsertCall(input);
      return db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const endedAt = new Date(input.endedAt);
        const startedAt = call.startedAt ?? endedAt;
        await call.update(
          {
            status: 'completed',
            endedAt,
            durationSeconds: Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000)),
            transcript: input.transcript,
            outcome: input.outcome,
            audioInSeconds: input.usage.audioInSeconds,
            audioOutSeconds: input.usage.audioOutSeconds,
            inputTokens: input.usage.inputTokens,
            outputTokens: input.usage.outputTokens,
            costUsd: input.usage.costUsd.toFixed(6),
            leadId: input.leadId ?? call.leadId,
            workflowId: call.workflowId ?? input.workflowId,
            toolCalls: (input.toolCalls ?? []).map((tool) => ({ name: tool.name, at: tool.at, ok: tool.ok, args: tool.args ?? {}, result: tool.result ?? {} })),
          },
          { transaction },
        );
        return { callId: call.id };
      });
    },

    /** Summary and lead fields through the assistant provider; the summary is stored on the call row. */
    async summarizeCall(input: { businessId: string; callSid: string; transcript: CallTurn[]; callerE164: string | null }): Promise<{ summary: string; lead: ExtractedCallLead }> {
      const result = await assistant.summarizeCall({ transcript: input.transcript, callerE164: input.callerE164 });
      await db.withTenant({ businessId: input.businessId }, () => Call.update({ summary: result.summary }, { where: { callSid: input.callSid } }));
      return result;
    },
  };
}
