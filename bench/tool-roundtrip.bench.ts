/**
 * Phone tool round trip: what the bridge waits for between the model's function
 * call and the function output it sends back — TemporalAssistantTools.invoke
 * (Hebrew/ISO time and spoken phone parsed, Update-with-Start of the booking
 * workflow, worker activity, PostgreSQL, answer) — for book_appointment with a
 * new slot each time, the same booking repeated in the same call (idempotent),
 * and check_availability read from the database.
 * Then the whole path through the realtime service: a minimal model socket
 * answers every response.create with a book_appointment function call and
 * times until the bridge sends the function_call_output back (the call's
 * events go to its call-session workflow as in production).
 * Two loads: paced (one booking every BENCH_INTERVAL_MS, default 250 ms, started on schedule
 * whether or not the one before has answered: the latency a caller meets, with the previous
 * booking's confirmation and notifications still finishing in the background), and back to back
 * (the next starts the moment the last answered: the system at its throughput limit, where every
 * booking also waits for the last one's follow-up work).
 * Floor: book_appointment p99 ≤ 150 ms, paced; the back-to-back figures are printed next to it.
 */
import type { Client } from '@temporalio/client';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { TwilioCallerFake } from '../devtools/fakes/twilio-caller-fake';
import { loadConfig } from '../platform/config';
import { signStreamToken } from '../platform/stream-token';
import { startRealtime } from '../realtime';
import { defaultProfile } from '../realtime/assistant-profile';
import { createLogger } from '../platform/logger';
import { bookAppointment } from '../orchestration';
import { TemporalAssistantTools } from '../realtime/temporal-tools';
import { formatTiming, startBookingStack, summarize } from './support';

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const FLOOR_P99_MS = 150;
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 250);

/** Starts `count` operations one every `intervalMs` (open loop: on schedule, overlapping if one runs late); their latencies. */
async function paced(count: number, intervalMs: number, operation: (i: number) => Promise<number>): Promise<number[]> {
  const startAt = performance.now();
  const running: Array<Promise<number>> = [];
  for (let i = 0; i < count; i++) {
    const due = startAt + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(operation(i));
  }
  return Promise.all(running);
}

export async function run(): Promise<{ bookP50Ms: number; bookP99Ms: number }> {
  const logger = createLogger('bench', 'silent');
  const stack = await startBookingStack('tools', 4);
  const { client, taskQueue, businessId, nextSlot, db: toolsDb } = stack;
  const tools = new TemporalAssistantTools({ client, taskQueue, db: toolsDb, logger, timeoutMs: 10_000, leadFollowUpAfterMs: 3_600_000 });
  const timed = async (fn: () => Promise<Record<string, unknown>>, check: (output: Record<string, unknown>) => boolean): Promise<number> => {
    const started = performance.now();
    const output = await fn();
    const elapsed = performance.now() - started;
    if (!check(output)) throw new Error(`unexpected tool output: ${JSON.stringify(output)}`);
    return elapsed;
  };
  const book = (i: number, slotStart: string, callSid = `CAbench${process.pid}x${i}`) =>
    tools.invoke('book_appointment', { slotStart, name: `בדיקה ${i}`, phone: `05077${String(i % 100_000).padStart(5, '0')}` }, { businessId, callSid }).then((r) => r.output);

  try {
    for (let i = 0; i < 20; i++) await timed(() => book(1_000_000 + i, nextSlot()), (o) => o.booked === true); // warm-up
    const repeats: number[] = [];
    const booked = await paced(SEQUENTIAL, INTERVAL_MS, async (i) => {
      const slot = nextSlot();
      const elapsed = await timed(() => book(i, slot), (o) => o.booked === true);
      // Every tenth: the caller says it again in the same call; answered from the same workflow, nothing new booked.
      if (i % 10 === 0) repeats.push(await timed(() => book(i, slot), (o) => o.booked === true));
      return elapsed;
    });
    const throughBridge = await bridgeRoundTrips({ client, taskQueue, businessId, databaseUrl: stack.infra.databaseUrl, count: SEQUENTIAL, nextSlot, intervalMs: INTERVAL_MS });
    // Baseline: the same booking through orchestration.bookAppointment with the request already parsed.
    const direct = await paced(SEQUENTIAL, INTERVAL_MS, (i) =>
      timed(
        () =>
          bookAppointment(client, {
            taskQueue,
            request: { businessId, idempotencyKey: `direct-${process.pid}-${i}`, customer: { fullName: `ישיר ${i}`, phone: `05088${String(i).padStart(5, '0')}` }, startsAt: nextSlot(), source: 'call' },
          }).then((outcome) => ({ kind: outcome.kind })),
        (o) => o.kind === 'held',
      ),
    );
    const availability: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      availability.push(await timed(() => tools.invoke('check_availability', { date: 'מחר', time: 'בעשר' }, { businessId, callSid: `CAbench-avail-${i}` }).then((r) => r.output), (o) => o.ok === true));
    }
    // Last: back to back leaves the most follow-up work and open workflows behind it.
    const backToBack: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const slot = nextSlot();
      backToBack.push(await timed(() => book(2_000_000 + i, slot), (o) => o.booked === true));
    }
    const bookStats = summarize(booked);
    console.log('\n== tool round trip: function call → TemporalAssistantTools → Temporal → worker → PostgreSQL → function output ==');
    console.log(`paced: one every ${INTERVAL_MS} ms; back to back: the next as soon as the last answered`);
    console.log(formatTiming(`book_appointment x${SEQUENTIAL} (new slot), paced`, bookStats));
    console.log(formatTiming(`book_appointment x${SEQUENTIAL}, back to back`, summarize(backToBack)));
    console.log(formatTiming(`book_appointment repeated in the call x${repeats.length}`, summarize(repeats)));
    console.log(formatTiming(`baseline: bookAppointment x${SEQUENTIAL}, paced`, summarize(direct)));
    console.log(formatTiming(`check_availability x${SEQUENTIAL} ("מחר בעשר")`, summarize(availability)));
    const bridgeStats = summarize(throughBridge);
    console.log(formatTiming(`full path via the bridge x${throughBridge.length}, paced`, bridgeStats));
    console.log(`floor p99 ≤ ${FLOOR_P99_MS} ms (book_appointment): ${bookStats.p99Ms <= FLOOR_P99_MS ? 'MET' : 'NOT MET'} (${bookStats.p99Ms.toFixed(1)} ms)`);
    console.log(`floor p99 ≤ ${FLOOR_P99_MS} ms (full path via the bridge): ${bridgeStats.p99Ms <= FLOOR_P99_MS ? 'MET' : 'NOT MET'} (${bridgeStats.p99Ms.toFixed(1)} ms)`);
    return { bookP50Ms: bookStats.p50Ms, bookP99Ms: bookStats.p99Ms };
  } finally {
    await stack.stop();
  }
}

