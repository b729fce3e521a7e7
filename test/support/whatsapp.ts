import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { Business, type Database } from '../../data';
import type { AppConfig } from '../../platform/config';
import { LogMessageProvider, type WhatsappSender } from '../../platform/messaging';
import { testEnv, testLogger, testServiceConfig } from './infra';
import { workflowBundle } from './temporal';

export interface ConversationWorker {
  client: Client;
  taskQueue: string;
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

/** A real worker with every workflow and activity, a Temporal client for the assistant's tools, and the given WhatsApp senders. */
export async function startConversationWorker(db: Database, name: string, senders: Partial<Record<'baileys' | 'twilio', WhatsappSender>> = {}): Promise<ConversationWorker> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = testEnv('TEST_TEMPORAL_ADDRESS');
  const namespace = testEnv('TEST_TEMPORAL_NAMESPACE');
  const taskQueue = `${name}-${process.pid}-${Date.now()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      db,
      logger: testLogger,
      messages: new LogMessageProvider(testLogger),
      temporal: { client, taskQueue, leadFollowUpAfterMs: 3600_000 },
      whatsappSenders: senders,
    }),
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Opens the business every day around the clock, 30-minute slots, no notice: "מחר בעשר" is always bookable. */
export function openAroundTheClock(db: Database, businessId: string, timezone = 'Asia/Jerusalem'): Promise<unknown> {
  const open = [{ start: '00:00', end: '23:59' }];
  return db.withSystemScope('test fixture: business rules', () =>
    Business.update(
      {
        timezone,
        weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
        bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 60 },
      },
      { where: { id: businessId } },
    ),
  );
}

/** The whatsapp service's config against the test PostgreSQL and Temporal, its conversations on `taskQueue`. */
export function whatsappServiceConfig(taskQueue: string, overrides: Record<string, string> = {}): AppConfig {
  return testServiceConfig({
    TEMPORAL_TASK_QUEUE: taskQueue,
    WHATSAPP_PORT: '0',
    // A lease long enough that a loaded machine's stalls never let it lapse mid-test (a lapse
    // restarts the session and its socket); the lease handover has its own test.
    WHATSAPP_LEASE_SECONDS: '30',
    WHATSAPP_LEASE_RENEW_SECONDS: '1',
    ...overrides,
  });
}
