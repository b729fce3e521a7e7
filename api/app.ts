import express, { type Express, type Router } from 'express';
import type { Logger } from '../platform/logger';
import { checkReadiness, type HealthCheck } from '../platform/health';
import { requestContext } from './http/request-context';
import { errorHandler, notFoundHandler } from './http/errors';

export interface ApiDependencies {
  logger: Logger;
  /** Dependency checks behind /ready (database, Temporal ...). */
  readinessChecks: Record<string, HealthCheck>;
  trustProxy?: string;
  /** Feature routers, mounted in order under their paths. */
  routers?: Array<{ path: string; router: Router }>;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(deps.trustProxy ?? 'loopback'));
  app.use(requestContext(deps.logger));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'api' });
  });
  app.get('/ready', async (_req, res) => {
    const report = await checkReadiness(deps.readinessChecks);
    res.status(report.status === 'ready' ? 200 : 503).json({ ...report, service: 'api' });
  });

  // The raw bytes stay on the request for webhooks signed over the exact body (card payments).
  app.use(express.json({ limit: '1mb', verify: (req, _res, buffer) => void ((req as typeof req & { rawBody?: Buffer }).rawBody = buffer) }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  for (const { path, router } of deps.routers ?? []) app.use(path, router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
