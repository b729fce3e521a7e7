import { z } from 'zod';
import { ApiKey } from '../../data';
import { requirePermission } from '../../domain/policy';
import { apiKeyCreateBody, createApiKey, revokeApiKey } from '../services/api-keys';
import { defineRoute, uuidParam, type AnyRoute } from './registry';
import { apiKeySchema, toApiKeyDto } from './schemas';

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
      body: apiKeyCreateBody,
      response: { status: 201, description: 'Created', schema: z.object({ apiKey: apiKeySchema, key: z.string() }) },
      handler: async ({ auth, body, businessId, audit }) => {
        const { apiKey, key } = await createApiKey({ auth, businessId, audit }, body);
        return { status: 201, body: { apiKey: toApiKeyDto(apiKey), key } };
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
        return { body: { apiKey: toApiKeyDto(await revokeApiKey({ auth, businessId, audit }, params.id)) } };
      },
    }),
  ];
}
