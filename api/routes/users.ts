import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import { User } from '../../data';
import { PolicyConflictError, requireNotLastOwner, requirePermission, type OwnerLosingChange } from '../../domain/policy';
import { hashPassword } from '../../platform/passwords';
import { createPasswordToken } from '../auth/password-tokens';
import { temporaryPassword } from '../auth/secrets';
import type { AccountsDeps } from './deps';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';
import { businessRoleSchema, emailSchema, fullNameSchema, localeSchema, toUserDto, userSchema } from './schemas';

const USER_NOT_FOUND = { he: 'המשתמש לא נמצא', en: 'User not found' };

/** Row-level security limits every query here to the request's business. */
async function loadUser(id: string): Promise<User> {
  const user = await User.findByPk(id, { lock: true });
  if (!user) throw notFound(USER_NOT_FOUND);
  return user;
}

/** Locks the business's active owners (so two concurrent demotions cannot both pass) and counts them. */
async function lockActiveOwners(): Promise<number> {
  const owners = await User.findAll({ where: { role: 'owner', isActive: true }, attributes: ['id'], lock: true });
  return owners.length;
}

async function guardLastOwner(user: User, change: OwnerLosingChange, newRole?: 'owner' | 'admin' | 'agent'): Promise<void> {
  if (user.role !== 'owner') return;
  requireNotLastOwner({ targetRole: user.role, targetIsActive: user.isActive, change, newRole, activeOwnerCount: await lockActiveOwners() });
}

