import { Op, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { Call, Lead } from '../../data';
import { requirePermission } from '../../domain/policy';
import { placeOutboundCall } from '../../orchestration';
import { parseByteRange, pipeRecording, type RecordingStorage } from '../../platform/recordings/storage';
import { historyUrl, type BookingDeps } from './booking-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const CALL_NOT_FOUND = { he: 'השיחה לא נמצאה', en: 'Call not found' };
const NO_RECORDING = { he: 'אין הקלטה לשיחה הזו (לא הוקלטה, או נמחקה בתום תקופת השמירה)', en: 'This call has no recording (not recorded, or deleted after the retention period)' };
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;
const REFUSALS: Record<string, { he: string; en: string }> = {
  no_caller_id: { he: 'לעסק אין מספר טלפון קולי להתקשר ממנו', en: 'The business has no voice number to call from' },
  invalid_number: { he: 'המספר לחיוג אינו תקין', en: 'The number to call is not valid' },
  twilio_refused: { he: 'ספק הטלפוניה סירב לחייג למספר הזה', en: 'The telephony provider refused to dial this number' },
  not_configured: { he: 'שיחות יוצאות אינן מוגדרות בשרת (Twilio)', en: 'Outbound calls are not configured on this server (Twilio)' },
  unavailable: { he: 'לא ניתן לחייג כרגע; נסו שוב בעוד כמה דקות', en: 'Calls cannot be placed right now; try again in a few minutes' },
};

export const callSummarySchema = z.object({
  id: z.uuid(),
  callSid: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  status: z.string(),
  outcome: z.string().nullable(),
  startedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  costUsd: z.number(),
  hasRecording: z.boolean(),
  leadId: z.uuid().nullable(),
  createdAt: z.string(),
});

const callDetailSchema = callSummarySchema.extend({
  summary: z.string().nullable(),
  transcript: z.array(z.object({ role: z.string(), text: z.string(), at: z.string() })),
  toolCalls: z.array(z.object({ name: z.string(), at: z.string(), ok: z.boolean(), args: z.record(z.string(), z.unknown()), result: z.record(z.string(), z.unknown()) })),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), audioInSeconds: z.number(), audioOutSeconds: z.number() }),
  recordingDeletedAt: z.string().nullable(),
  workflowUrl: z.string().nullable(),
});

export function toCallSummary(call: Call): z.infer<typeof callSummarySchema> {
  return {
    id: call.id,
    callSid: call.callSid,
    direction: call.direction,
    from: call.fromE164,
    to: call.toE164,
    status: call.status,
    outcome: call.outcome,
    startedAt: call.startedAt ? call.startedAt.toISOString() : null,
    durationSeconds: call.durationSeconds,
    costUsd: Number(call.costUsd),
    hasRecording: Boolean(call.recordingPath && !call.recordingDeletedAt),
    leadId: call.leadId,
    createdAt: call.createdAt.toISOString(),
  };
}

export interface CallRouteDeps extends BookingDeps {
  /** Where recordings are read from; absent = every recording answers 404. */
  recordings?: RecordingStorage;
}

