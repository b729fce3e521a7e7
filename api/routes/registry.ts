import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z, type ZodType } from 'zod';
import { Business, type Database, type TenantIdentity } from '../../data';
import { can, PermissionDeniedError, PolicyConflictError, type LocalizedMessage } from '../../domain/policy';
import { HttpError, parseInput } from '../http/errors';
import { auditFromRequest, writeAudit } from '../auth/audit';
import { CSRF_HEADER, requestLanguage, type RequestAuth } from '../auth/context';
import { safeEqual } from '../auth/secrets';

/**
 * public: no caller needed. authenticated: any signed-in caller, no tenant transaction.
 * platform: system_admin work across businesses (the handler opens withSystemScope itself).
 * tenant: the handler runs inside db.withTenant for the caller's business, opened here and only here.
 */
export type RouteScope = 'public' | 'authenticated' | 'platform' | 'tenant';
export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** Present on every route but public ones. */
  auth: RequestAuth;
  /** The business a tenant route runs for. */
  businessId: string;
  /** Runs after the tenant transaction commits (system-scope follow-ups such as ending sessions). */
  afterCommit: (fn: () => Promise<void>) => void;
  audit: (entry: Parameters<typeof auditFromRequest>[2]) => Promise<void>;
  /**
   * Runs fn in the caller's tenant transaction. Inside a per-request transaction this just
   * runs fn; with `tenantTransaction: 'on-demand'` it opens one, so the handler can wait on
   * Temporal without holding a database connection.
   */
  inTenant: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
}

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown> {
  /** Stable name, e.g. 'users.delete'; the isolation matrix is keyed by it. */
  id: string;
  method: HttpMethod;
  /** Express path under /api/v1, e.g. '/users/:id'. */
  path: string;
  summary: string;
  tag: string;
  scope: RouteScope;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** Response schema of the success status, for the OpenAPI document. */
  response?: { status: number; description: string; schema?: ZodType };
  /**
   * tenant routes only. 'per-request' (default): the whole handler runs in one tenant transaction.
   * 'on-demand': the handler opens tenant transactions with ctx.inTenant around its database work,
   * for handlers that wait on other services (Temporal) in between.
   */
  tenantTransaction?: 'per-request' | 'on-demand';
  handler: (ctx: RouteContext<P, Q, B>) => Promise<RouteResult | void>;
}

