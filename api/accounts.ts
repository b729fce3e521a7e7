import express, { type Router } from 'express';
import type { Database } from '../data';
import type { Logger } from '../platform/logger';
import type { Notifier } from '../platform/notifier';
import { authenticate } from './auth/authenticate';
import { createPasswordAuthenticator } from './auth/passport';
import { SessionStore } from './auth/sessions';
import { DEFAULT_THROTTLE_RULES, LoginThrottleStore, type ThrottleRules } from './auth/throttle';
import { buildOpenApiDocument } from './openapi';
import { apiKeyRoutes } from './routes/api-keys';
import { auditLogRoutes } from './routes/audit-log';
import { authRoutes } from './routes/auth';
import { businessRoutes } from './routes/businesses';
import type { AccountsDeps } from './routes/deps';
import { impersonationRoutes } from './routes/impersonation';
import { buildRouter, defineRoute, type AnyRoute } from './routes/registry';
import { userRoutes } from './routes/users';
import { appointmentRoutes } from './routes/appointments';
import type { BookingDeps } from './routes/booking-deps';
import { leadRoutes } from './routes/leads';
import { settingsRoutes } from './routes/settings';
import { taskRoutes } from './routes/tasks';
import { callRoutes } from './routes/calls';
import { assistantRoutes } from './routes/assistant';
import type { RecordingStorage } from '../platform/recordings/storage';
import { DEFAULT_BILLING_ROUTE_OPTIONS, type BillingRouteOptions } from './routes/billing-deps';
import { billingOfferRoutes } from './routes/billing-offers';
import { billingDocumentRoutes } from './routes/billing-documents';
import { billingIssuerRoutes } from './routes/billing-issuer';
import { billingPublicRoutes } from './routes/billing-public';
import { whatsappRoutes } from './routes/whatsapp';

export interface AccountsApiOptions {
  db: Database;
  logger: Logger;
  notifier: Notifier;
  sessionSecret: string;
  sessionTtlHours: number;
  cookieSecure: 'auto' | 'true' | 'false';
  publicBaseUrl: string;
  throttleRules?: ThrottleRules;
  /** Temporal client and settings for the appointment and lead routes. */
  booking: BookingDeps;
  /** Call recordings for GET /calls/:id/recording (absent: every recording answers 404). */
  recordings?: RecordingStorage;
  /** Signing-link timers and the card webhook secret; development defaults when absent. */
  billing?: BillingRouteOptions;
}

export interface AccountsApi {
  /** Mount at /api/v1. */
  router: Router;
  /** The route table the router was built from (the isolation matrix walks it). */
  routes: readonly AnyRoute[];
}

/** The /api/v1 API: auth, users, businesses, impersonation, API keys, audit log, appointments, leads, OpenAPI. */
export function createAccountsApi(options: AccountsApiOptions): AccountsApi {
  const sessions = new SessionStore(options.db, options.sessionSecret, options.sessionTtlHours * 3_600_000);
  const deps: AccountsDeps = {
    db: options.db,
    logger: options.logger,
    notifier: options.notifier,
    sessions,
    throttle: new LoginThrottleStore(options.db, options.throttleRules ?? DEFAULT_THROTTLE_RULES),
    checkPassword: createPasswordAuthenticator(options.db),
    cookieSecure: options.cookieSecure,
    publicBaseUrl: options.publicBaseUrl.replace(/\/$/, ''),
    passwordResetTtlMs: 60 * 60_000,
    inviteTtlMs: 72 * 3_600_000,
  };
  let openApiDocument: unknown = null;
  const routes: AnyRoute[] = [
    ...authRoutes(deps),
    ...userRoutes(deps),
    ...businessRoutes(deps),
    ...impersonationRoutes(deps),
    ...apiKeyRoutes(),
    ...auditLogRoutes(options.db),
    ...appointmentRoutes(options.booking),
    ...leadRoutes(options.booking),
    ...taskRoutes(options.booking),
    ...settingsRoutes(),
    ...callRoutes({ ...options.booking, recordings: options.recordings }),
    ...assistantRoutes(),
    ...billingOfferRoutes(options.db, { ...options.booking, billing: options.billing ?? DEFAULT_BILLING_ROUTE_OPTIONS }),
    ...billingDocumentRoutes(options.db, { ...options.booking, billing: options.billing ?? DEFAULT_BILLING_ROUTE_OPTIONS }),
    ...billingIssuerRoutes(),
    ...billingPublicRoutes(options.db, { ...options.booking, billing: options.billing ?? DEFAULT_BILLING_ROUTE_OPTIONS }),
    ...whatsappRoutes(options.booking),
    defineRoute({
      id: 'openapi',
      method: 'get',
      path: '/openapi.json',
      summary: 'This document (OpenAPI 3.1)',
      tag: 'meta',
      scope: 'public',
      handler: async () => ({ body: (openApiDocument ??= buildOpenApiDocument(routes)) }),
    }),
  ];
  const router = express.Router();
  router.use(authenticate(options.db, sessions));
  router.use(buildRouter(options.db, routes));
  return { router, routes };
}
