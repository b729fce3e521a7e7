import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import { Business, User, type Database } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { PolicyConflictError, requirePermission, type Actor } from '../../domain/policy';
import type { Notifier } from '../../platform/notifier';
import { hashPassword } from '../../platform/passwords';
import { createPasswordToken } from '../auth/password-tokens';
import { temporaryPassword } from '../auth/secrets';
import { notFound } from '../routes/registry';
import { emailSchema, fullNameSchema, localeSchema } from '../routes/schemas';
import type { AuditWriter } from './audit-writer';

/**
 * Businesses and impersonation, shared by the REST routes (api/routes/businesses.ts,
 * impersonation.ts) and the CRM's businesses page.
 */

export const timezoneSchema = z
  .string()
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown IANA time zone');

export const businessCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  locale: localeSchema.optional(),
  timezone: timezoneSchema.optional(),
  owner: z.strictObject({
    email: emailSchema,
    fullName: fullNameSchema,
    locale: localeSchema.optional(),
    invite: z.enum(['temporary_password', 'link']).default('link'),
  }),
});
export type BusinessCreateBody = z.infer<typeof businessCreateBody>;

export const businessSettingsBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    locale: localeSchema.optional(),
    timezone: timezoneSchema.optional(),
    recordingEnabled: z.boolean().optional(),
    /** null = the platform's RECORDING_RETENTION_DAYS. */
    recordingRetentionDays: z.number().int().min(0).max(3650).nullable().optional(),
  })
  .refine((value) => Object.keys(value).length > 0, { message: 'Send at least one field' });
export type BusinessSettingsBody = z.infer<typeof businessSettingsBody>;

export const BUSINESS_NOT_FOUND = { he: 'העסק לא נמצא', en: 'Business not found' };

export interface BusinessCreateDeps {
  db: Database;
  notifier: Notifier;
  publicBaseUrl: string;
  inviteTtlMs: number;
}

export interface CreatedBusiness {
  business: Business;
  owner: User;
  temporaryPassword: string | null;
}

/** The business, its default pipeline and its first owner in one transaction; then the owner's invitation. */
export async function createBusinessWithOwner(deps: BusinessCreateDeps, auth: Actor, audit: AuditWriter, body: BusinessCreateBody): Promise<CreatedBusiness> {
  requirePermission(auth, 'business.create');
  const temporary = body.owner.invite === 'temporary_password' ? temporaryPassword() : null;
  const passwordHash = temporary ? await hashPassword(temporary) : null;
  const created = await deps.db.withSystemScope('system_admin creates a business and its first owner', async () => {
    const business = await Business.create({ name: body.name, locale: body.locale ?? 'he', timezone: body.timezone ?? 'Asia/Jerusalem' });
    await createDefaultLeadStatuses(business.id);
    let owner: User;
    try {
      owner = await User.create({
        businessId: business.id,
        email: body.owner.email,
        fullName: body.owner.fullName,
        role: 'owner',
        locale: body.owner.locale ?? body.locale ?? 'he',
        passwordHash,
      });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw new PolicyConflictError('email_taken');
      throw error;
    }
    const token = temporary ? null : await createPasswordToken(owner.id, 'invite', deps.inviteTtlMs);
    await audit({ action: 'business.create', businessId: business.id, targetType: 'business', targetId: business.id, details: { ownerUserId: owner.id } });
    return { business, owner, token };
  });
  if (created.token) {
    const link = `${deps.publicBaseUrl}/reset-password?token=${encodeURIComponent(created.token)}`;
    await deps.notifier.send({
      to: created.owner.email,
      kind: 'invite',
      locale: created.owner.locale,
      subject: created.owner.locale === 'en' ? 'Your ProSaaS business is ready' : 'העסק שלך ב-ProSaaS מוכן',
      text: created.owner.locale === 'en' ? `Set your password: ${link}` : `לקביעת הסיסמה: ${link}`,
      data: { link, token: created.token },
    });
  }
  return { business: created.business, owner: created.owner, temporaryPassword: temporary };
}

/** Whom a system_admin acts as in a business: the given active user of it, or its first active owner. */
export async function findImpersonationTarget(db: Database, auth: Actor, businessId: string, userId?: string): Promise<User> {
  requirePermission(auth, 'business.impersonate', { businessId });
  return db.withSystemScope('system_admin starts impersonating a business', async () => {
    const business = await Business.findByPk(businessId);
    if (!business) throw notFound(BUSINESS_NOT_FOUND);
    if (userId) {
      const user = await User.findOne({ where: { id: userId, businessId: business.id } });
      if (!user) throw notFound({ he: 'המשתמש לא נמצא בעסק', en: 'User not found in this business' });
      if (!user.isActive) throw new PolicyConflictError('user_inactive');
      return user;
    }
    const owner = await User.findOne({ where: { businessId: business.id, role: 'owner', isActive: true }, order: [['createdAt', 'ASC']] });
    if (!owner) throw new PolicyConflictError('no_owner_to_impersonate');
    return owner;
  });
}
