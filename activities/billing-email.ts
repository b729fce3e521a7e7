import { Business } from '../data';
import { documentPdfOf, findContract, type BillingDocumentType, type ContractRecord } from '../data/billing';
import type { EmailAttachment } from '../platform/messaging';
import { contractPageHtml, type SignatureBlock } from '../platform/pdf/contract-document';
import type { PdfRenderer } from '../platform/pdf/renderer';
import type { ActivityDependencies } from './dependencies';

/**
 * The PDFs a deal's emails carry: the contract to sign (rendered from the stored contract on each
 * attempt), and the invoice or receipt as the worker stored it when it was issued.
 */
export type DealAttachment = { type: 'contract'; contractId: string } | { type: BillingDocumentType; documentId: string };

export function createDealAttachments({ db }: ActivityDependencies, pdf: () => PdfRenderer) {
  return async function attachmentsFor(businessId: string, attachment: DealAttachment | undefined): Promise<EmailAttachment[]> {
    if (!attachment) return [];
    if (attachment.type !== 'contract') {
      const stored = await db.withTenant({ businessId }, () => documentPdfOf(attachment.type, attachment.documentId));
      // A document whose PDF failed to render still goes out, as text.
      return stored ? [{ filename: `${attachment.type}-${attachment.documentId.slice(0, 8)}.pdf`, contentType: 'application/pdf', content: stored.pdf }] : [];
    }
    const source = await db.withTenant({ businessId }, async () => ({
      contract: await findContract(attachment.contractId),
      business: await Business.findByPk(businessId, { rejectOnEmpty: true }),
    }));
    if (!source.contract) return [];
    return [{ filename: 'contract.pdf', contentType: 'application/pdf', content: await pdf().render(contractHtml(source.contract, source.business)) }];
  };
}

/** The stored contract as a printable page of its business, with the signature block once signed. */
export function contractHtml(contract: ContractRecord, business: { name: string; timezone: string }, signature?: SignatureBlock): string {
  return contractPageHtml({ locale: contract.locale, title: contract.title, businessName: business.name, bodyHtml: contract.bodyHtml, timeZone: business.timezone, signature });
}
