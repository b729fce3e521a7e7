import { z } from 'zod';
import { Business } from '../../data';
import { DEALER_TYPES, isValidIsraeliTaxId, normalizeTaxId } from '../../domain/billing/tax-id';
import { requirePermission, type Actor } from '../../domain/policy';
import type { AuditWriter } from './audit-writer';

/**
 * The business's tax identity (tax number, dealer type, billing address), printed on invoices and
 * receipts as they are issued. Owner only, like the rest of billing; the REST route and the CRM's
 * settings page both store it here, inside the caller's tenant transaction, audited.
 */
export const taxIdentityBody = z.strictObject({
  taxId: z.string().trim().transform(normalizeTaxId).refine(isValidIsraeliTaxId, 'A tax number is nine digits with a valid check digit').nullable(),
  dealerType: z.enum(DEALER_TYPES).nullable(),
  billingAddress: z.string().trim().max(300).nullable(),
});
export type TaxIdentity = z.infer<typeof taxIdentityBody>;

export function taxIdentityOf(business: Business): TaxIdentity {
  return { taxId: business.taxId ?? null, dealerType: business.dealerType ?? null, billingAddress: business.billingAddress ?? null };
}

export async function readTaxIdentity(auth: Actor, businessId: string): Promise<TaxIdentity> {
  requirePermission(auth, 'billing.manage');
  return taxIdentityOf(await Business.findByPk(businessId, { rejectOnEmpty: true }));
}

/** Documents already issued keep the identity they were issued with. */
export async function setTaxIdentity(ctx: { auth: Actor; businessId: string; audit: AuditWriter }, body: TaxIdentity): Promise<TaxIdentity> {
  requirePermission(ctx.auth, 'billing.manage');
  const business = await Business.findByPk(ctx.businessId, { rejectOnEmpty: true, lock: true });
  const before = taxIdentityOf(business);
  await business.update({ taxId: body.taxId, dealerType: body.dealerType, billingAddress: body.billingAddress || null });
  const after = taxIdentityOf(business);
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'business', targetId: ctx.businessId, details: { area: 'tax_identity', before, after } });
  return after;
}