export function userRoutes(deps: AccountsDeps): AnyRoute[] {
  return [
    defineRoute({
      id: 'users.list',
      method: 'get',
      path: '/users',
      summary: "The business's users",
      tag: 'users',
      scope: 'tenant',
      response: { status: 200, description: 'Users', schema: z.object({ users: z.array(userSchema) }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'user.list');
        const users = await User.findAll({ order: [['createdAt', 'ASC']] });
        return { body: { users: users.map(toUserDto) } };
      },
    }),
    defineRoute({
      id: 'users.export',
      method: 'get',
      path: '/users/export',
      summary: "Export the business's users as CSV (audited)",
      tag: 'users',
      scope: 'tenant',
      handler: async ({ auth, res, audit, businessId }) => {
        requirePermission(auth, 'data.export');
        const users = await User.findAll({ order: [['createdAt', 'ASC']] });
        await audit({ action: 'export', businessId, targetType: 'users', details: { rows: users.length } });
        const cell = (value: string) => `"${value.replace(/"/g, '""').replace(/^[=+\-@]/, "'$&")}"`;
        const lines = ['email,full_name,role,active', ...users.map((u) => [cell(u.email), cell(u.fullName), u.role, String(u.isActive)].join(','))];
        res.status(200).type('text/csv; charset=utf-8').send(`${lines.join('\n')}\n`);
      },
    }),
    defineRoute({
      id: 'users.get',
      method: 'get',
      path: '/users/:id',
      summary: 'One user of the business',
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'The user', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'user.read');
        return { body: { user: toUserDto(await loadUser(params.id)) } };
      },
    }),
    defineRoute({
      id: 'users.create',
      method: 'post',
      path: '/users',
      summary: 'Invite a user: with a temporary password (returned once) or a set-password link sent by notification',
      tag: 'users',
      scope: 'tenant',
      body: z.strictObject({
        email: emailSchema,
        fullName: fullNameSchema,
        role: businessRoleSchema,
        locale: localeSchema.optional(),
        invite: z.enum(['temporary_password', 'link']).default('link'),
      }),
      response: { status: 201, description: 'Created', schema: z.object({ user: userSchema, temporaryPassword: z.string().optional() }) },
      handler: async ({ auth, body, businessId, audit, afterCommit }) => {
        requirePermission(auth, 'user.create', { newRole: body.role });
        const temporary = body.invite === 'temporary_password' ? temporaryPassword() : null;
        let user: User;
        try {
          user = await User.create({
            businessId,
            email: body.email,
            fullName: body.fullName,
            role: body.role,
            locale: body.locale ?? 'he',
            passwordHash: temporary ? await hashPassword(temporary) : null,
          });
        } catch (error) {
          if (error instanceof UniqueConstraintError) throw new PolicyConflictError('email_taken');
          throw error;
        }
        await audit({ action: 'user.create', businessId, targetType: 'user', targetId: user.id, details: { role: body.role, invite: body.invite } });
        if (!temporary) {
          const invited = user;
          afterCommit(async () => {
            const token = await deps.db.withSystemScope('issue an invitation link', () => createPasswordToken(invited.id, 'invite', deps.inviteTtlMs));
            const link = `${deps.publicBaseUrl}/reset-password?token=${encodeURIComponent(token)}`;
            await deps.notifier.send({
              to: invited.email,
              kind: 'invite',
              locale: invited.locale,
              subject: invited.locale === 'en' ? 'You were invited to ProSaaS' : 'הוזמנת ל-ProSaaS',
              text: invited.locale === 'en' ? `Set your password: ${link}` : `לקביעת הסיסמה: ${link}`,
              data: { link, token },
            });
          });
        }
        return { status: 201, body: { user: toUserDto(user), ...(temporary ? { temporaryPassword: temporary } : {}) } };
      },
    }),
    defineRoute({
      id: 'users.update',
      method: 'patch',
      path: '/users/:id',
      summary: "Edit a user's name, email or language",
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      body: z
        .strictObject({ fullName: fullNameSchema.optional(), email: emailSchema.optional(), locale: localeSchema.optional() })
        .refine((value) => Object.keys(value).length > 0, { message: 'Send at least one field' }),
      response: { status: 200, description: 'Updated', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        const user = await loadUser(params.id);
        requirePermission(auth, 'user.update', { userId: user.id, role: user.role });
        try {
          await user.update(body);
        } catch (error) {
          if (error instanceof UniqueConstraintError) throw new PolicyConflictError('email_taken');
          throw error;
        }
        await audit({ action: 'user.update', businessId, targetType: 'user', targetId: user.id, details: { fields: Object.keys(body) } });
        return { body: { user: toUserDto(user) } };
      },
    }),
    defineRoute({
      id: 'users.changeRole',
      method: 'post',
      path: '/users/:id/role',
      summary: "Change a user's role (never your own demotion, never the last owner)",
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      body: z.strictObject({ role: businessRoleSchema }),
      response: { status: 200, description: 'Updated', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        const user = await loadUser(params.id);
        requirePermission(auth, 'user.changeRole', { userId: user.id, role: user.role, newRole: body.role });
        if (user.role === body.role) return { body: { user: toUserDto(user) } };
        await guardLastOwner(user, 'demote', body.role);
        const from = user.role;
        await user.update({ role: body.role });
        await audit({ action: 'user.role_change', businessId, targetType: 'user', targetId: user.id, details: { from, to: body.role } });
        return { body: { user: toUserDto(user) } };
      },
    }),
    defineRoute({
      id: 'users.deactivate',
      method: 'post',
      path: '/users/:id/deactivate',
      summary: 'Deactivate a user and end their sessions',
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Deactivated', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params, businessId, audit, afterCommit }) => {
        const user = await loadUser(params.id);
        requirePermission(auth, 'user.deactivate', { userId: user.id, role: user.role });
        await guardLastOwner(user, 'deactivate');
        await user.update({ isActive: false });
        await audit({ action: 'user.deactivate', businessId, targetType: 'user', targetId: user.id });
        afterCommit(async () => {
          await deps.sessions.destroyAllForUser(user.id);
        });
        return { body: { user: toUserDto(user) } };
      },
    }),
    defineRoute({
      id: 'users.reactivate',
      method: 'post',
      path: '/users/:id/reactivate',
      summary: 'Reactivate a deactivated user',
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Reactivated', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params, businessId, audit }) => {
        const user = await loadUser(params.id);
        requirePermission(auth, 'user.reactivate', { userId: user.id, role: user.role });
        await user.update({ isActive: true });
        await audit({ action: 'user.reactivate', businessId, targetType: 'user', targetId: user.id });
        return { body: { user: toUserDto(user) } };
      },
    }),
    defineRoute({
      id: 'users.delete',
      method: 'delete',
      path: '/users/:id',
      summary: 'Delete a user (never yourself, never the last owner)',
      tag: 'users',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params, businessId, audit }) => {
        const user = await loadUser(params.id);
        requirePermission(auth, 'user.delete', { userId: user.id, role: user.role });
        await guardLastOwner(user, 'delete');
        await user.destroy();
        await audit({ action: 'user.delete', businessId, targetType: 'user', targetId: user.id, details: { email: user.email, role: user.role } });
      },
    }),
  ];
}
