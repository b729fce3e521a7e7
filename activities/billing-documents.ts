import { ApplicationFailure } from '@temporalio/activity';
import { Business } from '../data';
import { documentPdfOf, findInvoice, findReceipt, setAllocationNumber, storeDocumentPdf, type BillingDocumentType } from '../data/billing';
import { needsAllocation } from '../platform/payments/allocation';
import { sha256Hex } from '../platform/payments/signing-token';
import { invoicePageHtml, receiptPageHtml } from '../platform/pdf/billing-document';
import { BILLING_NOT_FOUND, DEV_BILLING_DEPS, type BillingActivityDeps } from './billing';
import type { ActivityDependencies } from './dependencies';

export const DEFAULT_ALLOCATION_THRESHOLD_AGOROT = 500_000;

/** Allocation numbers and the PDFs of invoices and receipts, each done once per document. */
export function createBillingDocumentActivities(deps: ActivityDependencies) {
  const { db } = deps;
  let billing: BillingActivityDeps | null = deps.billing ?? null;
  const config = () => (billing ??= DEV_BILLING_DEPS());
  const tenant = <T>(businessId: string, fn: () => Promise<T>) => db.withTenant({ businessId }, fn);
  const notFound = (what: string) => ApplicationFailure.nonRetryable(`${what} not found in this business`, BILLING_NOT_FOUND);

  return {
    /**
     * Obtains and stores the invoice's allocation number when it needs one. Asking again for the
     * same invoice is harmless (the provider answers the same number; the row takes it once).
     */
    async requestInvoiceAllocation(input: { businessId: string; invoiceId: string }): Promise<{ required: boolean; allocationNumber: string | null }> {
      const invoice = await tenant(input.businessId, () => findInvoice(input.invoiceId));
      if (!invoice) throw notFound('invoice');
      const { allocation, allocationThresholdAgorot } = config();
      if (!needsAllocation(invoice, allocationThresholdAgorot ?? DEFAULT_ALLOCATION_THRESHOLD_AGOROT)) return { required: false, allocationNumber: null };
      if (invoice.allocationNumber) return { required: true, allocationNumber: invoice.allocationNumber };
      if (!allocation || !invoice.issuer.taxId) {
        deps.logger.warn({ businessId: input.businessId, invoiceId: invoice.id }, 'invoice needs an allocation number but no allocation provider or tax number is configured');
        return { required: true, allocationNumber: null };
      }
      const { allocationNumber } = await allocation.requestAllocation({
        invoiceId: invoice.id,
        issuerTaxId: invoice.issuer.taxId,
        invoiceNumber: invoice.number,
        issuedAt: invoice.issuedAt,
        customerName: invoice.customerName,
        netAgorot: invoice.netAgorot,
        vatAgorot: invoice.vatAgorot,
        totalAgorot: invoice.totalAgorot,
      });
      const stored = await tenant(input.businessId, () => setAllocationNumber(invoice.id, allocationNumber));
      return { required: true, allocationNumber: stored?.allocationNumber ?? allocationNumber };
    },

    /** The invoice's or receipt's PDF, rendered once from the stored document and kept beside it. */
    async renderBillingDocument(input: { businessId: string; type: BillingDocumentType; documentId: string }): Promise<{ pdfHash: string }> {
      const source = await tenant(input.businessId, async () => {
        const existing = await documentPdfOf(input.type, input.documentId);
        if (existing) return { pdfHash: existing.pdfHash, html: null };
        const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
        if (input.type === 'invoice') {
          const invoice = await findInvoice(input.documentId);
          if (!invoice) throw notFound('invoice');
          const credited = invoice.creditsInvoiceId ? await findInvoice(invoice.creditsInvoiceId) : null;
          return { pdfHash: null, html: invoicePageHtml(invoice, { locale: invoice.locale, timeZone: business.timezone, creditedNumber: credited?.number ?? null }) };
        }
        const receipt = await findReceipt(input.documentId);
        if (!receipt) throw notFound('receipt');
        const invoice = (await findInvoice(receipt.invoiceId))!;
        return { pdfHash: null, html: receiptPageHtml(receipt, { locale: invoice.locale, timeZone: business.timezone, invoiceNumber: invoice.number }) };
      });
      if (source.pdfHash) return { pdfHash: source.pdfHash };
      const pdf = await config().pdf.render(source.html!);
      const pdfHash = sha256Hex(pdf);
      await tenant(input.businessId, () => storeDocumentPdf(input.type, input.documentId, pdf, pdfHash));
      return { pdfHash };
    },
  };
}
