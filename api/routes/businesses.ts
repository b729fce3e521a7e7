import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import { Business, User } from '../../data';
import { createDefaultLeadStatuses } from '../../data/default-lead-statuses';
import { PolicyConflictError, requirePermission } from '../../domain/policy';
import { hashPassword } from '../../platform/passwords';
import { createPasswordToken } from '../auth/password-tokens';
import { temporaryPassword } from '../auth/secrets';
import type { AccountsDeps } from './deps';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';
import { businessSchema, emailSchema, fullNameSchema, localeSchema, toBusinessDto, toUserDto, userSchema } from './schemas';

const BUSINESS_NOT_FOUND = { he: 'העסק לא נמצא', en: 'Business not found' };
const timezoneSchema = z
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

export function businessRoutes(deps: AccountsDeps): AnyRoute[] {
  const { db } = deps;
  return [
    defineRoute({
      id: 'businesses.list',
      method: 'get',
      path: '/businesses',
      summary: 'Every business (system_admin)',
      tag: 'businesses',
      scope: 'platform',
      response: { status: 200, description: 'Businesses', schema: z.object({ businesses: z.array(businessSchema) }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'business.list');
        const businesses = await db.withSystemScope('system_admin lists businesses', () => Business.findAll({ order: [['createdAt', 'ASC']] }));
        return { body: { businesses: businesses.map(toBusinessDto) } };
      },
    }),
    defineRoute({
      id: 'businesses.get',
      method: 'get',
      path: '/businesses/:id',
      summary: 'One business (system_admin)',
      tag: 'businesses',
      scope: 'platform',
      params: uuidParam,
      response: { status: 200, description: 'The business', schema: z.object({ business: businessSchema }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'business.list');
        const business = await db.withSystemScope('system_admin reads a business', () => Business.findByPk(params.id));
        if (!business) throw notFound(BUSINESS_NOT_FOUND);
        return { body: { business: toBusinessDto(business) } };
      },
    }),
    defineRoute({
      id: 'businesses.create',
      method: 'post',
      path: '/businesses',
      summary: 'Create a business together with its first owner, in one transaction (system_admin)',
      tag: 'businesses',
      scope: 'platform',
      body: z.strictObject({
        name: z.string().trim().min(1).max(120),
        locale: localeSchema.optional(),
        timezone: timezoneSchema.optional(),
        owner: z.strictObject({
          email: emailSchema,
          fullName: fullNameSchema,
          locale: localeSchema.optional(),
          invite: z.enum(['temporary_password', 'link']).default('link'),
        }),
      }),
      response: {
        status: 201,
        description: 'Created',
        schema: z.object({ business: businessSchema, owner: userSchema, temporaryPassword: z.string().optional() }),
      },
      handler: async ({ auth, body, audit }) => {
        requirePermission(auth, 'business.create');
        const temporary = body.owner.invite === 'temporary_password' ? temporaryPassword() : null;
        const passwordHash = temporary ? await hashPassword(temporary) : null;
        const created = await db.withSystemScope('system_admin creates a business and its first owner', async () => {
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
        return {
          status: 201,
          body: { business: toBusinessDto(created.business), owner: toUserDto(created.owner), ...(temporary ? { temporaryPassword: temporary } : {}) },
        };
      },
    }),
    defineRoute({
      id: 'business.get',
      method: 'get',
      path: '/business',
      summary: "The caller's business",
      tag: 'business',
      scope: 'tenant',
      response: { status: 200, description: 'The business', schema: z.object({ business: businessSchema }) },
      handler: async ({ auth, businessId }) => {
        requirePermission(auth, 'business.read');
        const business = await Business.findByPk(businessId);
        if (!business) throw notFound(BUSINESS_NOT_FOUND);
        return { body: { business: toBusinessDto(business) } };
      },
    }),
    defineRoute({
      id: 'business.updateSettings',
      method: 'patch',
      path: '/business',
      summary: "Change the business's settings (owner, admin; audited)",
      tag: 'business',
      scope: 'tenant',
      body: z
        .strictObject({
          name: z.string().trim().min(1).max(120).optional(),
          locale: localeSchema.optional(),
          timezone: timezoneSchema.optional(),
          recordingEnabled: z.boolean().optional(),
          recordingRetentionDays: z.number().int().min(0).max(3650).optional(),
        })
        .refine((value) => Object.keys(value).length > 0, { message: 'Send at least one field' }),
      response: { status: 200, description: 'Updated', schema: z.object({ business: businessSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        const business = await Business.findByPk(businessId);
        if (!business) throw notFound(BUSINESS_NOT_FOUND);
        const before = Object.fromEntries(Object.keys(body).map((key) => [key, business.get(key)]));
        await business.update(body);
        await audit({ action: 'settings.change', businessId, targetType: 'business', targetId: businessId, details: { before, after: body } });
        return { body: { business: toBusinessDto(business) } };
      },
    }),
  ];
}
