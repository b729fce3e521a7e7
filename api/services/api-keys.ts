import { z } from 'zod';
import { ApiKey } from '../../data';
import { API_KEY_SCOPES, PolicyConflictError, requirePermission, type Actor } from '../../domain/policy';
import { issueApiKey } from '../auth/api-keys';
import { notFound } from '../routes/registry';
import type { AuditWriter } from './audit-writer';

/** API keys, shared by the REST routes (api/routes/api-keys.ts) and the CRM's settings page. */

export const apiKeyCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(2).refine((scopes) => new Set(scopes).size === scopes.length, 'Scopes must not repeat'),
});
export type ApiKeyCreateBody = z.infer<typeof apiKeyCreateBody>;

const KEY_NOT_FOUND = { he: 'המפתח לא נמצא', en: 'API key not found' };

export interface ApiKeyServiceContext {
  auth: Actor;
  businessId: string;
  audit: AuditWriter;
}

/** Stores the key's hash; the key itself is returned here only, to be shown once. */
export async function createApiKey(ctx: ApiKeyServiceContext, body: ApiKeyCreateBody): Promise<{ apiKey: ApiKey; key: string }> {
  requirePermission(ctx.auth, 'apiKey.create');
  const issued = issueApiKey();
  const apiKey = await ApiKey.create({
    businessId: ctx.businessId,
    name: body.name,
    prefix: issued.prefix,
    secretHash: issued.secretHash,
    scopes: body.scopes,
    createdByUserId: ctx.auth.via === 'session' ? ctx.auth.userId : null,
  });
  await ctx.audit({ action: 'api_key.create', businessId: ctx.businessId, targetType: 'api_key', targetId: apiKey.id, details: { name: body.name, scopes: body.scopes } });
  return { apiKey, key: issued.key };
}

export async function revokeApiKey(ctx: ApiKeyServiceContext, id: string): Promise<ApiKey> {
  requirePermission(ctx.auth, 'apiKey.revoke');
  const key = await ApiKey.findByPk(id, { lock: true });
  if (!key) throw notFound(KEY_NOT_FOUND);
  if (key.revokedAt) throw new PolicyConflictError('api_key_revoked');
  await key.update({ revokedAt: new Date() });
  await ctx.audit({ action: 'api_key.revoke', businessId: ctx.businessId, targetType: 'api_key', targetId: key.id, details: { name: key.name } });
  return key;
}
