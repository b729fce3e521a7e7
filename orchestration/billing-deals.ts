import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Lead, type Database, type TenantIdentity } from '../data';
import { creditNoteOf, findOffer, findPaymentByKey, issueReceipt, lockInvoice, paidAgorotOf, recordPayment, setOfferStatus, setOfferWorkflow, type PaymentRecord } from '../data/billing';
import type { DealView } from '../workflows';
import { cancelBillingDeal, signalPaymentRecorded, startBillingDeal } from './billing';

/**
 * The owner's deal actions, shared by the API routes and the CRM's form actions, so both answer
 * the same way: send an offer (start its deal), cancel it, record a manual payment.
 */
export interface DealTimers {
  signingTtlMs: number;
  reminderOffsetsMs: number[];
  paymentCheckMs?: number;
}

export type SendOutcome = { ok: true; workflowId: string } | { ok: false; reason: 'not_found' | 'not_draft' | 'no_phone' };

export async function sendOffer(db: Database, client: Client, taskQueue: string, identity: TenantIdentity, offerId: string, timers: DealTimers): Promise<SendOutcome> {
  const checked = await db.withTenant(identity, async () => {
    const offer = await findOffer(offerId);
    if (!offer) return { ok: false as const, reason: 'not_found' as const };
    if (offer.status !== 'draft') return { ok: false as const, reason: 'not_draft' as const };
    const lead = await Lead.findByPk(offer.leadId);
    if (!lead?.phoneE164 && !lead?.email) return { ok: false as const, reason: 'no_phone' as const };
    return { ok: true as const, offer };
  });
  if (!checked.ok) return checked;
  // Started before the status changes: a failed start leaves a draft that can be sent again.
  const { workflowId } = await startBillingDeal(client, taskQueue, { businessId: identity.businessId, offerId, leadId: checked.offer.leadId, signingTtlMs: timers.signingTtlMs, reminderOffsetsMs: timers.reminderOffsetsMs, paymentCheckMs: timers.paymentCheckMs });
  await db.withTenant(identity, () => setOfferWorkflow(offerId, workflowId));
  return { ok: true, workflowId };
}

export type CancelOfferOutcome = { ok: true; status: DealView['status'] | 'cancelled' } | { ok: false; reason: 'not_found' | 'not_cancellable' | 'closed' };

export async function cancelOffer(db: Database, client: Client, identity: TenantIdentity, offerId: string): Promise<CancelOfferOutcome> {
  const offer = await db.withTenant(identity, async () => {
    const row = await findOffer(offerId);
    // A draft has no workflow yet: cancelling it is a status change.
    if (row?.status === 'draft') await setOfferStatus(row.id, 'cancelled', ['draft']);
    return row;
  });
  if (!offer) return { ok: false, reason: 'not_found' };
  if (offer.status === 'draft') return { ok: true, status: 'cancelled' };
  if (['signed', 'invoiced', 'paid'].includes(offer.status)) return { ok: false, reason: 'not_cancellable' };
  if (offer.status !== 'sent') return { ok: false, reason: 'closed' };
  const outcome = await cancelBillingDeal(client, identity.businessId, offer.id);
  if (!outcome.ok) return { ok: false, reason: outcome.reason === 'not_cancellable' ? 'not_cancellable' : 'closed' };
  return { ok: true, status: outcome.view.status };
}

export interface ManualPayment {
  method: 'cash' | 'transfer' | 'cheque';
  amountAgorot?: number;
  reference?: string | null;
  note?: string | null;
  /** The client's Idempotency-Key (the same click twice records one payment); a fresh one when absent. */
  idempotencyKey?: string;
  recordedByUserId?: string | null;
}

export type PaymentOutcome = { ok: true; payment: PaymentRecord; created: boolean } | { ok: false; reason: 'not_found' | 'not_an_invoice' | 'credited' | 'paid' | 'overpaid' };

/** Records a payment by the manual provider; the deal (or, without one, this function) issues its receipt. */
export async function recordManualPayment(db: Database, client: Client, identity: TenantIdentity, invoiceId: string, input: ManualPayment): Promise<PaymentOutcome> {
  const outcome = await db.withTenant(identity, async (): Promise<PaymentOutcome & { offerId?: string | null }> => {
    const invoice = await lockInvoice(invoiceId);
    if (!invoice) return { ok: false, reason: 'not_found' };
    if (invoice.series !== 'invoice') return { ok: false, reason: 'not_an_invoice' };
    if (await creditNoteOf(invoice.id)) return { ok: false, reason: 'credited' };
    const idempotencyKey = `manual/${invoice.id}/${input.idempotencyKey ?? randomUUID()}`;
    const existing = await findPaymentByKey(idempotencyKey);
    if (existing) return { ok: true, payment: existing, created: false };
    const remaining = invoice.totalAgorot - (await paidAgorotOf(invoice.id));
    if (remaining <= 0) return { ok: false, reason: 'paid' };
    const amount = input.amountAgorot ?? remaining;
    if (amount > remaining) return { ok: false, reason: 'overpaid' };
    const { payment, created } = await recordPayment({
      invoiceId: invoice.id,
      provider: 'manual',
      method: input.method,
      amountAgorot: amount,
      idempotencyKey,
      providerReference: input.reference ?? null,
      note: input.note ?? null,
      recordedByUserId: input.recordedByUserId ?? null,
    });
    return { ok: true, payment, created, offerId: invoice.offerId };
  });
  if (!outcome.ok || !outcome.created) return outcome;
  const signalled = outcome.offerId ? await signalPaymentRecorded(client, identity.businessId, outcome.offerId, outcome.payment.id) : false;
  // No running deal (an invoice outside the workflow, or a closed one): the receipt is issued here.
  if (!signalled) await db.withTenant(identity, () => issueReceipt(outcome.payment.id));
  return { ok: true, payment: outcome.payment, created: true };
}
