import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import type { BookingRequest } from '../../activities';
import { ApiKey, Appointment, Business, PhoneNumber, type Database } from '../../data';
import { issueApiKey } from '../../api/auth/api-keys';
import { freePort } from '../../scripts/lib/ports';
import { bookAppointment, cancelAppointment, type BookingOutcome } from '../../orchestration';
import { FakeTwilioRest } from '../fakes/twilio-rest-fake';
import { onceExited, startWorkerProcess, writeWorkflowBundle } from './worker-process';

const ROOT = path.resolve(__dirname, '../..');

export interface ChaosEnvironment {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  db: Database;
  log?: (line: string) => void;
}

export interface ChaosReport {
  /** Which process was killed: the worker, or the api while requests were in flight. */
  target: 'worker' | 'api';
  trials: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  overlapping: number;
  confirmationsMissing: number;
  confirmationsDuplicated: number;
  /** SIGKILLs of the target process. */
  kills: number;
}

/**
 * Books against a worker running as its own OS process and SIGKILLs it at
 * random moments, restarting it each time. Afterwards every acknowledged
 * booking must exist exactly once, none may overlap, and each must have had
 * exactly one confirmation message.
 */
export async function runBookingChaos(
  env: ChaosEnvironment,
  options: { trials: number; bookingsPerTrial: number; target?: 'worker' | 'api' },
): Promise<ChaosReport> {
  const target = options.target ?? 'worker';
  const log = env.log ?? (() => undefined);
  const { bundlePath, remove: removeBundle } = await writeWorkflowBundle();
  const twilio = new FakeTwilioRest('ACchaos', 'chaos-token');
  const twilioUrl = await twilio.start();
  const taskQueue = `chaos-${process.pid}-${Date.now()}`;
  const businessId = await chaosBusiness(env.db);
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, namespace: env.namespace });
  const workerEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: env.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WORKER_HEALTH_PORT: '0',
    TWILIO_ACCOUNT_SID: 'ACchaos',
    TWILIO_AUTH_TOKEN: 'chaos-token',
    TWILIO_API_BASE_URL: twilioUrl,
    WORKFLOW_BUNDLE_PATH: bundlePath,
  };
  let worker = startWorkerProcess(workerEnv);
  const api = target === 'api' ? await startApiTarget(env, businessId, workerEnv) : null;
  const report: ChaosReport = { target, trials: options.trials, acknowledged: 0, lost: 0, duplicated: 0, overlapping: 0, confirmationsMissing: 0, confirmationsDuplicated: 0, kills: 0 };
  const acknowledged: Array<{ request: BookingRequest; workflowId: string }> = [];
  let phoneSequence = 0;
  try {
    for (let trial = 0; trial < options.trials; trial++) {
      const day = DateTime.now().setZone('Asia/Jerusalem').plus({ days: 1 + trial });
      const requests: BookingRequest[] = Array.from({ length: options.bookingsPerTrial }, (_, i) => ({
        businessId,
        idempotencyKey: `chaos-${taskQueue}-${trial}-${i}`,
        customer: { fullName: `Caller ${trial}-${i}`, phone: `+9725066${String(phoneSequence++).padStart(5, '0')}` },
        // Half the requests compete for the same few slots.
        startsAt: day.set({ hour: 9 + (i % 4), minute: i % 2 === 0 ? 0 : 30, second: 0, millisecond: 0 }).toUTC().toISO()!,
        source: 'api',
      }));
      const bookings = requests.map((request) => (api ? api.book(request) : bookWithRetries(client, taskQueue, request)));
      await sleep(Math.random() * 400);
      if (api) {
        await api.restart();
      } else {
        worker.kill('SIGKILL');
        await onceExited(worker);
        worker = startWorkerProcess(workerEnv);
      }
      report.kills++;
      const outcomes = await Promise.all(bookings);
      outcomes.forEach((outcome, i) => {
        if (outcome.kind === 'held') acknowledged.push({ request: requests[i]!, workflowId: outcome.workflowId });
      });
      log(`trial ${trial + 1} (${target} killed): ${outcomes.filter((o) => o.kind === 'held').length} held, ${outcomes.filter((o) => o.kind === 'unavailable').length} refused`);
    }
    report.acknowledged = acknowledged.length;

    // Every acknowledged booking exists exactly once.
    for (const { request } of acknowledged) {
      const count = await env.db.withTenant({ businessId }, () => Appointment.count({ where: { idempotencyKey: request.idempotencyKey, status: { [Op.in]: ['held', 'confirmed'] } } }));
      if (count === 0) report.lost++;
      if (count > 1) report.duplicated++;
    }
    report.overlapping = await env.db.withTenant({ businessId }, async (transaction) => {
      const [rows] = await env.db.sequelize.query(
        `SELECT count(*)::int AS n FROM appointments a JOIN appointments b ON a.id < b.id AND a.resource_key = b.resource_key
          AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
          WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')`,
        { transaction },
      );
      return (rows as Array<{ n: number }>)[0]!.n;
    });
    // Each confirmation went out exactly once (the worker may still be sending the last ones).
    const deadline = Date.now() + 30_000;
    for (const { request } of acknowledged) {
      const confirmations = () => twilio.sentTo(request.customer.phone).filter((m) => m.body.includes('נקבע')).length;
      while (confirmations() === 0 && Date.now() < deadline) await sleep(200);
      if (confirmations() === 0) report.confirmationsMissing++;
      if (confirmations() > 1) report.confirmationsDuplicated++;
    }
    await Promise.all(acknowledged.map(({ workflowId }) => cancelAppointment(client, workflowId).catch(() => undefined)));
    return report;
  } finally {
    await api?.stop();
    worker.kill('SIGKILL');
    await onceExited(worker);
    await connection.close();
    await twilio.stop();
    removeBundle();
  }
}

