/**
 * WhatsApp, end to end with the deterministic local assistant:
 * 1. inbound message → AI reply sent: a fake Baileys socket (devtools/fakes) of a
 *    leased session emits messages.upsert; the whatsapp service stores it and
 *    signals the conversation workflow; the worker generates the reply (local
 *    provider, the phone's tools) and the send runs on the whatsapp process's
 *    queue, back out through the socket. Sequential latency p50/p99, then a burst
 *    over many contacts for messages/s.
 * 2. outbound queue: sendWhatsappMessage (record under the idempotency key,
 *    per-business limit, send) at concurrency, one business over its limit and
 *    several businesses under theirs.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createWhatsappActivities } from '../activities/whatsapp';
import { Business, Conversation, Database, WhatsappConnection } from '../data';
import { FakeBaileysSocketFactory, type FakeBaileysSocket } from '../devtools/fakes/baileys-socket-fake';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { LogMessageProvider, type WhatsappSender } from '../platform/messaging';
import { WORKFLOWS_PATH } from '../workers';
import { startWhatsapp } from '../whatsapp';
import { formatTiming, startBenchInfra, summarize } from './support';

const SEQUENTIAL = Number(process.env.BENCH_WHATSAPP_SEQUENTIAL ?? 60);
const BURST_CONTACTS = Number(process.env.BENCH_WHATSAPP_BURST ?? 100);
const OUTBOUND = Number(process.env.BENCH_WHATSAPP_OUTBOUND ?? 400);

export async function run(): Promise<void> {
  const logger = createLogger('bench', 'silent');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const infra = await startBenchInfra();
  const db = new Database({ url: infra.databaseUrl, logger, poolMax: 10 });
  const taskQueue = `bench-whatsapp-${process.pid}`;
  const connection = await Connection.connect({ address: infra.temporalAddress });
  const client = new Client({ connection, namespace: infra.temporalNamespace });
  const nativeConnection = await NativeConnection.connect({ address: infra.temporalAddress });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: infra.temporalNamespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ db, logger, messages: new LogMessageProvider(logger), temporal: { client, taskQueue, leadFollowUpAfterMs: 3_600_000 } }),
    maxConcurrentActivityTaskExecutions: 100,
  });
  const running = worker.run();
  const sockets = new FakeBaileysSocketFactory();
  const businessId = await db.withSystemScope('bench fixture', async () => (await Business.create({ name: 'Bench WhatsApp', timezone: 'Asia/Jerusalem' })).id);
  await db.withTenant({ businessId }, () => WhatsappConnection.create({ businessId, provider: 'baileys', wanted: true, outboundPerMinute: 6000 }));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: infra.temporalNamespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    WHATSAPP_PORT: '0',
    WHATSAPP_LEASE_SECONDS: '10',
    WHATSAPP_LEASE_RENEW_SECONDS: '2',
  });
  const service = await startWhatsapp(config, { logger, openSocket: sockets.create, ownerId: `bench-${process.pid}`, onlyBusinessIds: [businessId] });
  try {
    await until(() => sockets.sockets.length === 1);
    const socket = sockets.latest;
    socket.emitOpen();
    await until(async () => (await db.withTenant({ businessId }, () => WhatsappConnection.findOne()))?.status === 'open');

    let counter = 0;
    const say = (contact: number, text: string) => {
      const id = `BENCH${process.pid}x${++counter}`;
      socket.emitMessages([{ key: { id, remoteJid: `97250${String(contact).padStart(7, '0')}@s.whatsapp.net`, fromMe: false }, messageTimestamp: Math.floor(Date.now() / 1000), message: { conversation: text } }]);
    };
    const replies = (s: FakeBaileysSocket) => s.sent.length;

    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const before = replies(socket);
      const started = performance.now();
      say(i % 10, i % 2 ? 'מה שעות הפתיחה?' : 'שלום');
      await until(() => replies(socket) > before, 30_000, 2);
      latencies.push(performance.now() - started);
    }
    console.log(formatTiming(`inbound → AI reply sent (${SEQUENTIAL} sequential)`, summarize(latencies)));

    const before = replies(socket);
    const burstStarted = performance.now();
    for (let i = 0; i < BURST_CONTACTS; i++) say(1000 + i, 'שלום');
    await until(() => replies(socket) >= before + BURST_CONTACTS, 300_000, 20);
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    console.log(`inbound → AI reply, burst of ${BURST_CONTACTS} contacts: ${burstSeconds.toFixed(2)} s, ${(BURST_CONTACTS / burstSeconds).toFixed(1)} messages/s (one worker, one whatsapp process)`);

    await benchOutbound(db);
  } finally {
    await service.close();
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    await db.close();
    await infra.stop();
  }
}

/** The send activity directly (no Temporal), against a sender that answers at once: the queue's own cost and the limit. */
async function benchOutbound(db: Database): Promise<void> {
  const instant: WhatsappSender = { provider: 'twilio', findSentIsComplete: true, send: (m) => Promise.resolve({ providerMessageId: `SM${m.messageId}` }), findSent: () => Promise.resolve(null) };
  const activities = createWhatsappActivities({ db, logger: createLogger('bench', 'silent'), messages: new LogMessageProvider(createLogger('bench', 'silent')), whatsappSenders: { twilio: instant } });
  const business = async (name: string, perMinute: number) => {
    const id = await db.withSystemScope('bench fixture', async () => (await Business.create({ name })).id);
    return db.withTenant({ businessId: id }, async () => {
      await WhatsappConnection.create({ businessId: id, provider: 'twilio', outboundPerMinute: perMinute });
      const conversation = await Conversation.create({ businessId: id, channel: 'whatsapp', contactE164: '+972501234567' });
      return { id, conversationId: conversation.id };
    });
  };
  const runBatch = async (targets: Array<{ id: string; conversationId: string }>, total: number, concurrency: number) => {
    let next = 0;
    let sent = 0;
    let limited = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const target = targets[i % targets.length]!;
          try {
            await activities.sendWhatsappMessage({ businessId: target.id, conversationId: target.conversationId, to: '+972501234567', body: `הודעה ${i}`, idempotencyKey: `bench-out-${target.id}-${i}` });
            sent++;
          } catch (error) {
            if ((error as { type?: string }).type === 'WhatsappRateLimited') limited++;
            else throw error;
          }
        }
      }),
    );
    return { sent, limited, seconds: (performance.now() - started) / 1000 };
  };
  const limitedBusiness = await business('Bench limited', 100);
  const overLimit = await runBatch([limitedBusiness], OUTBOUND, 16);
  console.log(`outbound, one business limited to 100/min, ${OUTBOUND} sends at concurrency 16: ${overLimit.sent} sent, ${overLimit.limited} deferred by the limit (retried later by Temporal), ${(OUTBOUND / overLimit.seconds).toFixed(0)} decisions/s`);
  const many = await Promise.all(Array.from({ length: 8 }, (_, i) => business(`Bench outbound ${i}`, 6000)));
  const underLimit = await runBatch(many, OUTBOUND, 16);
  console.log(`outbound, 8 businesses under their limits, ${OUTBOUND} sends at concurrency 16: ${underLimit.sent} sent in ${underLimit.seconds.toFixed(2)} s, ${(underLimit.sent / underLimit.seconds).toFixed(0)} messages/s`);
}

async function until(probe: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('benchmark step timed out');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
