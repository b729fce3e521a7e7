import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * One deal, from the offer to the last receipt: contract → signing link → reminders while
 * unsigned → expiry or the owner's cancel → on signature the invoice → payments → receipts.
 * The database stays the source of truth: the API records signatures and payments and then
 * signals here; at the deadline the workflow asks the database before it expires anything.
 */
export interface BillingDealInput {
  businessId: string;
  offerId: string;
  leadId: string;
  /** How long the signing link works. */
  signingTtlMs: number;
  /** Reminders while unsigned, as offsets from sending (those past the expiry are dropped). */
  reminderOffsetsMs: number[];
  /**
   * While unpaid, how soon the deal first looks in the database for payments whose signal was lost
   * (the wait doubles after each look, up to a day). Default one hour.
   */
  paymentCheckMs?: number;
}

export type DealStatus = 'preparing' | 'awaiting_signature' | 'signed' | 'invoiced' | 'paid' | 'cancelled' | 'expired';

export interface DealView {
  status: DealStatus;
  contractId: string | null;
  signingExpiresAt: string | null;
  remindersSent: number;
  invoiceId: string | null;
  invoiceNumber: number | null;
  totalAgorot: number | null;
  paidAgorot: number;
  receiptNumbers: number[];
  cardCheckoutUrl: string | null;
  /** Rendering the signed PDF failed after its retries (the contract itself is signed and stored). */
  pdfFailed: boolean;
  /** The Tax Authority's allocation number of the invoice, when it needed one and got it. */
  allocationNumber: string | null;
  /** The invoice needs an allocation number and none could be obtained (no provider or tax number configured). */
  allocationMissing: boolean;
  /** Invoice and receipt PDFs whose rendering failed after its retries (the documents themselves are issued). */
  documentPdfFailures: number;
}

/** From the public signing endpoint, after the signature is stored. */
export const contractSignedSignal = defineSignal<[{ contractId: string }]>('contractSigned');
/** From the mark-paid route or the card webhook, after the payment is stored. */
export const paymentRecordedSignal = defineSignal<[{ paymentId: string }]>('paymentRecorded');
/** The owner cancels an unsigned deal; refused once signed (an invoice is corrected by a credit note). */
export const cancelDealUpdate = defineUpdate<DealView, [{ reason?: string }]>('cancelDeal');
export const dealQuery = defineQuery<DealView>('deal');

export const DEAL_NOT_CANCELLABLE = 'DealNotCancellable';

