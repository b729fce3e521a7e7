import { z } from 'zod';
import { User } from '../../data';
import { PolicyConflictError, requirePermission } from '../../domain/policy';
import { findImpersonationTarget } from '../services/businesses';
import { setSessionCookie, type AccountsDeps } from './deps';
import { LocalizedHttpError, defineRoute, type AnyRoute } from './registry';
import { userSchema, toUserDto } from './schemas';

const statusSchema = z.object({
  active: z.boolean(),
  impersonatorUserId: z.uuid().nullable(),
  actingAs: userSchema.nullable(),
  businessId: z.uuid().nullable(),
});
const SESSION_ONLY = { he: 'התחזות אפשרית רק בחיבור עם עוגייה', en: 'Impersonation needs a cookie session' };

export function impersonationRoutes(deps: AccountsDeps): AnyRoute[] {
  const { db, sessions } = deps;
  return [
    defineRoute({
      id: 'impersonation.status',
      method: 'get',
      path: '/impersonation',
      summary: 'Whether the session is impersonating, and whom',
      tag: 'impersonation',
      scope: 'authenticated',
      response: { status: 200, description: 'Status', schema: statusSchema },
      handler: async ({ auth }) => {
        if (!auth.impersonatorUserId) return { body: { active: false, impersonatorUserId: null, actingAs: null, businessId: null } };
        const user = await db.withSystemScope('read the impersonated user', () => User.findByPk(auth.userId), { logLevel: 'debug' });
        return { body: { active: true, impersonatorUserId: auth.impersonatorUserId, actingAs: user ? toUserDto(user) : null, businessId: auth.businessId } };
      },
    }),
    defineRoute({
      id: 'impersonation.start',
      method: 'post',
      path: '/impersonation',
      summary: "Act as a business (its first active owner, or a given user of it); rotates the session (system_admin)",
      tag: 'impersonation',
      scope: 'authenticated',
      body: z.strictObject({ businessId: z.uuid(), userId: z.uuid().optional() }),
      response: { status: 200, description: 'Impersonating', schema: z.object({ csrfToken: z.string(), actingAs: userSchema }) },
      handler: async ({ req, res, auth, body, audit }) => {
        requirePermission(auth, 'business.impersonate', { businessId: body.businessId });
        if (auth.via !== 'session' || !auth.sessionId) throw new LocalizedHttpError(400, 'not_a_session', SESSION_ONLY);
        const target = await findImpersonationTarget(db, auth, body.businessId, body.userId);
        // Rotation: the admin's session is replaced by a new one carrying the impersonation.
        await sessions.destroy(auth.sessionId);
        const session = await sessions.create({ userId: auth.userId, impersonatedUserId: target.id, ip: req.ip, userAgent: req.header('user-agent') });
        setSessionCookie(deps, req, res, session.token);
        await audit({
          action: 'impersonation.start',
          businessId: body.businessId,
          actorUserId: target.id,
          impersonatorUserId: auth.userId,
          targetType: 'user',
          targetId: target.id,
        });
        return { body: { csrfToken: session.csrfToken, actingAs: toUserDto(target) } };
      },
    }),
    defineRoute({
      id: 'impersonation.stop',
      method: 'delete',
      path: '/impersonation',
      summary: 'Stop impersonating and return to the system_admin; rotates the session',
      tag: 'impersonation',
      scope: 'authenticated',
      response: { status: 200, description: 'Back to the admin', schema: z.object({ csrfToken: z.string() }) },
      handler: async ({ req, res, auth, audit }) => {
        if (!auth.impersonatorUserId || !auth.sessionId) throw new PolicyConflictError('not_impersonating');
        await sessions.destroy(auth.sessionId);
        const session = await sessions.create({ userId: auth.impersonatorUserId, ip: req.ip, userAgent: req.header('user-agent') });
        setSessionCookie(deps, req, res, session.token);
        await audit({ action: 'impersonation.stop', businessId: auth.businessId, targetType: 'user', targetId: auth.userId });
        return { body: { csrfToken: session.csrfToken } };
      },
    }),
  ];
}
