import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, DefaultLogger, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import { Database } from '../data';
import type { AppConfig } from '../platform/config';
import { closeServer, handleHealthRequest, listen } from '../platform/health';
import { createLogger } from '../platform/logger';
import { createAssistantProvider } from '../platform/assistant-provider';
import { billingActivityDeps } from '../platform/billing-config';
import { createEmailProvider, createMessageProvider, TwilioWhatsappSender } from '../platform/messaging';
import { createChatAssistant } from '../platform/chat-assistant';
import { projectRoot } from '../platform/paths';
import type { RunningService } from '../platform/lifecycle';
import { registerNamespaceAndSearchAttributes } from '../temporal-config/register';
import { ensureRecordingCleanupSchedule } from '../temporal-config/recording-schedule';
import { createRecordingStorage } from '../platform/recordings/storage';
import { createTwilioVoiceRest } from '../platform/twilio-voice-rest';

export const WORKFLOWS_PATH = require.resolve('../workflows');
export const PREBUILT_BUNDLE_PATH = path.join(projectRoot(), 'dist', 'workflow-bundle.js');

export interface StartedWorker extends RunningService {
  healthPort: number;
  worker: Worker;
}

let runtimeInstalled = false;

/**
 * Boots the worker: one Temporal connection, dependencies built once, the
 * prebuilt workflow bundle when there is one (production) or the workflows
 * folder (development), and /health + /ready on WORKER_HEALTH_PORT.
 */
export async function startWorker(config: AppConfig): Promise<StartedWorker> {
  const logger = createLogger('worker', config.LOG_LEVEL);
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN', (entry) => logger[entry.level === 'ERROR' ? 'error' : 'warn'](entry.meta ?? {}, entry.message)) });
    runtimeInstalled = true;
  }
  const db = new Database({ url: config.DATABASE_URL, logger, poolMax: config.DATABASE_POOL_MAX });
  await db.verifyRole();
  await registerNamespaceAndSearchAttributes({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    log: (line) => logger.info(line),
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const billing = billingActivityDeps(config);
  // The WhatsApp assistant's tools start and update booking workflows.
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const twilioWhatsapp =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? new TwilioWhatsappSender({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, apiBaseUrl: config.TWILIO_API_BASE_URL })
      : undefined;
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      db,
      logger,
      messages: createMessageProvider(config, logger),
      email: createEmailProvider(config, logger),
      assistant: createAssistantProvider(config),
      recordings: createRecordingStorage(config),
      twilioVoice: createTwilioVoiceRest(config),
      publicBaseUrl: config.PUBLIC_BASE_URL,
      billing,
      chat: createChatAssistant(config),
      temporal: { client, taskQueue: config.TEMPORAL_TASK_QUEUE, leadFollowUpAfterMs: config.LEAD_FOLLOW_UP_MINUTES * 60_000 },
      whatsappSenders: twilioWhatsapp ? { twilio: twilioWhatsapp } : {},
    }),
    maxCachedWorkflows: config.TEMPORAL_MAX_CACHED_WORKFLOWS,
    ...workflowSource(),
  });
  const running = worker.run();
  const scheduleConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    const outcome = await ensureRecordingCleanupSchedule(new Client({ connection: scheduleConnection, namespace: config.TEMPORAL_NAMESPACE }), {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      intervalSeconds: config.RECORDING_CLEANUP_INTERVAL_SECONDS,
      defaultRetentionDays: config.RECORDING_RETENTION_DAYS,
    });
    logger.info({ outcome, everySeconds: config.RECORDING_CLEANUP_INTERVAL_SECONDS }, 'recording cleanup schedule in place');
  } finally {
    await scheduleConnection.close();
  }
  running.catch((error: unknown) => logger.fatal({ err: error }, 'worker stopped with an error'));

  const server = http.createServer((req, res) => {
    const handled = handleHealthRequest(
      'worker',
      {
        database: () => db.ping(),
        temporal: async () => {
          if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
        },
      },
      req,
      res,
    );
    if (!handled) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found' } }));
    }
  });
  const healthPort = await listen(server, config.WORKER_HEALTH_PORT, config.API_HOST);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, healthPort }, 'worker running');
  return {
    healthPort,
    worker,
    close: async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await closeServer(server);
      await connection.close();
      await billing.pdf.close();
      await clientConnection.close();
      await db.close();
    },
  };
}

function workflowSource(): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  // An explicit bundle path always wins (production images, crash tests that restart workers);
  // otherwise production uses the bundle built by `npm run build`, development bundles on start.
  const explicit = process.env.WORKFLOW_BUNDLE_PATH;
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new Error(`WORKFLOW_BUNDLE_PATH=${explicit} does not exist; run npm run build:workflows`);
    return { workflowBundle: { codePath: explicit } };
  }
  if (process.env.NODE_ENV === 'production' && fs.existsSync(PREBUILT_BUNDLE_PATH)) {
    return { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } };
  }
  return { workflowsPath: WORKFLOWS_PATH };
}
