import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { SESSION_COOKIE } from './auth/context';
import type { AnyRoute } from './routes/registry';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    messages: z.object({ he: z.string(), en: z.string() }).optional(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string(),
  }),
});

/** '/users/:id' → '/users/{id}' */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(routes: readonly AnyRoute[]): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const session = registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'Tenant API key: psk_…' });
  const csrf = registry.registerComponent('parameters', 'csrf', {
    name: 'x-csrf-token',
    in: 'header',
    required: false,
    description: 'Required on cookie-authenticated writes: the csrfToken from login or GET /auth/me',
    schema: { type: 'string' },
  });
  for (const route of routes) {
    const responses: Record<string, { description: string; content?: { 'application/json': { schema: ZodType } } }> = {};
    const success = route.response ?? { status: route.method === 'delete' ? 204 : 200, description: 'OK' };
    responses[String(success.status)] = success.schema
      ? { description: success.description, content: { 'application/json': { schema: success.schema } } }
      : { description: success.description };
    for (const [status, description] of [
      [400, 'Invalid input (per-field messages)'],
      ...(route.scope === 'public' ? [] : [[401, 'Not signed in'], [403, 'Not allowed (Hebrew and English message)']]),
      ...(route.params ? [[404, 'Not found in your business']] : []),
    ] as Array<[number, string]>) {
      responses[String(status)] = { description, content: { 'application/json': { schema: errorSchema } } };
    }
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      operationId: route.id,
      summary: route.summary,
      tags: [route.tag],
      security: route.scope === 'public' ? [] : [{ [session.name]: [] }, { [bearer.name]: [] }],
      ...(route.scope !== 'public' && route.method !== 'get' ? { parameters: [csrf.ref] } : {}),
      request: {
        ...(route.params ? { params: route.params as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as z.ZodObject } : {}),
        ...(route.body ? { body: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'ProSaaS API', version: '1.0.0', description: 'Accounts, roles and tenant access. Session cookie or Bearer API key.' },
    servers: [{ url: '/api/v1' }],
  });
}