/**
 * One phone call through the realtime service whose model socket asks for a
 * booking after every response.create, no sooner than `intervalMs` after the
 * previous one was asked for; each sample is the time from sending the function
 * call to receiving its function_call_output.
 */
async function bridgeRoundTrips(options: { client: Client; taskQueue: string; businessId: string; databaseUrl: string; count: number; nextSlot: () => string; intervalMs: number }): Promise<number[]> {
  const samples: number[] = [];
  const model = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => model.once('listening', resolve));
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  model.on('connection', (socket: WebSocket) => {
    let n = 0;
    let lastAskedAt = -Infinity;
    const sentAt = new Map<string, number>();
    const send = (event: Record<string, unknown>) => socket.send(JSON.stringify(event));
    socket.on('message', (raw) => {
      const event = JSON.parse(String(raw)) as { type: string; item?: { type?: string; call_id?: string } };
      if (event.type === 'session.update') send({ type: 'session.updated', session: {} });
      if (event.type === 'conversation.item.create' && event.item?.type === 'function_call_output') {
        const started = sentAt.get(event.item.call_id ?? '');
        if (started !== undefined && n > 10) samples.push(performance.now() - started); // the first 10 warm up
      }
      if (event.type !== 'response.create') return;
      if (n >= options.count + 10) {
        finished();
        return;
      }
      n += 1;
      const responseId = `resp_${n}`;
      const callId = `call_${n}`;
      send({ type: 'response.created', response: { id: responseId, status: 'in_progress' } });
      const ask = () => {
        const args = JSON.stringify({ slotStart: options.nextSlot(), name: `מתקשר ${n}`, phone: `05099${String(n).padStart(5, '0')}` });
        lastAskedAt = performance.now();
        sentAt.set(callId, lastAskedAt);
        send({ type: 'response.function_call_arguments.done', response_id: responseId, item_id: `item_${n}`, output_index: 0, call_id: callId, name: 'book_appointment', arguments: args });
        send({ type: 'response.done', response: { id: responseId, status: 'completed', output: [], usage: null } });
      };
      const wait = lastAskedAt + options.intervalMs - performance.now();
      if (wait > 0) setTimeout(ask, wait);
      else ask();
    });
  });
  const modelPort = (model.address() as { port: number }).port;
  const authToken = 'bench-twilio-token';
  const publicUrl = 'wss://bench.local/media-stream';
  const secret = 'bench-stream-secret';
  const logger = createLogger('bench', 'silent');
  const realtime = await startRealtime(
    loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: options.databaseUrl,
      REALTIME_PORT: '0',
      TWILIO_AUTH_TOKEN: authToken,
      PUBLIC_REALTIME_URL: publicUrl,
      STREAM_TOKEN_SECRET: secret,
      OPENAI_REALTIME_URL: `ws://127.0.0.1:${modelPort}/v1/realtime`,
      OPENAI_API_KEY: 'sk-bench',
    }),
    { logger, loadProfile: (id) => Promise.resolve(defaultProfile(id, 'Bench clinic')), temporal: { client: options.client, taskQueue: options.taskQueue } },
  );
  const callSid = `CAbenchbridge${process.pid}`;
  const caller = await TwilioCallerFake.connect({
    connectUrl: `ws://127.0.0.1:${realtime.port}/media-stream`,
    signedUrl: publicUrl,
    authToken,
    callSid,
    customParameters: { businessId: options.businessId, callSid, token: signStreamToken({ businessId: options.businessId, callSid }, secret, 600) },
  });
  caller.start();
  try {
    await done;
  } finally {
    caller.stop();
    await realtime.close();
    await new Promise((resolve) => model.close(resolve));
  }
  return samples;
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
