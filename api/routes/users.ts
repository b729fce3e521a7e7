import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import { User } from '../../data';
import { PolicyConflictError, requirePermission } from '../../domain/policy';
import {
  changeUserRole,
  deactivateUser,
  deleteUser,
  inviteUser,
  loadUserForChange,
  reactivateUser,
  sendInviteLink,
  userCreateBody,
  userRoleBody,
} from '../services/users';
import type { AccountsDeps } from './deps';
import { defineRoute, uuidParam, type AnyRoute } from './registry';
import { emailSchema, fullNameSchema, localeSchema, toUserDto, userSchema } from './schemas';

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
        return { body: { user: toUserDto(await loadUserForChange(params.id)) } };
      },
    }),
    defineRoute({
      id: 'users.create',
      method: 'post',
      path: '/users',
      summary: 'Invite a user: with a temporary password (returned once) or a set-password link sent by notification',
      tag: 'users',
      scope: 'tenant',
      body: userCreateBody,
      response: { status: 201, description: 'Created', schema: z.object({ user: userSchema, temporaryPassword: z.string().optional() }) },
      handler: async ({ auth, body, businessId, audit, afterCommit }) => {
        const { user, temporaryPassword } = await inviteUser({ auth, businessId, audit }, body);
        if (!temporaryPassword) afterCommit(() => sendInviteLink(deps, user));
        return { status: 201, body: { user: toUserDto(user), ...(temporaryPassword ? { temporaryPassword } : {}) } };
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
        const user = await loadUserForChange(params.id);
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
      body: userRoleBody,
      response: { status: 200, description: 'Updated', schema: z.object({ user: userSchema }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        return { body: { user: toUserDto(await changeUserRole({ auth, businessId, audit }, params.id, body.role)) } };
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
        const user = await deactivateUser({ auth, businessId, audit }, params.id);
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
        return { body: { user: toUserDto(await reactivateUser({ auth, businessId, audit }, params.id)) } };
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
        await deleteUser({ auth, businessId, audit }, params.id);
      },
    }),
  ];
}
