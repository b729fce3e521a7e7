import { z } from 'zod';
import { Business } from '../../data';
import { documentPdfOf, findInvoice, findReceipt, type BillingDocumentType } from '../../data/billing';
import { DEALER_TYPES, isValidIsraeliTaxId, normalizeTaxId } from '../../domain/billing/tax-id';
import { requirePermission } from '../../domain/policy';
import { BILLING_MESSAGES as M } from './billing-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const TAX_ID_MESSAGE = 'A tax number is nine digits with a valid check digit (ח.פ. / ע.מ.)';

export const taxIdentityBody = z.strictObject({
  taxId: z
    .string()
    .trim()
    .transform(normalizeTaxId)
    .refine(isValidIsraeliTaxId, TAX_ID_MESSAGE)
    .nullable(),
  dealerType: z.enum(DEALER_TYPES).nullable(),
  billingAddress: z.string().trim().max(300).nullable(),
});

const identityOf = (business: Business) => ({ taxId: business.taxId ?? null, dealerType: business.dealerType ?? null, billingAddress: business.billingAddress ?? null });

/** The business's tax identity (printed on invoices and receipts as issued) and the documents' PDFs. */
export function billingIssuerRoutes(): AnyRoute[] {
  return [
    defineRoute({
      id: 'billing.taxIdentity.get',
      method: 'get',
      path: '/billing/tax-identity',
      summary: "The business's tax number, dealer type and billing address",
      tag: 'billing',
      scope: 'tenant',
      handler: async ({ auth, businessId }) => {
        requirePermission(auth, 'billing.manage');
        const business = await Business.findByPk(businessId, { rejectOnEmpty: true });
        return { body: { taxIdentity: identityOf(business) } };
      },
    }),
    defineRoute({
      id: 'billing.taxIdentity.update',
      method: 'put',
      path: '/billing/tax-identity',
      summary: 'Set the tax identity; documents already issued keep the identity they were issued with (audited)',
      tag: 'billing',
      scope: 'tenant',
      body: taxIdentityBody,
      handler: async ({ auth, businessId, body, audit }) => {
        requirePermission(auth, 'billing.manage');
        const business = await Business.findByPk(businessId, { rejectOnEmpty: true, lock: true });
        const before = identityOf(business);
        await business.update({ taxId: body.taxId, dealerType: body.dealerType, billingAddress: body.billingAddress || null });
        await audit({ action: 'settings.change', businessId, targetType: 'business', targetId: businessId, details: { area: 'tax_identity', before, after: identityOf(business) } });
        return { body: { taxIdentity: identityOf(business) } };
      },
    }),
    documentPdfRoute('invoice'),
    documentPdfRoute('receipt'),
  ];
}

function documentPdfRoute(type: BillingDocumentType): AnyRoute {
  return defineRoute({
    id: `billing.${type}s.pdf`,
    method: 'get',
    path: `/billing/${type}s/:id/pdf`,
    summary: `The ${type} as PDF (Hebrew or English, as issued)`,
    tag: 'billing',
    scope: 'tenant',
    params: uuidParam,
    handler: async ({ auth, params, res }) => {
      requirePermission(auth, 'billing.read');
      const document = type === 'invoice' ? await findInvoice(params.id) : await findReceipt(params.id);
      if (!document) throw notFound(type === 'invoice' ? M.invoiceNotFound : M.receiptNotFound);
      const stored = await documentPdfOf(type, document.id);
      if (!stored) throw new LocalizedHttpError(404, 'pdf_not_ready', M.documentPdfNotReady);
      res.type('application/pdf').setHeader('content-disposition', `inline; filename="${type}-${document.number}.pdf"`);
      res.send(stored.pdf);
    },
  });
}