const billing = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 50, nonRetryableErrorTypes: ['BillingNotFound', 'ContractNotSigned'] },
});
const rendering = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function billingDeal(input: BillingDealInput): Promise<DealView> {
  const view: DealView = {
    status: 'preparing',
    contractId: null,
    signingExpiresAt: null,
    remindersSent: 0,
    invoiceId: null,
    invoiceNumber: null,
    totalAgorot: null,
    paidAgorot: 0,
    receiptNumbers: [],
    cardCheckoutUrl: null,
    pdfFailed: false,
    allocationNumber: null,
    allocationMissing: false,
    documentPdfFailures: 0,
  };
  // Deals started before invoices had allocation numbers and PDFs replay without those steps.
  const withDocuments = patched('invoice-documents');
  const renderDocument = async (type: 'invoice' | 'receipt', documentId: string) => {
    try {
      await rendering.renderBillingDocument({ businessId: input.businessId, type, documentId });
    } catch {
      view.documentPdfFailures += 1;
    }
  };
  const workflowId = workflowInfo().workflowId;
  let signed = false;
  let cancelRequested = false;
  const pendingPayments: string[] = [];
  const seenPayments = new Set<string>();
  upsertSearchAttributes({ BusinessId: [input.businessId], LeadId: [input.leadId], Kind: ['billing-deal'] });

  setHandler(dealQuery, () => view);
  setHandler(contractSignedSignal, (signal) => {
    if (!view.contractId || signal.contractId === view.contractId) signed = true;
  });
  setHandler(paymentRecordedSignal, ({ paymentId }) => {
    if (seenPayments.has(paymentId)) return;
    seenPayments.add(paymentId);
    pendingPayments.push(paymentId);
  });
  setHandler(
    cancelDealUpdate,
    async (_request) => {
      cancelRequested = true;
      await condition(() => view.status === 'cancelled' || signed || ['signed', 'invoiced', 'paid', 'expired'].includes(view.status));
      return view;
    },
    {
      validator: (_request) => {
        if (signed || !['preparing', 'awaiting_signature'].includes(view.status)) {
          throw new Error(`${DEAL_NOT_CANCELLABLE}: the deal is ${signed ? 'signed' : view.status}`);
        }
      },
    },
  );

  const contract = await billing.prepareContract({ businessId: input.businessId, offerId: input.offerId });
  view.contractId = contract.contractId;
  const sentAt = Date.now();
  const expiresAt = sentAt + input.signingTtlMs;
  view.signingExpiresAt = new Date(expiresAt).toISOString();
  if (!cancelRequested) {
    const opened = await billing.sendSigningLink({
      businessId: input.businessId,
      contractId: contract.contractId,
      version: 1,
      expiresAt: view.signingExpiresAt,
      purpose: 'first',
      idempotencyKey: `${workflowId}/signing-link/1`,
    });
    if (opened.status === 'signed') signed = true;
    view.status = 'awaiting_signature';
  }

  const decided = () => signed || cancelRequested;
  const reminders = [...new Set(input.reminderOffsetsMs)].filter((offset) => offset > 0 && offset < input.signingTtlMs).sort((a, b) => a - b);
  for (const [index, offset] of reminders.entries()) {
    if (await condition(decided, Math.max(1, sentAt + offset - Date.now()))) break;
    // A signature whose signal was lost is in the database: look before reminding.
    if ((await billing.contractStatus({ businessId: input.businessId, contractId: contract.contractId })) === 'signed') {
      signed = true;
      break;
    }
    await billing.sendSigningLink({
      businessId: input.businessId,
      contractId: contract.contractId,
      version: 1,
      expiresAt: view.signingExpiresAt,
      purpose: 'reminder',
      idempotencyKey: `${workflowId}/signing-reminder/${index + 1}`,
    });
    view.remindersSent += 1;
  }
  if (!decided()) await condition(decided, Math.max(1, expiresAt - Date.now()));

  if (!signed) {
    // Cancel or deadline: the database decides whether the signature won the race.
    const reason = cancelRequested ? 'cancelled' : 'expired';
    const status = await billing.closeContract({ businessId: input.businessId, contractId: contract.contractId, reason });
    if (status !== 'signed') {
      view.status = reason;
      await billing.sendDealMessage({
        businessId: input.businessId,
        idempotencyKey: `${workflowId}/${reason}`,
        kind: reason === 'cancelled' ? 'contract_cancelled' : 'contract_expired',
        offerId: input.offerId,
      });
      await condition(allHandlersFinished);
      return view;
    }
    signed = true;
  }
  view.status = 'signed';

  const invoice = await billing.issueDealInvoice({
    businessId: input.businessId,
    offerId: input.offerId,
    contractId: contract.contractId,
    idempotencyKey: `${workflowId}/invoice`,
  });
  view.status = 'invoiced';
  view.invoiceId = invoice.invoiceId;
  view.invoiceNumber = invoice.number;
  view.totalAgorot = invoice.totalAgorot;
  if (withDocuments) {
    const allocation = await billing.requestInvoiceAllocation({ businessId: input.businessId, invoiceId: invoice.invoiceId });
    view.allocationNumber = allocation.allocationNumber;
    view.allocationMissing = allocation.required && allocation.allocationNumber === null;
    await renderDocument('invoice', invoice.invoiceId);
  }
  const checkout = await billing.createCardCheckout({ businessId: input.businessId, invoiceId: invoice.invoiceId, idempotencyKey: `${workflowId}/card-checkout` });
  view.cardCheckoutUrl = checkout?.url ?? null;
  await billing.sendDealMessage({
    businessId: input.businessId,
    idempotencyKey: `${workflowId}/invoice-message`,
    kind: 'invoice_issued',
    offerId: input.offerId,
    amountAgorot: invoice.totalAgorot,
    documentNumber: invoice.number,
    link: view.cardCheckoutUrl,
    attach: { type: 'invoice', documentId: invoice.invoiceId },
  });
  await billing.sendDealMessage({
    businessId: input.businessId,
    idempotencyKey: `${workflowId}/owner-signed`,
    kind: 'owner_contract_signed',
    offerId: input.offerId,
    documentNumber: invoice.number,
  });
  try {
    await rendering.renderSignedContract({ businessId: input.businessId, contractId: contract.contractId });
  } catch {
    // The signature, invoice and payment do not wait on the PDF: it is a copy of what is stored.
    view.pdfFailed = true;
  }

  let checkAfterMs = input.paymentCheckMs ?? 3_600_000;
  while (view.paidAgorot < invoice.totalAgorot) {
    if (!(await condition(() => pendingPayments.length > 0, checkAfterMs))) {
      // Nothing signalled for a while: payments recorded while Temporal was unreachable are in the database.
      for (const paymentId of await billing.unreceiptedPayments({ businessId: input.businessId, invoiceId: invoice.invoiceId })) {
        if (!seenPayments.has(paymentId)) {
          seenPayments.add(paymentId);
          pendingPayments.push(paymentId);
        }
      }
      checkAfterMs = Math.min(checkAfterMs * 2, 24 * 3_600_000);
      continue;
    }
    const paymentId = pendingPayments.shift()!;
    const receipt = await billing.issuePaymentReceipt({ businessId: input.businessId, paymentId });
    view.paidAgorot = receipt.paidAgorot;
    view.receiptNumbers.push(receipt.number);
    if (withDocuments) await renderDocument('receipt', receipt.receiptId);
    await billing.sendDealMessage({
      businessId: input.businessId,
      idempotencyKey: `${workflowId}/receipt/${paymentId}`,
      kind: 'receipt_issued',
      offerId: input.offerId,
      amountAgorot: receipt.amountAgorot,
      documentNumber: receipt.number,
      attach: { type: 'receipt', documentId: receipt.receiptId },
    });
    await billing.sendDealMessage({
      businessId: input.businessId,
      idempotencyKey: `${workflowId}/owner-receipt/${paymentId}`,
      kind: 'owner_payment_received',
      offerId: input.offerId,
      amountAgorot: receipt.amountAgorot,
      documentNumber: receipt.number,
    });
  }
  view.status = 'paid';
  await condition(allHandlersFinished);
  return view;
}
