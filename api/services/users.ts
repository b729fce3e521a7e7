import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import { User, type Database } from '../../data';
import { PolicyConflictError, requireNotLastOwner, requirePermission, type Actor, type OwnerLosingChange } from '../../domain/policy';
import type { Notifier } from '../../platform/notifier';
import { hashPassword } from '../../platform/passwords';
import { createPasswordToken } from '../auth/password-tokens';
import { temporaryPassword } from '../auth/secrets';
import { notFound } from '../routes/registry';
import { businessRoleSchema, emailSchema, fullNameSchema, localeSchema } from '../routes/schemas';
import type { AuditWriter } from './audit-writer';

/**
 * The users rules, shared by the REST routes (api/routes/users.ts) and the CRM's users page:
 * each function runs inside the caller's tenant transaction (row-level security limits every
 * query to that business) and throws the policy's errors, whose messages both clients show.
 */

export const userCreateBody = z.strictObject({
  email: emailSchema,
  fullName: fullNameSchema,
  role: businessRoleSchema,
  locale: localeSchema.optional(),
  invite: z.enum(['temporary_password', 'link']).default('link'),
});
export type UserCreateBody = z.infer<typeof userCreateBody>;

export const userRoleBody = z.strictObject({ role: businessRoleSchema });

const USER_NOT_FOUND = { he: 'המשתמש לא נמצא', en: 'User not found' };

export interface UserServiceContext {
  auth: Actor;
  businessId: string;
  audit: AuditWriter;
}

export async function loadUserForChange(id: string): Promise<User> {
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

/** Creates the user; with `temporary_password` the password is returned (shown once). */
export async function inviteUser(ctx: UserServiceContext, body: UserCreateBody): Promise<{ user: User; temporaryPassword: string | null }> {
  requirePermission(ctx.auth, 'user.create', { newRole: body.role });
  const temporary = body.invite === 'temporary_password' ? temporaryPassword() : null;
  let user: User;
  try {
    user = await User.create({
      businessId: ctx.businessId,
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
  await ctx.audit({ action: 'user.create', businessId: ctx.businessId, targetType: 'user', targetId: user.id, details: { role: body.role, invite: body.invite } });
  return { user, temporaryPassword: temporary };
}

export interface InviteLinkDeps {
  db: Database;
  notifier: Notifier;
  /** Origin of the CRM, where /reset-password sets the password. */
  publicBaseUrl: string;
  inviteTtlMs: number;
}

/** After the user's row committed: issues the set-password link and sends it. */
export async function sendInviteLink(deps: InviteLinkDeps, invited: Pick<User, 'id' | 'email' | 'locale'>): Promise<void> {
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
}

export async function changeUserRole(ctx: UserServiceContext, id: string, role: 'owner' | 'admin' | 'agent'): Promise<User> {
  const user = await loadUserForChange(id);
  requirePermission(ctx.auth, 'user.changeRole', { userId: user.id, role: user.role, newRole: role });
  if (user.role === role) return user;
  await guardLastOwner(user, 'demote', role);
  const from = user.role;
  await user.update({ role });
  await ctx.audit({ action: 'user.role_change', businessId: ctx.businessId, targetType: 'user', targetId: user.id, details: { from, to: role } });
  return user;
}

/** Deactivates the user; the caller ends the user's sessions after the commit. */
export async function deactivateUser(ctx: UserServiceContext, id: string): Promise<User> {
  const user = await loadUserForChange(id);
  requirePermission(ctx.auth, 'user.deactivate', { userId: user.id, role: user.role });
  await guardLastOwner(user, 'deactivate');
  await user.update({ isActive: false });
  await ctx.audit({ action: 'user.deactivate', businessId: ctx.businessId, targetType: 'user', targetId: user.id });
  return user;
}

export async function reactivateUser(ctx: UserServiceContext, id: string): Promise<User> {
  const user = await loadUserForChange(id);
  requirePermission(ctx.auth, 'user.reactivate', { userId: user.id, role: user.role });
  await user.update({ isActive: true });
  await ctx.audit({ action: 'user.reactivate', businessId: ctx.businessId, targetType: 'user', targetId: user.id });
  return user;
}

export async function deleteUser(ctx: UserServiceContext, id: string): Promise<User> {
  const user = await loadUserForChange(id);
  requirePermission(ctx.auth, 'user.delete', { userId: user.id, role: user.role });
  await guardLastOwner(user, 'delete');
  await user.destroy();
  await ctx.audit({ action: 'user.delete', businessId: ctx.businessId, targetType: 'user', targetId: user.id, details: { email: user.email, role: user.role } });
  return user;
}
