import type { Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import { UniqueConstraintError } from 'sequelize';
import { Call, PhoneNumber, TwilioCallEvent, type Database } from '../../data';
import { ID_POLICIES, workflowIds } from '../../temporal-config';
import { callRecording } from '../../workflows';
import { acceptTwilioRequest, refuseMalformed, SID, type TwilioWebhookConfig } from './twilio-request';
import { normalizeDialedNumber, TWILIO_RECORDING_PATH } from './twilio-voice';

export const TWILIO_STATUS_PATH = '/webhooks/twilio/status';

const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
type CallStatus = (typeof CALL_STATUSES)[number];
const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** A later status never moves a call back (callbacks may arrive out of order). */
const STATUS_RANK: Record<string, number> = { queued: 0, dialing: 0, initiated: 1, ringing: 2, 'in-progress': 3, completed: 4, busy: 4, failed: 4, 'no-answer': 4, canceled: 4 };
const RECORDING_STATUSES = ['in-progress', 'completed', 'absent', 'failed'] as const;

const MESSAGES = {
  callSid: { he: 'CallSid חסר או שגוי', en: 'CallSid is missing or invalid' },
  callStatus: { he: 'CallStatus חסר או אינו מוכר', en: 'CallStatus is missing or unknown' },
  duration: { he: 'משך השיחה אינו מספר', en: 'The duration is not a number' },
  recordingSid: { he: 'RecordingSid חסר או שגוי', en: 'RecordingSid is missing or invalid' },
  recordingStatus: { he: 'RecordingStatus חסר או אינו מוכר', en: 'RecordingStatus is missing or unknown' },
};

export interface TwilioCallStatusDependencies {
  db: Database;
  config: TwilioWebhookConfig;
  /** Starts the recording copy workflow; without it a finished recording is answered 503. */
  temporal?: { client: Client; taskQueue: string };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : null);
const seconds = (value: unknown): number | null | 'invalid' => {
  if (value === undefined || value === '') return null;
  return typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : 'invalid';
};

/** The business a call belongs to: its call row, else the business number on the call (To inbound, From outbound). */
async function businessOfCall(db: Database, callSid: string, params: Record<string, unknown>): Promise<string | null> {
  return db.withSystemScope(
    'twilio callback: business of the call',
    async () => {
      const call = await Call.findOne({ where: { callSid }, attributes: ['businessId'] });
      if (call) return call.businessId;
      const outbound = typeof params.Direction === 'string' && params.Direction.startsWith('outbound');
      const number = normalizeDialedNumber(outbound ? params.From : params.To);
      if (!number) return null;
      return (await PhoneNumber.findOne({ where: { e164: number }, attributes: ['businessId'] }))?.businessId ?? null;
    },
    { logLevel: 'debug' },
  );
}

/** Records (CallSid, event) once; false when it was already recorded (a replay). */
async function firstDelivery(db: Database, businessId: string, callSid: string, eventKey: string, payload: Record<string, unknown>): Promise<boolean> {
  try {
    return await db.withTenant({ businessId }, async (transaction) => {
      const [, created] = await TwilioCallEvent.findOrCreate({ where: { callSid, eventKey }, defaults: { businessId, callSid, eventKey, payload }, transaction });
      return created;
    });
  } catch (error) {
    if (error instanceof UniqueConstraintError) return false;
    throw error;
  }
}

function ok(res: Response, body: Record<string, unknown>): void {
  res.status(200).json(body);
}

/**
 * POST /webhooks/twilio/status (call progress) and /webhooks/twilio/recording
 * (a recording finished): signed like the voice webhook, malformed → 400,
 * replays of the same CallSid + event change nothing.
 */
export function createTwilioCallStatusRouter(deps: TwilioCallStatusDependencies): Router {
  const { db, config } = deps;
  const router = Router();

  router.all(TWILIO_STATUS_PATH, async (req: Request, res: Response) => {
    const params = acceptTwilioRequest(req, res, config, 'twilio status webhook');
    if (!params) return;
    const callSid = text(params.CallSid);
    const status = text(params.CallStatus) as CallStatus | null;
    const duration = seconds(params.CallDuration);
    const problems: Record<string, { he: string; en: string }> = {};
    if (!callSid || !SID.call.test(callSid)) problems.CallSid = MESSAGES.callSid;
    if (!status || !CALL_STATUSES.includes(status)) problems.CallStatus = MESSAGES.callStatus;
    if (duration === 'invalid') problems.CallDuration = MESSAGES.duration;
    if (Object.keys(problems).length) return refuseMalformed(req, res, problems);
    const log = req.log.child({ callSid, status });
    const businessId = await businessOfCall(db, callSid!, params);
    if (!businessId) {
      log.warn({ to: params.To, from: params.From }, 'status callback for a call no business knows: ignored');
      return ok(res, { ok: true, ignored: true });
    }
    const first = await firstDelivery(db, businessId, callSid!, `status:${status}`, { CallStatus: status, CallDuration: params.CallDuration ?? null, Timestamp: params.Timestamp ?? null });
    if (!first) return ok(res, { ok: true, duplicate: true });
    await db.withTenant({ businessId }, async (transaction) => {
      const call = await Call.findOne({ where: { callSid: callSid! }, transaction });
      const final = FINAL_STATUSES.has(status!);
      if (!call) {
        const outbound = typeof params.Direction === 'string' && params.Direction.startsWith('outbound');
        await Call.create(
          {
            businessId,
            callSid: callSid!,
            direction: outbound ? 'outbound' : 'inbound',
            fromE164: normalizeDialedNumber(params.From),
            toE164: normalizeDialedNumber(params.To),
            status: status!,
            endedAt: final ? new Date() : null,
            durationSeconds: typeof duration === 'number' ? duration : null,
          },
          { transaction },
        );
        return;
      }
      // The call workflow writes 'completed' with the transcript; a status callback never moves a call back.
      const changes: Partial<Pick<Call, 'status' | 'endedAt' | 'durationSeconds'>> = {};
      if ((STATUS_RANK[status!] ?? 0) > (STATUS_RANK[call.status] ?? 0)) changes.status = status!;
      if (final && !call.endedAt) changes.endedAt = new Date();
      if (typeof duration === 'number') changes.durationSeconds = duration;
      if (Object.keys(changes).length) await call.update(changes, { transaction });
    });
    log.info({ businessId }, 'call status recorded');
    ok(res, { ok: true });
  });

  router.all(TWILIO_RECORDING_PATH, async (req: Request, res: Response) => {
    const params = acceptTwilioRequest(req, res, config, 'twilio recording webhook');
    if (!params) return;
    const callSid = text(params.CallSid);
    const recordingSid = text(params.RecordingSid);
    const status = text(params.RecordingStatus);
    const duration = seconds(params.RecordingDuration);
    const problems: Record<string, { he: string; en: string }> = {};
    if (!callSid || !SID.call.test(callSid)) problems.CallSid = MESSAGES.callSid;
    if (!recordingSid || !SID.recording.test(recordingSid)) problems.RecordingSid = MESSAGES.recordingSid;
    if (!status || !(RECORDING_STATUSES as readonly string[]).includes(status)) problems.RecordingStatus = MESSAGES.recordingStatus;
    if (duration === 'invalid') problems.RecordingDuration = MESSAGES.duration;
    if (Object.keys(problems).length) return refuseMalformed(req, res, problems);
    const log = req.log.child({ callSid, recordingSid, status });
    const businessId = await businessOfCall(db, callSid!, params);
    if (!businessId) {
      log.warn('recording callback for a call no business knows: ignored');
      return ok(res, { ok: true, ignored: true });
    }
    const first = await firstDelivery(db, businessId, callSid!, `recording:${recordingSid}:${status}`, { RecordingStatus: status, RecordingDuration: params.RecordingDuration ?? null });
    if (status !== 'completed') {
      log.info({ businessId, first }, 'recording status noted');
      return ok(res, { ok: true, ...(first ? {} : { duplicate: true }) });
    }
    if (first) {
      await db.withTenant({ businessId }, () =>
        Call.update({ recordingSid: recordingSid!, recordingDurationSeconds: typeof duration === 'number' ? duration : null }, { where: { callSid: callSid! } }),
      );
    }
    if (!deps.temporal) {
      log.error({ businessId }, 'recording finished but this api has no Temporal client: not copied');
      res.status(503).json({ error: { code: 'not_configured', message: 'Recording storage is not available', requestId: req.requestId } });
      return;
    }
    // Started on every delivery: the workflow id dedupes, and a replay heals a start that failed the first time.
    const workflowId = workflowIds.callRecording(businessId, recordingSid!);
    await deps.temporal.client.workflow.start(callRecording, {
      workflowId,
      taskQueue: deps.temporal.taskQueue,
      args: [{ businessId, callSid: callSid!, recordingSid: recordingSid!, durationSeconds: typeof duration === 'number' ? duration : null }],
      ...ID_POLICIES.callRecording,
    }).catch((error: unknown) => {
      // Closed already (REJECT_DUPLICATE): the recording was copied by the first delivery.
      if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
    });
    log.info({ businessId, workflowId, first }, 'recording copy started');
    ok(res, { ok: true, workflowId, ...(first ? {} : { duplicate: true }) });
  });

  return router;
}
