import { z } from 'zod';
import { Business } from '../../data';
import { requirePermission } from '../../domain/policy';
import { BUSINESS_NOT_FOUND, businessCreateBody, businessSettingsBody, createBusinessWithOwner } from '../services/businesses';
import { updateBusinessProfile } from '../services/business-settings';
import type { AccountsDeps } from './deps';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';
import { businessSchema, toBusinessDto, toUserDto, userSchema } from './schemas';

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
      body: businessCreateBody,
      response: {
        status: 201,
        description: 'Created',
        schema: z.object({ business: businessSchema, owner: userSchema, temporaryPassword: z.string().optional() }),
      },
      handler: async ({ auth, body, audit }) => {
        const created = await createBusinessWithOwner(deps, auth, audit, body);
        return {
          status: 201,
          body: {
            business: toBusinessDto(created.business),
            owner: toUserDto(created.owner),
            ...(created.temporaryPassword ? { temporaryPassword: created.temporaryPassword } : {}),
          },
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
      body: businessSettingsBody,
      response: { status: 200, description: 'Updated', schema: z.object({ business: businessSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        return { body: { business: toBusinessDto(await updateBusinessProfile({ auth, businessId, audit }, body)) } };
      },
    }),
  ];
}
