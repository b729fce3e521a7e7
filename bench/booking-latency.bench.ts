/**
 * Booking latency through the real path: HTTP POST /api/v1/appointments (API key)
 * → Temporal Update-with-Start → worker process (local activity) → PostgreSQL, answered
 * when the slot is held. Sequential and concurrent bookings, next to a direct
 * transactional insert of the same appointment (the floor no workflow can beat).
 * Floor: p99 ≤ 150 ms sequential.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAccountsApi } from '../api/accounts';
import { createApp } from '../api/app';
import { issueApiKey } from '../api/auth/api-keys';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { ApiKey, Appointment } from '../data';
import { createLogger } from '../platform/logger';
import { MemoryNotifier } from '../platform/notifier';
import { workflowIds } from '../temporal-config';
import { cpuPerOperation, formatCpu, sampleProcessCpu, sampleResidentMemory, type RoleOf } from './process-cpu';
import { formatTiming, startBookingStack, summarize } from './support';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 500);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 200);
const WARM_UP = Number(process.env.BENCH_WARMUP ?? 200);
const FLOOR_P99_MS = 150;

export async function run(): Promise<{ sequentialP99Ms: number }> {
  const logger = createLogger('bench', 'silent');
  const stack = await startBookingStack('booking', 10, { workerProcess: true });
  const { db, businessId, client, taskQueue, nextSlot } = stack;
  const issued = issueApiKey();
  await db.withTenant({ businessId }, () => ApiKey.create({ businessId, name: 'bench', prefix: issued.prefix, secretHash: issued.secretHash, scopes: ['read', 'write'] }));
  const api = createAccountsApi({
    db,
    logger,
    notifier: new MemoryNotifier(),
    sessionSecret: 'bench',
    sessionTtlHours: 1,
    cookieSecure: 'false',
    publicBaseUrl: 'http://bench.local',
    booking: { temporal: client, taskQueue, namespace: stack.infra.temporalNamespace, temporalUiUrl: 'http://ui', leadFollowUpMs: 3_600_000 },
  });
  const server = http.createServer(createApp({ logger, readinessChecks: {}, routers: [{ path: '/api/v1', router: api.router }] }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;

  const bookOnce = async (i: number): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`${base}/appointments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey(i) },
      body: JSON.stringify({ name: `Bench ${i}`, phone: `05077${String(i % 100_000).padStart(5, '0')}`, start: nextSlot() }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`booking ${i} answered ${response.status}`);
    return performance.now() - started;
  };

  try {
    // The JIT of three processes (API, worker, Temporal) keeps warming for a few hundred bookings:
    // the figures are for a warmed system; the halves below show how much is left.
    for (let i = 0; i < WARM_UP; i++) await bookOnce(1_000_000 + i);
    const sequential: number[] = [];
    const cpuBefore = sampleProcessCpu(roleOfProcess);
    for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await bookOnce(i));
    const sequentialCpu = cpuPerOperation(cpuBefore, sampleProcessCpu(roleOfProcess), SEQUENTIAL);
    const workerMemoryMb = sampleResidentMemory(roleOfProcess).worker ?? 0;
    const history = await describeHistory(client, workflowIds.booking(businessId, idempotencyKey(0)));
    const timeline = await answerTimeline(client, Array.from({ length: Math.min(SEQUENTIAL, 50) }, (_, i) => workflowIds.booking(businessId, idempotencyKey(SEQUENTIAL - 1 - i))));
    const concurrentStarted = performance.now();
    const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => bookOnce(10_000 + i)));
    const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;

    const direct: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const startsAt = new Date(nextSlot());
      const started = performance.now();
      await db.withTenant({ businessId }, () => Appointment.create({ businessId, startsAt, endsAt: new Date(startsAt.getTime() + 15 * 60_000), idempotencyKey: `direct-${i}` }));
      direct.push(performance.now() - started);
    }

    const seq = summarize(sequential);
    const baseline = summarize(direct);
    console.log('\n== booking latency: API → Temporal (Update-with-Start) → worker → PostgreSQL ==');
    console.log(formatTiming(`${SEQUENTIAL} sequential bookings (after ${WARM_UP} warm-up)`, seq));
    const half = Math.floor(sequential.length / 2);
    console.log(formatTiming('  of which the first half', summarize(sequential.slice(0, half))));
    console.log(formatTiming('  of which the second half', summarize(sequential.slice(half))));
    console.log(formatCpu('CPU per sequential booking (ms)', sequentialCpu));
    console.log(`history of one booking: ${history}`);
    console.log(`worker resident memory after ${WARM_UP + SEQUENTIAL} bookings: ${workerMemoryMb.toFixed(0)} MB`);
    console.log(`server clock, last 50 sequential bookings: ${timeline}`);
    if (CONCURRENT > 0) console.log(formatTiming(`${CONCURRENT} concurrent bookings`, summarize(concurrent)));
    console.log(formatTiming('baseline: direct transactional insert', baseline));
    const concurrentThroughput = CONCURRENT > 0 ? `${(CONCURRENT / concurrentSeconds).toFixed(1)} bookings/s concurrent, ` : '';
    console.log(`throughput: ${concurrentThroughput}${(1000 / seq.meanMs).toFixed(1)} bookings/s sequential`);
    console.log(`ratio sequential p50 / direct insert p50: ${(seq.p50Ms / baseline.p50Ms).toFixed(1)}x`);
    console.log(`floor p99 ≤ ${FLOOR_P99_MS} ms sequential: ${seq.p99Ms <= FLOOR_P99_MS ? 'MET' : 'NOT MET'} (${seq.p99Ms.toFixed(1)} ms)`);
    return { sequentialP99Ms: seq.p99Ms };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await stack.stop();
  }
}

function idempotencyKey(i: number): string {
  return `bench-${process.pid}-${i}`;
}

/** The benchmark's processes: this one (API and HTTP client), the worker, Temporal's dev server and PostgreSQL. */
const roleOfProcess: RoleOf = (comm, commandLine) => {
  if (comm === 'postgres') return 'postgres';
  if (comm === 'temporal') return 'temporal';
  if (commandLine.includes('workers/main.ts')) return 'worker';
  if (commandLine.includes('test-infra')) return 'test-infra';
  return null;
};

