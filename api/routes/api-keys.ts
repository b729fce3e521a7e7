import { z } from 'zod';
import { ApiKey } from '../../data';
import { API_KEY_SCOPES, PolicyConflictError, requirePermission } from '../../domain/policy';
import { issueApiKey } from '../auth/api-keys';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';
import { apiKeySchema, toApiKeyDto } from './schemas';

const KEY_NOT_FOUND = { he: 'המפתח לא נמצא', en: 'API key not found' };

export function apiKeyRoutes(): AnyRoute[] {
  return [
    defineRoute({
      id: 'apiKeys.list',
      method: 'get',
      path: '/api-keys',
      summary: "The business's API keys (never their secrets)",
      tag: 'api-keys',
      scope: 'tenant',
      response: { status: 200, description: 'Keys', schema: z.object({ apiKeys: z.array(apiKeySchema) }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'apiKey.list');
        const keys = await ApiKey.findAll({ order: [['createdAt', 'ASC']] });
        return { body: { apiKeys: keys.map(toApiKeyDto) } };
      },
    }),
    defineRoute({
      id: 'apiKeys.create',
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key; the key is in this response only (owner, admin)',
      tag: 'api-keys',
      scope: 'tenant',
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(API_KEY_SCOPES)).min(1).max(2).refine((scopes) => new Set(scopes).size === scopes.length, 'Scopes must not repeat'),
      }),
      response: { status: 201, description: 'Created', schema: z.object({ apiKey: apiKeySchema, key: z.string() }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'apiKey.create');
        const issued = issueApiKey();
        const key = await ApiKey.create({
          businessId,
          name: body.name,
          prefix: issued.prefix,
          secretHash: issued.secretHash,
          scopes: body.scopes,
          createdByUserId: auth.via === 'session' ? auth.userId : null,
        });
        await audit({ action: 'api_key.create', businessId, targetType: 'api_key', targetId: key.id, details: { name: body.name, scopes: body.scopes } });
        return { status: 201, body: { apiKey: toApiKeyDto(key), key: issued.key } };
      },
    }),
    defineRoute({
      id: 'apiKeys.revoke',
      method: 'delete',
      path: '/api-keys/:id',
      summary: 'Revoke an API key (owner, admin)',
      tag: 'api-keys',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Revoked', schema: z.object({ apiKey: apiKeySchema }) },
      handler: async ({ auth, params, businessId, audit }) => {
        requirePermission(auth, 'apiKey.revoke');
        const key = await ApiKey.findByPk(params.id, { lock: true });
        if (!key) throw notFound(KEY_NOT_FOUND);
        if (key.revokedAt) throw new PolicyConflictError('api_key_revoked');
        await key.update({ revokedAt: new Date() });
        await audit({ action: 'api_key.revoke', businessId, targetType: 'api_key', targetId: key.id, details: { name: key.name } });
        return { body: { apiKey: toApiKeyDto(key) } };
      },
    }),
  ];
}
