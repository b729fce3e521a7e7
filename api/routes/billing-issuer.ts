import { documentPdfOf, findInvoice, findReceipt, type BillingDocumentType } from '../../data/billing';
import { requirePermission } from '../../domain/policy';
import { readTaxIdentity, setTaxIdentity, taxIdentityBody } from '../services/tax-identity';
import { BILLING_MESSAGES as M } from './billing-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

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
      handler: async ({ auth, businessId }) => ({ body: { taxIdentity: await readTaxIdentity(auth, businessId) } }),
    }),
    defineRoute({
      id: 'billing.taxIdentity.update',
      method: 'put',
      path: '/billing/tax-identity',
      summary: 'Set the tax identity; documents already issued keep the identity they were issued with (audited)',
      tag: 'billing',
      scope: 'tenant',
      body: taxIdentityBody,
      handler: async ({ auth, businessId, body, audit }) => ({ body: { taxIdentity: await setTaxIdentity({ auth, businessId, audit }, body) } }),
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
