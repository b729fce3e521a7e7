import { z } from 'zod';
import { Op, type WhereOptions } from 'sequelize';
import { AuditLog, type Database } from '../../data';
import { requirePermission } from '../../domain/policy';
import { defineRoute, type AnyRoute } from './registry';
import { auditEntrySchema, toAuditDto } from './schemas';

/** The paging of both audit routes (and of the CRM's audit page). */
export const auditPageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
  action: z.string().max(64).optional(),
};

export function auditPageWhere(query: { before?: string; action?: string }, extra: Record<string, unknown> = {}): WhereOptions {
  return {
    ...extra,
    ...(query.before ? { createdAt: { [Op.lt]: new Date(query.before) } } : {}),
    ...(query.action ? { action: query.action } : {}),
  };
}

export function auditLogRoutes(db: Database): AnyRoute[] {
  return [
    defineRoute({
      id: 'auditLog.list',
      method: 'get',
      path: '/audit-log',
      summary: "The business's audit log, newest first (owner; system_admin with ?businessId= or while impersonating)",
      tag: 'audit-log',
      scope: 'tenant',
      query: z.strictObject(auditPageQuery),
      response: { status: 200, description: 'Entries', schema: z.object({ entries: z.array(auditEntrySchema) }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'auditLog.read');
        const entries = await AuditLog.findAll({ where: auditPageWhere(query), order: [['createdAt', 'DESC']], limit: query.limit });
        return { body: { entries: entries.map(toAuditDto) } };
      },
    }),
    defineRoute({
      id: 'auditLog.all',
      method: 'get',
      path: '/audit-log/all',
      summary: 'The audit log of every business and of the platform (system_admin)',
      tag: 'audit-log',
      scope: 'platform',
      query: z.strictObject({ ...auditPageQuery, forBusinessId: z.uuid().optional() }),
      response: { status: 200, description: 'Entries', schema: z.object({ entries: z.array(auditEntrySchema) }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'auditLog.readAll');
        const entries = await db.withSystemScope('system_admin reads the audit log', () =>
          AuditLog.findAll({
            where: auditPageWhere(query, query.forBusinessId ? { businessId: query.forBusinessId } : {}),
            order: [['createdAt', 'DESC']],
            limit: query.limit,
          }),
        );
        return { body: { entries: entries.map(toAuditDto) } };
      },
    }),
  ];
}