/** A client that keeps asking until it gets an answer, as the API's callers do. */
async function bookWithRetries(client: Client, taskQueue: string, request: BookingRequest): Promise<ChaosOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      const outcome: BookingOutcome = await bookAppointment(client, { taskQueue, request });
      if (outcome.kind === 'held') return { kind: 'held', workflowId: outcome.workflowId };
      return { kind: outcome.kind === 'unavailable' ? 'unavailable' : 'other' };
    } catch (error) {
      if (attempt > 20) throw error;
      await sleep(250);
    }
  }
}

type ChaosOutcome = { kind: 'held'; workflowId: string } | { kind: 'unavailable' | 'other' };

/**
 * The api as its own process on a fixed port, and a client that posts bookings to it with an
 * Idempotency-Key, retrying (same key) on dropped connections and 5xx, as an integrator would.
 */
async function startApiTarget(env: ChaosEnvironment, businessId: string, workerEnv: NodeJS.ProcessEnv) {
  const issued = issueApiKey();
  await env.db.withTenant({ businessId }, () => ApiKey.create({ businessId, name: 'chaos', prefix: issued.prefix, secretHash: issued.secretHash, scopes: ['read', 'write'] }));
  const port = await freePort();
  const apiEnv: NodeJS.ProcessEnv = { ...workerEnv, API_PORT: String(port), API_HOST: '127.0.0.1' };
  const start = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api/main.ts')], { cwd: ROOT, env: apiEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the api exited with ${child.exitCode}`);
      const up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (up) return child;
      if (Date.now() > deadline) throw new Error('the api did not start');
      await sleep(100);
    }
  };
  let process_ = await start();
  return {
    async book(request: BookingRequest): Promise<ChaosOutcome> {
      for (let attempt = 0; attempt < 200; attempt++) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/appointments`, {
            method: 'POST',
            headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/json', 'idempotency-key': request.idempotencyKey },
            body: JSON.stringify({ name: request.customer.fullName, phone: request.customer.phone, start: request.startsAt }),
          });
          const body = (await response.json()) as { appointment?: { workflowId: string } };
          if (response.status === 201 && body.appointment) return { kind: 'held', workflowId: body.appointment.workflowId };
          if (response.status === 409 || response.status === 422) return { kind: 'unavailable' };
          if (response.status < 500) return { kind: 'other' };
        } catch {
          // connection refused or dropped: the api is down; try again with the same key
        }
        await sleep(100);
      }
      return { kind: 'other' };
    },
    async restart(): Promise<void> {
      process_.kill('SIGKILL');
      await onceExited(process_);
      process_ = await start();
    },
    async stop(): Promise<void> {
      process_.kill('SIGKILL');
      await onceExited(process_);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function chaosBusiness(db: Database): Promise<string> {
  const open = [{ start: '09:00', end: '18:00' }];
  return db.withSystemScope('chaos test business', async () => {
    const business = await Business.create({
      name: 'Chaos clinic',
      timezone: 'Asia/Jerusalem',
      weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
      bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 365 },
    });
    await PhoneNumber.create({ businessId: business.id, e164: `+9723${String(Date.now()).slice(-8)}` });
    return business.id;
  });
}
