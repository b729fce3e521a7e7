import type { SignalDefinition } from '@temporalio/common';
import { Call, Lead, Notification, type Database } from '../../data';
import { signalCallSession } from '../../orchestration';
import { LogMessageProvider } from '../../platform/messaging';
import { workflowIds } from '../../temporal-config';
import { endSignal, toolCallSignal, turnSignal, usageSignal, dtmfSignal, type CallSessionInput, type CallSessionView } from '../../workflows';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { expectHistoriesReplay, startTestWorker, type TestWorker } from '../support/temporal';
import { waitFor } from '../support/wait';

describe('call session workflow on a real Temporal server and PostgreSQL', () => {
  let db: Database;
  let temporal: TestWorker;
  let businessId: string;
  let counter = 0;
  const finishedWorkflowIds: string[] = [];

  const newCallSid = () => `CA${process.pid}${Date.now()}${counter++}`;
  const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
  const session = (callSid: string, overrides: Partial<CallSessionInput> = {}): CallSessionInput => ({
    businessId,
    callSid,
    startedAt: at(),
    fromE164: '+972501110000',
    heartbeatTimeoutMs: 60_000,
    leadFollowUpAfterMs: 60_000,
    ...overrides,
  });
  const sender =
    (start: CallSessionInput) =>
    <T,>(signal: SignalDefinition<[T]>, arg: T) =>
      signalCallSession(temporal.client, { taskQueue: temporal.taskQueue, session: start, signal, args: [arg] });
  const callRow = (callSid: string) => db.withTenant({ businessId }, () => Call.findOne({ where: { callSid } }));

  beforeAll(async () => {
    db = openAppDatabase(10);
    businessId = await createBusiness(db, 'Call clinic');
    temporal = await startTestWorker(db, new LogMessageProvider(testLogger), 'call-session');
  }, 120_000);

  afterAll(async () => {
    await temporal?.stop();
    await db?.close();
  });

  it('builds the transcript from signals and finalizes the call row once, however often a signal is re-sent', async () => {
    const callSid = newCallSid();
    const start = session(callSid);
    const send = sender(start);

    const { workflowId } = await send(turnSignal, { id: `${callSid}/1`, at: at(), role: 'assistant', text: 'שלום, מספרת הדוגמה, במה אפשר לעזור?' });
    expect(workflowId).toBe(workflowIds.call(businessId, callSid));
    await send(turnSignal, { id: `${callSid}/2`, at: at(1), role: 'caller', text: 'שלום, קוראים לי רונית לוי, אני רוצה לקבוע תור לתספורת' });
    // The same turn again (a retried signal): it counts once.
    await send(turnSignal, { id: `${callSid}/2`, at: at(1), role: 'caller', text: 'שלום, קוראים לי רונית לוי, אני רוצה לקבוע תור לתספורת' });
    await send(dtmfSignal, { id: `${callSid}/3`, at: at(2), digits: '0527654300' });
    await send(toolCallSignal, { id: `${callSid}/4`, at: at(3), name: 'answer_faq', args: { question: 'מתי פתוח' }, result: { found: true } });
    await send(usageSignal, { id: `${callSid}/5`, at: at(4), inputTokens: 120, outputTokens: 80, audioInSeconds: 12.5, audioOutSeconds: 9.25, costUsd: 0.0123 });
    await send(endSignal, { id: `${callSid}/6`, at: at(5), reason: 'twilio_stop' });

    const handle = temporal.client.workflow.getHandle(workflowId);
    const view = (await handle.result()) as CallSessionView;
    finishedWorkflowIds.push(workflowId);
    expect(view.transcript.map((turn) => turn.role)).toEqual(['assistant', 'caller', 'system']);
    expect(view.finalized).toBe(true);

    const row = await callRow(callSid);
    expect(row).toMatchObject({
      status: 'completed',
      workflowId,
      fromE164: '+972501110000',
      audioInSeconds: 12.5,
      audioOutSeconds: 9.25,
      inputTokens: 120,
      outputTokens: 80,
      costUsd: '0.012300',
      outcome: 'lead',
    });
    expect(row!.transcript).toHaveLength(3);
    expect(row!.transcript[1]!.text).toContain('רונית לוי');
    expect(row!.summary).toContain('רונית לוי');
    expect(await db.withTenant({ businessId }, () => Call.count({ where: { callSid } }))).toBe(1);
    await temporal.client.workflow.getHandle(workflowIds.leadCapture(businessId, '+972527654300')).terminate('test done');

    // A late event after the call finalized does not open a second session.
    await expect(send(endSignal, { id: `${callSid}/7`, at: at(6), reason: 'late' })).rejects.toThrow();
    expect(await db.withTenant({ businessId }, () => Call.count({ where: { callSid } }))).toBe(1);
  }, 60_000);

  it('captures the lead from what the caller said and notifies the owner', async () => {
    const callSid = newCallSid();
    const start = session(callSid, { fromE164: null });
    const send = sender(start);
    await send(turnSignal, { id: `${callSid}/1`, at: at(), role: 'caller', text: 'היי, שמי משה אברהם, אני צריך תיקון דחוף של המזגן' });
    await send(turnSignal, { id: `${callSid}/2`, at: at(1), role: 'caller', text: 'הטלפון שלי אפס חמש שתיים, שבע שש חמש, ארבע שלוש שתיים אחת' });
    await send(endSignal, { id: `${callSid}/3`, at: at(2), reason: 'end_call' });
    const handle = temporal.client.workflow.getHandle(workflowIds.call(businessId, callSid));
    const view = (await handle.result()) as CallSessionView;
    finishedWorkflowIds.push(handle.workflowId);

    expect(view.leadId).toEqual(expect.any(String));
    const lead = await db.withTenant({ businessId }, () => Lead.findByPk(view.leadId!));
    expect(lead).toMatchObject({ fullName: 'משה אברהם', phoneE164: '+972527654321', source: 'call' });
    expect((await callRow(callSid))!.leadId).toBe(view.leadId);

    // The lead-capture workflow outlives the call, keyed by the contact's phone.
    const leadHandle = temporal.client.workflow.getHandle(workflowIds.leadCapture(businessId, '+972527654321'));
    expect((await leadHandle.describe()).status.name).toBe('RUNNING');
    await leadHandle.terminate('test done');

    const owner = await db.withTenant({ businessId }, () => Notification.findAll({ where: { idempotencyKey: `${handle.workflowId}/owner-call-summary` } }));
    expect(owner).toHaveLength(1);
    expect(owner[0]!.body).toContain('משה אברהם');
    expect(owner[0]!.body).toContain('+972527654321');
    const attributes = (await handle.describe()).searchAttributes;
    expect(attributes).toMatchObject({ BusinessId: [businessId], CallSid: [callSid], Channel: ['voice'], Kind: ['call'], LeadId: [view.leadId] });
  }, 60_000);

  it('finalizes the call when the realtime process goes silent (no end, heartbeat timeout)', async () => {
    const callSid = newCallSid();
    const start = session(callSid, { heartbeatTimeoutMs: 2_000 });
    await signalCallSession(temporal.client, {
      taskQueue: temporal.taskQueue,
      session: start,
      signal: turnSignal,
      args: [{ id: `${callSid}/1`, at: at(), role: 'caller', text: 'הלו? שומעים אותי?' }],
    });
    // No more signals: the realtime process "died".
    const row = await waitFor(() => callRow(callSid), (call) => call?.status === 'completed', 20_000);
    expect(row).toMatchObject({ status: 'completed', outcome: 'abandoned' });
    expect(row!.transcript).toEqual([expect.objectContaining({ role: 'caller', text: 'הלו? שומעים אותי?' })]);
    const handle = temporal.client.workflow.getHandle(workflowIds.call(businessId, callSid));
    const view = (await handle.result()) as CallSessionView;
    expect(view.ended?.reason).toBe('heartbeat_timeout');
    finishedWorkflowIds.push(handle.workflowId);
  }, 60_000);

  it('replays the recorded histories deterministically', async () => {
    expect(finishedWorkflowIds.length).toBeGreaterThan(0);
    await expectHistoriesReplay(temporal.client, finishedWorkflowIds);
  });
});