export function callRoutes(deps: CallRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      id: 'calls.list',
      method: 'get',
      path: '/calls',
      summary: 'Phone calls, newest first',
      tag: 'calls',
      scope: 'tenant',
      query: z.strictObject({
        direction: z.enum(['inbound', 'outbound']).optional(),
        leadId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      response: { status: 200, description: 'Calls', schema: z.object({ calls: z.array(callSummarySchema), total: z.number() }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'call.read');
        const where: WhereOptions<Call> = { callSid: { [Op.notLike]: 'pending-%' } };
        if (query.direction) Object.assign(where, { direction: query.direction });
        if (query.leadId) Object.assign(where, { leadId: query.leadId });
        const { rows, count } = await Call.findAndCountAll({ where, order: [['createdAt', 'DESC']], limit: query.limit, offset: query.offset });
        return { body: { calls: rows.map(toCallSummary), total: count } };
      },
    }),
    defineRoute({
      id: 'calls.get',
      method: 'get',
      path: '/calls/:id',
      summary: 'One call: transcript, summary, tool calls, usage and cost, workflow history',
      tag: 'calls',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Call', schema: z.object({ call: callDetailSchema }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'call.read');
        const call = await Call.findByPk(params.id);
        if (!call) throw notFound(CALL_NOT_FOUND);
        return {
          body: {
            call: {
              ...toCallSummary(call),
              summary: call.summary,
              transcript: call.transcript,
              toolCalls: call.toolCalls,
              usage: { inputTokens: call.inputTokens, outputTokens: call.outputTokens, audioInSeconds: call.audioInSeconds, audioOutSeconds: call.audioOutSeconds },
              recordingDeletedAt: call.recordingDeletedAt ? call.recordingDeletedAt.toISOString() : null,
              workflowUrl: historyUrl(deps, call.workflowId),
            },
          },
        };
      },
    }),
    defineRoute({
      id: 'calls.recording',
      method: 'get',
      path: '/calls/:id/recording',
      summary: "The call's recording (audio; supports Range requests)",
      tag: 'calls',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      response: { status: 200, description: 'Audio bytes (audio/mpeg); 206 for a range' },
      handler: async ({ auth, params, req, res, inTenant }) => {
        requirePermission(auth, 'call.read');
        const call = await inTenant(() => Call.findByPk(params.id));
        if (!call) throw notFound(CALL_NOT_FOUND);
        if (!call.recordingPath || call.recordingDeletedAt || !deps.recordings) throw notFound(NO_RECORDING);
        const head = await deps.recordings.get(call.recordingPath, { start: 0, end: 0 });
        if (!head) throw notFound(NO_RECORDING);
        head.body.destroy();
        const range = parseByteRange(req.header('range'), head.size);
        if (range === 'unsatisfiable') {
          res.status(416).set('Content-Range', `bytes */${head.size}`).end();
          return;
        }
        const recording = await deps.recordings.get(call.recordingPath, range ?? undefined);
        if (!recording) throw notFound(NO_RECORDING);
        res.status(range ? 206 : 200).set({
          'Content-Type': recording.contentType,
          'Content-Length': String(recording.range.end - recording.range.start + 1),
          'Accept-Ranges': 'bytes',
          'Cache-Control': 'private, no-store',
          ...(range ? { 'Content-Range': `bytes ${recording.range.start}-${recording.range.end}/${recording.size}` } : {}),
        });
        await pipeRecording(recording, res);
      },
    }),
    defineRoute({
      id: 'calls.create',
      method: 'post',
      path: '/calls',
      summary: "Place an outbound call from the business's own number; the assistant talks when answered (needs an Idempotency-Key header)",
      tag: 'calls',
      scope: 'tenant',
      body: z.strictObject({ to: z.string().trim().min(3).max(40), leadId: z.uuid().optional() }),
      response: { status: 201, description: 'Dialing', schema: z.object({ call: z.object({ callId: z.uuid(), callSid: z.string(), from: z.string(), to: z.string() }), workflowUrl: z.string().nullable() }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, body, businessId, req, inTenant }) => {
        requirePermission(auth, 'call.write');
        const key = req.header('idempotency-key') ?? '';
        if (!IDEMPOTENCY_KEY.test(key)) {
          throw new LocalizedHttpError(400, 'idempotency_key_required', {
            he: 'נדרשת כותרת Idempotency-Key (8–200 תווים: אותיות, ספרות, . _ : -)',
            en: 'An Idempotency-Key header is required (8–200 characters: letters, digits, . _ : -)',
          });
        }
        if (body.leadId && !(await inTenant(() => Lead.count({ where: { id: body.leadId } })))) {
          throw new LocalizedHttpError(400, 'unknown_lead', { he: 'הליד לא נמצא', en: 'Lead not found' });
        }
        const outcome = await placeOutboundCall(deps.temporal, { taskQueue: deps.taskQueue, input: { businessId, idempotencyKey: key, to: body.to, leadId: body.leadId ?? null } });
        if (outcome.kind === 'refused') {
          throw new LocalizedHttpError(422, `call_${outcome.reason}`, REFUSALS[outcome.reason] ?? { he: 'לא ניתן לחייג', en: outcome.message });
        }
        return { status: 201, body: { call: outcome.call, workflowUrl: historyUrl(deps, outcome.workflowId) } };
      },
    }),
  ];
}
