import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { Database } from '../data';
import type { AppConfig } from '../platform/config';
import { closeServer, listen } from '../platform/health';
import { createLogger } from '../platform/logger';
import type { RunningService } from '../platform/lifecycle';
import { LogNotifier } from '../platform/notifier';
import { createApp } from './app';
import { createAccountsApi } from './accounts';
import { billingRouteOptions } from '../platform/billing-config';
import { createTwilioVoiceRouter } from './webhooks/twilio-voice';
import { createTwilioCallStatusRouter } from './webhooks/twilio-call-status';
import { createRecordingStorage } from '../platform/recordings/storage';
import { createTwilioMessagingRouter } from './webhooks/twilio-messaging';

export { createApp, type ApiDependencies } from './app';
export { HttpError, parseInput } from './http/errors';
export { createAccountsApi, type AccountsApi, type AccountsApiOptions } from './accounts';

export interface StartedApi extends RunningService {
  port: number;
}

/** Boots the API: database (verified non-privileged role), Temporal connection, HTTP server. */
export async function startApi(config: AppConfig): Promise<StartedApi> {
  const logger = createLogger('api', config.LOG_LEVEL);
  const db = new Database({ url: config.DATABASE_URL, logger, poolMax: config.DATABASE_POOL_MAX });
  await db.verifyRole();
  const temporal = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 10_000 });
  const temporalClient = new Client({ connection: temporal, namespace: config.TEMPORAL_NAMESPACE });
  const accounts = createAccountsApi({
    db,
    logger,
    notifier: new LogNotifier(logger),
    sessionSecret: config.SESSION_SECRET,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    cookieSecure: config.SESSION_COOKIE_SECURE,
    publicBaseUrl: config.PUBLIC_BASE_URL ?? 'http://127.0.0.1:5173',
    recordings: createRecordingStorage(config),
    booking: {
      temporal: temporalClient,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      leadFollowUpMs: config.LEAD_FOLLOW_UP_MINUTES * 60_000,
    },
    billing: billingRouteOptions(config),
  });
  const app = createApp({
    logger,
    trustProxy: config.TRUST_PROXY,
    routers: [
      { path: '/api/v1', router: accounts.router },
      { path: '/', router: createTwilioVoiceRouter({ db, config }) },
      { path: '/', router: createTwilioCallStatusRouter({ db, config, temporal: { client: temporalClient, taskQueue: config.TEMPORAL_TASK_QUEUE } }) },
      {
        path: '/',
        router: createTwilioMessagingRouter({
          db,
          config,
          temporal: { client: new Client({ connection: temporal, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE },
        }),
      },
    ],
    readinessChecks: {
      database: () => db.ping(),
      temporal: async () => {
        await temporal.workflowService.getSystemInfo({});
      },
    },
  });
  const server = http.createServer(app);
  const port = await listen(server, config.API_PORT, config.API_HOST);
  logger.info({ port }, `api listening on http://${config.API_HOST}:${port}`);
  return {
    port,
    close: async () => {
      await closeServer(server);
      await temporal.close();
      await db.close();
    },
  };
}
