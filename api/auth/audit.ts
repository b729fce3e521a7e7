import type { Request } from 'express';
import { AuditLog, currentScope, type Database } from '../../data';
import { actingUserId, type RequestAuth } from './context';

/** The audit events this module writes. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.logout_everywhere'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.password_change'
  | 'user.create'
  | 'user.update'
  | 'user.role_change'
  | 'user.deactivate'
  | 'user.reactivate'
  | 'user.delete'
  | 'business.create'
  | 'business.override_denied'
  | 'impersonation.start'
  | 'impersonation.stop'
  | 'impersonation.request'
  | 'api_key.create'
  | 'api_key.revoke'
  | 'settings.change'
  | 'lead.delete'
  | 'lead.import'
  | 'lead.bulk_update'
  | 'export';

export interface AuditEntry {
  action: AuditAction;
  businessId: string | null;
  actorUserId?: string | null;
  impersonatorUserId?: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** Fills who/where from the request: acting user, impersonator, IP, user agent, request id. */
export function auditFromRequest(req: Request, auth: RequestAuth | undefined, entry: Omit<AuditEntry, 'actorUserId' | 'impersonatorUserId'> & Partial<AuditEntry>) {
  return {
    actorUserId: auth ? actingUserId(auth) : null,
    impersonatorUserId: auth?.impersonatorUserId ?? null,
    ...entry,
    details: { ...(auth?.apiKeyId ? { apiKeyId: auth.apiKeyId } : {}), ...entry.details },
    ip: req.ip ?? null,
    userAgent: req.header('user-agent')?.slice(0, 400) ?? null,
    requestId: req.requestId,
  };
}

/**
 * Appends one audit row. Inside an open scope for the same business (or system scope)
 * it joins that transaction, so the row commits or rolls back with the change it records.
 */
export async function writeAudit(db: Database, row: ReturnType<typeof auditFromRequest>): Promise<void> {
  const scope = currentScope();
  const insert = () => AuditLog.create(row);
  if (scope && (scope.kind === 'system' || (scope.kind === 'tenant' && scope.businessId === row.businessId))) {
    await insert();
    return;
  }
  if (row.businessId) await db.withTenant({ businessId: row.businessId, actorUserId: row.actorUserId, impersonatorUserId: row.impersonatorUserId }, insert);
  else await db.withSystemScope(`record platform audit entry ${row.action}`, insert, { logLevel: 'debug' });
}
