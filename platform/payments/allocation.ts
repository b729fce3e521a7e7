import type { InvoiceRecord } from '../../data/billing';

/**
 * The Israel Tax Authority's allocation number ("מספר הקצאה") for a tax invoice: a licensed
 * dealer or company must obtain one for a tax invoice whose amount before VAT reaches the
 * threshold in force (BILLING_ALLOCATION_THRESHOLD_SHEKELS) and print it on the invoice. The
 * provider is an interface: the production client is configured per deployment; tests and
 * development use devtools/fakes/allocation-fake.ts.
 */
export interface AllocationRequest {
  /** Ours; the same invoice asked twice gets the same number (a retried activity). */
  invoiceId: string;
  issuerTaxId: string;
  invoiceNumber: number;
  /** ISO instant. */
  issuedAt: string;
  customerName: string;
  netAgorot: number;
  vatAgorot: number;
  totalAgorot: number;
}

export interface AllocationProvider {
  readonly name: string;
  requestAllocation(request: AllocationRequest): Promise<{ allocationNumber: string }>;
}

/** Whether this invoice must carry an allocation number. */
export function needsAllocation(invoice: InvoiceRecord, thresholdAgorot: number): boolean {
  return (
    invoice.series === 'invoice' &&
    (invoice.issuer.dealerType === 'licensed' || invoice.issuer.dealerType === 'company') &&
    invoice.vatAgorot > 0 &&
    invoice.netAgorot >= thresholdAgorot
  );
}