/** Type helper: infers P, Q, B from the schemas. */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(route: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return route;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDefinition<any, any, any>;

export const uuidParam = z.object({ id: z.uuid() }).strict();

/** The business override query parameter: only system_admin may use it (decided in runRoute). */
export const BUSINESS_OVERRIDE_PARAM = 'businessId';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A write without a body schema takes no body (an empty JSON object is tolerated). */
const NO_BODY = z.strictObject({}).optional();

export class LocalizedHttpError extends HttpError {
  constructor(
    status: number,
    code: string,
    readonly messages: LocalizedMessage,
    /** Extra top-level fields of the answer, e.g. the alternatives to a taken slot. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(status, code, messages.en);
  }
}

export function sendLocalized(req: Request, res: Response, status: number, code: string, messages: LocalizedMessage, extra?: Record<string, unknown>): void {
  res.status(status).json({ ...extra, error: { code, message: messages[requestLanguage(req)], messages, requestId: req.requestId } });
}

const MESSAGES = {
  unauthenticated: { he: 'יש להתחבר כדי להמשיך', en: 'Sign in to continue' },
  csrf: { he: 'אסימון CSRF חסר או שגוי; רעננו את הדף ונסו שוב', en: 'Missing or invalid CSRF token; reload and try again' },
  businessRequired: {
    he: 'מנהל מערכת צריך לבחור עסק (businessId) או להתחזות לעסק',
    en: 'A system administrator must choose a business (businessId) or impersonate one',
  },
  businessNotFound: { he: 'העסק לא נמצא', en: 'Business not found' },
  jsonOnly: { he: 'גוף הבקשה חייב להיות JSON', en: 'The request body must be JSON (application/json)' },
} satisfies Record<string, LocalizedMessage>;

/** Builds the router from the route table: the one place auth, CSRF, validation and tenant context are applied. */
export function buildRouter(db: Database, routes: readonly AnyRoute[]): Router {
  const router = express.Router();
  for (const route of routes) {
    router[route.method](route.path, (req: Request, res: Response, next: NextFunction) => {
      runRoute(db, route, req, res).catch((error: unknown) => handleRouteError(error, req, res, next));
    });
  }
  return router;
}

async function runRoute(db: Database, route: AnyRoute, req: Request, res: Response): Promise<void> {
  const auth = req.auth;
  if (route.scope !== 'public') {
    if (!auth) return sendLocalized(req, res, 401, 'unauthenticated', MESSAGES.unauthenticated);
    if (auth.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const presented = req.header(CSRF_HEADER) ?? '';
      if (!auth.csrfToken || !safeEqual(presented, auth.csrfToken)) return sendLocalized(req, res, 403, 'csrf_failed', MESSAGES.csrf);
    }
  }
  if (route.body && req.is('application/json') === false) return sendLocalized(req, res, 415, 'unsupported_media_type', MESSAGES.jsonOnly);

  const rawQuery: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
  const override = rawQuery[BUSINESS_OVERRIDE_PARAM];
  delete rawQuery[BUSINESS_OVERRIDE_PARAM];
  let businessId = auth?.businessId ?? null;
  if (override !== undefined && auth) {
    const decision = can(auth, 'business.selectByQuery');
    if (!decision.allowed) {
      await writeAudit(db, auditFromRequest(req, auth, {
        action: 'business.override_denied',
        businessId: auth.businessId,
        details: { requested: String(override).slice(0, 100), method: req.method, path: req.path },
      }));
      throw new PermissionDeniedError('business.selectByQuery', decision.reason);
    }
    const picked = parseInput(z.object({ [BUSINESS_OVERRIDE_PARAM]: z.uuid() }), { [BUSINESS_OVERRIDE_PARAM]: override })[BUSINESS_OVERRIDE_PARAM] as string;
    const exists = await db.withSystemScope('system_admin picks a business by query parameter', () => Business.count({ where: { id: picked } }), { logLevel: 'debug' });
    if (!exists) throw new LocalizedHttpError(404, 'business_not_found', MESSAGES.businessNotFound);
    businessId = picked;
  }

  const params = route.params ? parseInput(route.params, req.params) : {};
  const query = route.query ? parseInput(route.query, rawQuery) : parseInput(z.object({}).strict(), rawQuery);
  const body = route.body ? parseInput(route.body, req.body ?? {}) : undefined;
  if (!route.body && !SAFE_METHODS.has(req.method)) parseInput(NO_BODY, req.body);

  if (auth?.impersonatorUserId && auth.businessId) {
    // Every action while impersonating is audited with both identities.
    await writeAudit(db, auditFromRequest(req, auth, {
      action: 'impersonation.request',
      businessId: auth.businessId,
      details: { method: req.method, path: req.baseUrl + req.path },
    }));
  }

  const afterCommit: Array<() => Promise<void>> = [];
  const identity: TenantIdentity | null = businessId
    ? {
        businessId,
        actorUserId: auth?.via === 'session' ? auth.userId : null,
        impersonatorUserId: auth?.impersonatorUserId ?? null,
        requestId: req.requestId,
      }
    : null;
  const onDemand = route.scope === 'tenant' && route.tenantTransaction === 'on-demand';
  const ctx = {
    req,
    res,
    params,
    query,
    body,
    auth: (auth && businessId !== auth.businessId ? { ...auth, businessId } : auth) as RequestAuth,
    businessId: businessId ?? '',
    afterCommit: (fn: () => Promise<void>) => afterCommit.push(fn),
    audit: (entry: Parameters<typeof auditFromRequest>[2]) => writeAudit(db, auditFromRequest(req, auth, entry)),
    inTenant: <T>(fn: () => Promise<T>): Promise<T> => (onDemand ? db.withTenant(identity!, fn) : fn()),
  };

  let result: RouteResult | void;
  if (route.scope === 'tenant') {
    if (!identity) throw new LocalizedHttpError(400, 'business_required', MESSAGES.businessRequired);
    result = onDemand ? await route.handler(ctx) : await db.withTenant(identity, () => route.handler(ctx));
  } else {
    result = await route.handler(ctx);
  }
  for (const fn of afterCommit) await fn();
  if (res.headersSent) return;
  if (!result) {
    res.status(204).end();
    return;
  }
  if (result.body === undefined) res.status(result.status ?? 204).end();
  else res.status(result.status ?? 200).json(result.body);
}

function handleRouteError(error: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(error);
  if (error instanceof PermissionDeniedError) return sendLocalized(req, res, 403, error.reason, error.messages);
  if (error instanceof PolicyConflictError) return sendLocalized(req, res, 409, error.reason, error.messages);
  if (error instanceof LocalizedHttpError) return sendLocalized(req, res, error.status, error.code, error.messages, error.extra);
  next(error);
}

/** 404 in both languages, for a resource that does not exist in the caller's business. */
export function notFound(what: { he: string; en: string }): LocalizedHttpError {
  return new LocalizedHttpError(404, 'not_found', what);
}