/** Workflow tasks, activities and local activities in one booking's history, and how many tasks came before the hold's answer. */
async function describeHistory(client: Client, workflowId: string): Promise<string> {
  const events = await historyOf(client, workflowId);
  const answeredAt = events.findIndex((event) => event.workflowExecutionUpdateCompletedEventAttributes);
  const tasksBefore = events.slice(0, answeredAt).filter((event) => event.workflowTaskCompletedEventAttributes).length;
  const count = (pick: (event: HistoryEvent) => unknown) => events.filter((event) => pick(event)).length;
  return [
    `${count((event) => event.workflowTaskCompletedEventAttributes)} workflow tasks (${tasksBefore} up to the answer)`,
    `${count((event) => event.activityTaskScheduledEventAttributes)} activities`,
    `${count((event) => event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER)} local activities`,
    `${events.length} events`,
  ].join(', ');
}

/**
 * Where the time of an answer goes, from the server's own clock (median over the given bookings):
 * start to the worker picking up the first workflow task, and that task (the hold included) to the answer.
 */
async function answerTimeline(client: Client, workflowIds: string[]): Promise<string> {
  const toStart: number[] = [];
  const inWorker: number[] = [];
  for (const workflowId of workflowIds) {
    const events = await historyOf(client, workflowId);
    const at = (pick: (event: HistoryEvent) => unknown) => {
      const found = events.find((event) => pick(event));
      return found?.eventTime ? optionalTsToMs(found.eventTime) ?? NaN : NaN;
    };
    const started = at((event) => event.workflowExecutionStartedEventAttributes);
    const taskStarted = at((event) => event.workflowTaskStartedEventAttributes);
    const answered = at((event) => event.workflowExecutionUpdateCompletedEventAttributes);
    toStart.push(taskStarted - started);
    inWorker.push(answered - taskStarted);
  }
  const median = (samples: number[]) => summarize(samples).p50Ms.toFixed(1);
  return `start → worker has the first task ${median(toStart)} ms, that task (hold included) → answer recorded ${median(inWorker)} ms`;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

async function historyOf(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
