import type { Client } from '@temporalio/client';
import { createLogger } from '../platform/logger';
import { emptyUsage } from './pricing';
import { WorkflowCallEvents } from './workflow-events';

const identity = { businessId: 'b1', callSid: 'CA1', streamSid: 'MZ1' };

interface Sent {
  workflowId: string;
  signal: string;
  arg: Record<string, unknown>;
}

function fakeClient(behaviour: (sent: Sent) => Promise<void>): { client: Client; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = {
    workflow: {
      signalWithStart: async (_workflow: unknown, options: { workflowId: string; signal: { name: string }; signalArgs: [Record<string, unknown>] }) => {
        const entry = { workflowId: options.workflowId, signal: options.signal.name, arg: options.signalArgs[0] };
        await behaviour(entry);
        sent.push(entry);
      },
    },
  } as unknown as Client;
  return { client, sent };
}

const logger = createLogger('test', 'silent');

describe('WorkflowCallEvents', () => {
  it('never makes the bridge wait, sends one call\'s signals in order with distinct ids, and goes on after a failure', async () => {
    let calls = 0;
    const { client, sent } = fakeClient(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, calls === 1 ? 50 : 1));
      if (calls === 2) throw new Error('temporal unavailable');
    });
    const sink = new WorkflowCallEvents({ client, taskQueue: 'q', logger, heartbeatTimeoutMs: 60_000 });
    const started = performance.now();
    sink.onTranscript({ ...identity, role: 'assistant', text: 'שלום', itemId: 'i1' });
    sink.onDtmf({ ...identity, digits: '1', reason: 'terminator' });
    sink.onToolCall({ ...identity, name: 'book_appointment', args: { a: 1 }, output: { ok: true, booked: true, appointmentId: 'ap1', long: 'x'.repeat(5_000) }, durationMs: 5 });
    sink.onEnd({
      ...identity,
      reason: 'twilio_stop',
      stats: { framesIn: 0, framesOut: 0, inboundDroppedBeforeModel: 0, outboundDroppedFrames: 0, marksSent: 0, marksConfirmed: 0, staleMarksIgnored: 0, bargeIns: 0, truncations: 0 },
      usage: { ...identity, usage: { ...emptyUsage(), responses: 1, audioInputTokens: 10, audioOutputTokens: 20 }, costUsd: 0.5, audioInSeconds: 1, audioOutSeconds: 2 },
    });
    expect(performance.now() - started).toBeLessThan(20);
    await sink.flush();

    expect(sink.failures).toBe(1);
    expect(sent.map((s) => s.signal)).toEqual(['turn', 'toolCall', 'usage', 'end']);
    expect(sent.every((s) => s.workflowId === 'call/b1/CA1')).toBe(true);
    expect(sent.map((s) => s.arg.id)).toEqual(['CA1/1', 'CA1/3', 'CA1/4', 'CA1/5']);
    const tool = sent.find((s) => s.signal === 'toolCall')!.arg.result as Record<string, unknown>;
    expect(tool).toMatchObject({ ok: true, booked: true, appointmentId: 'ap1' });
    expect((tool.summary as string).length).toBeLessThanOrEqual(600);
    expect(sent.find((s) => s.signal === 'usage')!.arg).toMatchObject({ inputTokens: 10, outputTokens: 20, costUsd: 0.5, audioInSeconds: 1, audioOutSeconds: 2 });
  });

  it('sends heartbeats while the call is up and stops them at the end', async () => {
    const { client, sent } = fakeClient(() => Promise.resolve());
    const sink = new WorkflowCallEvents({ client, taskQueue: 'q', logger, heartbeatTimeoutMs: 1_500 });
    sink.onTranscript({ ...identity, callSid: 'CA2', role: 'assistant', text: 'שלום', itemId: null });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await sink.flush();
    const beats = sent.filter((s) => s.signal === 'heartbeat').length;
    expect(beats).toBeGreaterThanOrEqual(1);
    sink.onEnd({ ...identity, callSid: 'CA2', reason: 'x', stats: { framesIn: 0, framesOut: 0, inboundDroppedBeforeModel: 0, outboundDroppedFrames: 0, marksSent: 0, marksConfirmed: 0, staleMarksIgnored: 0, bargeIns: 0, truncations: 0 }, usage: null });
    await sink.flush();
    const afterEnd = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(sent.length).toBe(afterEnd);
  });

  it('sends usage at most once per interval with the latest totals, and the last at the end', async () => {
    const { client, sent } = fakeClient(() => Promise.resolve());
    const sink = new WorkflowCallEvents({ client, taskQueue: 'q', logger, heartbeatTimeoutMs: 60_000, usageIntervalMs: 300 });
    const call = { ...identity, callSid: 'CA3' };
    const usage = (responses: number) => ({ ...call, usage: { ...emptyUsage(), responses, audioOutputTokens: responses * 10 }, costUsd: responses / 100, audioInSeconds: responses, audioOutSeconds: responses });
    const usageSent = () => sent.filter((s) => s.signal === 'usage').map((s) => s.arg.outputTokens);
    sink.onUsage(usage(1)); // the first goes at once
    sink.onUsage(usage(2));
    sink.onUsage(usage(3)); // held back: only the latest goes, once the interval is over
    await sink.flush();
    expect(usageSent()).toEqual([10]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await sink.flush();
    expect(usageSent()).toEqual([10, 30]);
    sink.onUsage(usage(4)); // within the interval again: held, then superseded by the end's totals
    sink.onEnd({ ...call, reason: 'twilio_stop', stats: { framesIn: 0, framesOut: 0, inboundDroppedBeforeModel: 0, outboundDroppedFrames: 0, marksSent: 0, marksConfirmed: 0, staleMarksIgnored: 0, bargeIns: 0, truncations: 0 }, usage: usage(5) });
    await sink.flush();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(usageSent()).toEqual([10, 30, 50]);
    expect(sent.at(-1)!.signal).toBe('end');

    // Without totals on the end, the held-back usage goes out before it.
    const other = { ...identity, callSid: 'CA4' };
    sink.onUsage({ ...usage(1), callSid: 'CA4' });
    sink.onUsage({ ...usage(2), callSid: 'CA4' });
    sink.onEnd({ ...other, reason: 'x', stats: { framesIn: 0, framesOut: 0, inboundDroppedBeforeModel: 0, outboundDroppedFrames: 0, marksSent: 0, marksConfirmed: 0, staleMarksIgnored: 0, bargeIns: 0, truncations: 0 }, usage: null });
    await sink.flush();
    expect(sent.filter((s) => s.workflowId === 'call/b1/CA4').map((s) => [s.signal, s.arg.outputTokens])).toEqual([
      ['usage', 10],
      ['usage', 20],
      ['end', undefined],
    ]);
  });
});
