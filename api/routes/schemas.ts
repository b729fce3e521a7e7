import { z } from 'zod';
import { checkPassword, PASSWORD_MAX_LENGTH, type Role } from '../../domain/policy';
import type { User, Business, ApiKey, AuditLog } from '../../data';

export const emailSchema = z.email().max(254);
export const fullNameSchema = z.string().trim().min(1).max(120);
export const localeSchema = z.enum(['he', 'en']);
export const businessRoleSchema = z.enum(['owner', 'admin', 'agent']);

/** A new password: the password rules, each violation reported in English and Hebrew. */
export const newPasswordSchema = z
  .string()
  .max(PASSWORD_MAX_LENGTH)
  .superRefine((value, ctx) => {
    for (const violation of checkPassword(value)) {
      if (violation.code === 'too_long') continue;
      ctx.addIssue({ code: 'custom', message: `${violation.en} / ${violation.he}` });
    }
  });

export const userSchema = z.object({
  id: z.uuid(),
  businessId: z.uuid().nullable(),
  email: z.string(),
  fullName: z.string(),
  role: z.enum(['system_admin', 'owner', 'admin', 'agent']),
  locale: localeSchema,
  isActive: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
export type UserDto = z.infer<typeof userSchema>;

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    businessId: user.businessId,
    email: user.email,
    fullName: user.fullName,
    role: user.role as Role,
    locale: user.locale,
    isActive: user.isActive,
    lastLoginAt: user.lastLoginAt ? new Date(user.lastLoginAt).toISOString() : null,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}

export const businessSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  locale: localeSchema,
  timezone: z.string(),
  currency: z.string(),
  recordingEnabled: z.boolean(),
  /** Days a call recording is kept before the cleanup schedule deletes it. */
  recordingRetentionDays: z.number().nullable(),
  createdAt: z.string(),
});

export function toBusinessDto(business: Business): z.infer<typeof businessSchema> {
  return {
    id: business.id,
    name: business.name,
    locale: business.locale,
    timezone: business.timezone,
    currency: business.currency,
    recordingEnabled: business.recordingEnabled,
    recordingRetentionDays: business.recordingRetentionDays,
    createdAt: new Date(business.createdAt).toISOString(),
  };
}

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(['read', 'write'])),
  createdByUserId: z.uuid().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});

export function toApiKeyDto(key: ApiKey): z.infer<typeof apiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdByUserId: key.createdByUserId,
    lastUsedAt: key.lastUsedAt ? new Date(key.lastUsedAt).toISOString() : null,
    revokedAt: key.revokedAt ? new Date(key.revokedAt).toISOString() : null,
    createdAt: new Date(key.createdAt).toISOString(),
  };
}

export const auditEntrySchema = z.object({
  id: z.uuid(),
  businessId: z.uuid().nullable(),
  actorUserId: z.uuid().nullable(),
  impersonatorUserId: z.uuid().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export function toAuditDto(entry: AuditLog): z.infer<typeof auditEntrySchema> {
  return {
    id: entry.id,
    businessId: entry.businessId,
    actorUserId: entry.actorUserId,
    impersonatorUserId: entry.impersonatorUserId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ip: entry.ip,
    details: entry.details,
    createdAt: new Date(entry.createdAt).toISOString(),
  };
}

export const messageSchema = z.object({ ok: z.literal(true) });
