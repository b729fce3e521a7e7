import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Business, Database } from '../data';
import { migrate } from '../data/migrator';
import { LogMessageProvider } from '../platform/messaging';
import { WORKFLOWS_PATH } from '../workers';
import { createLogger } from '../platform/logger';
import { loadConfig } from '../platform/config';
import { ensureDatabase, startEmbeddedPostgres } from '../scripts/lib/embedded-postgres';
import { freePort } from '../scripts/lib/ports';
import { startTestInfraProcess, type TestInfraProcess } from '../scripts/lib/test-infra-process';
import { spawnService, stopChild, waitForHealth } from '../scripts/lib/services';

export interface BenchDatabase {
  appUrl: string;
  adminUrl: string;
  stop: () => Promise<void>;
}

/** A throwaway embedded PostgreSQL, migrated, for one benchmark run. */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-bench-pg-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, ephemeral: true });
  await ensureDatabase(pg.adminUrl('postgres'), 'prosaas_bench');
  const adminUrl = pg.adminUrl('prosaas_bench');
  const appUrl = `postgres://prosaas_app:bench@127.0.0.1:${port}/prosaas_bench`;
  await migrate({ adminUrl, appUrl, logger: createLogger('bench', 'warn') });
  return {
    appUrl,
    adminUrl,
    stop: async () => {
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Timing {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs fn `iterations` times after `warmup` runs and returns per-call statistics. */
export async function measure(iterations: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { meanMs: samples.reduce((sum, v) => sum + v, 0) / samples.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export function formatTiming(label: string, timing: Timing): string {
  return `${label.padEnd(44)} mean ${timing.meanMs.toFixed(3)} ms  p50 ${timing.p50Ms.toFixed(3)} ms  p99 ${timing.p99Ms.toFixed(3)} ms`;
}

export type BenchInfra = TestInfraProcess;

/** PostgreSQL (migrated) and a Temporal dev server, in a child process (scripts/test-infra.ts). */
export const startBenchInfra = (): Promise<BenchInfra> => startTestInfraProcess();

/** mean, p50 and p99 of latency samples in ms. */
export function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { meanMs: sorted.reduce((sum, v) => sum + v, 0) / sorted.length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

export interface BookingStack {
  infra: BenchInfra;
  client: Client;
  taskQueue: string;
  /** A business open every hour, 15-minute slots, no notice, no reminders. */
  businessId: string;
  /** A pool of the caller's own (the worker has its own). */
  db: Database;
  /** A fresh 15-minute slot start (ISO) on every call, from next January on. */
  nextSlot: () => string;
  stop: () => Promise<void>;
}

/**
 * Everything a booking benchmark runs against: PostgreSQL and Temporal (startBenchInfra), a real
 * worker with its own pool, a Temporal client, and a business that can be booked at any hour.
 */
export async function startBookingStack(name: string, callerPoolMax = 10, options: { workerProcess?: boolean } = {}): Promise<BookingStack> {
  const logger = createLogger('bench', 'silent');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const infra = await startBenchInfra();
  const db = new Database({ url: infra.databaseUrl, logger, poolMax: callerPoolMax });
  const taskQueue = `bench-${name}-${process.pid}`;
  const stopWorker = options.workerProcess ? await startWorkerProcess(infra, taskQueue) : await startInProcessWorker(infra, taskQueue, logger);
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const client = new Client({ connection, namespace: infra.temporalNamespace });
  const open = [{ start: '00:00', end: '24:00' }];
  const businessId = await db.withSystemScope('bench fixture', async () => {
    const business = await Business.create({
      name: 'Bench clinic',
      timezone: 'Asia/Jerusalem',
      weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
      // No reminders: the benchmarks measure the booking, not messages.
      reminderOffsetsMinutes: [],
      bookingRules: { slotLengthMinutes: 15, slotIntervalMinutes: 15, minimumNoticeMinutes: 0, bookingWindowDays: 400 },
    });
    return business.id;
  });
  const dayStart = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);
  let slotIndex = 0;
  return {
    infra,
    client,
    taskQueue,
    businessId,
    db,
    nextSlot: () => new Date(dayStart + slotIndex++ * 15 * 60_000).toISOString(),
    stop: async () => {
      await stopWorker();
      await connection.close();
      await db.close();
      await infra.stop();
    },
  };
}

async function startInProcessWorker(infra: BenchInfra, taskQueue: string, logger: ReturnType<typeof createLogger>): Promise<() => Promise<void>> {
  const workerDb = new Database({ url: infra.databaseUrl, logger, poolMax: 10 });
  const nativeConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: infra.temporalNamespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ db: workerDb, logger, messages: new LogMessageProvider(logger) }),
    maxConcurrentActivityTaskExecutions: 100,
    // As the production worker (workers/index.ts): the configured cache, not the SDK's default.
    maxCachedWorkflows: loadConfig({ DATABASE_URL: infra.databaseUrl, TEMPORAL_MAX_CACHED_WORKFLOWS: process.env.TEMPORAL_MAX_CACHED_WORKFLOWS }).TEMPORAL_MAX_CACHED_WORKFLOWS,
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await workerDb.close();
  };
}

/** The production worker (workers/main.ts) in its own process, as `npm start` and the deployment run it. */
async function startWorkerProcess(infra: BenchInfra, taskQueue: string): Promise<() => Promise<void>> {
  const spec = { name: 'worker', command: process.execPath, args: ['--import', 'tsx', 'workers/main.ts'], healthPort: await freePort(), healthPath: '/ready' };
  const child = spawnService(
    spec,
    {
      ...process.env,
      DATABASE_URL: infra.databaseUrl,
      TEMPORAL_ADDRESS: infra.temporalAddress,
      TEMPORAL_NAMESPACE: infra.temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_HEALTH_PORT: String(spec.healthPort),
      LOG_LEVEL: 'warn',
    },
    0,
  );
  try {
    await waitForHealth(spec, 120_000, child);
  } catch (error) {
    await stopChild(child, 2_000);
    throw error;
  }
  return () => stopChild(child);
}
