import { ApplicationFailure } from '@temporalio/activity';
import { Business, Lead } from '../data';
import {
  createContractOnce,
  defaultTemplate,
  findContract,
  findContractByOffer,
  findInvoice,
  findInvoiceByKey,
  findOffer,
  findPayment,
  findTemplate,
  issueInvoice,
  issueReceipt,
  lineInputsOf,
  openSigning,
  closeUnsignedContract,
  paidAgorotOf,
  unreceiptedPaymentIds,
  setOfferStatus,
  signatureOf,
  storeSignedPdf,
  type ContractStatus,
} from '../data/billing';
import { DEFAULT_CONTRACT_TEMPLATES, renderContractBody } from '../domain/billing/contract-template';
import { computeTotals, formatAgorot } from '../domain/billing/money';
import { localDateOf } from '../domain/billing/dates';
import { ChromiumPdfRenderer, type PdfRenderer } from '../platform/pdf/renderer';
import type { AllocationProvider } from '../platform/payments/allocation';
import type { CardPaymentProvider } from '../platform/payments/card-provider';
import { hashSigningToken, sha256Hex, signingPageUrl, signingToken, signingUrl } from '../platform/payments/signing-token';
import type { ActivityDependencies } from './dependencies';
import { contractHtml, createDealAttachments, type DealAttachment } from './billing-email';
import { createNotificationActivities, type SendNotificationInput } from './notifications';

/** What billing activities need besides the database and the message provider. */
export interface BillingActivityDeps {
  /** Derives the signing links' tokens (BILLING_SIGNING_SECRET). */
  signingSecret: string;
  /** The CRM's public origin, where /sign/<contract> lives. */
  publicBaseUrl: string;
  /** The API's public origin, where card webhooks arrive. */
  webhookBaseUrl: string;
  pdf: PdfRenderer;
  /** null: only the manual provider (owner marks paid). */
  card: CardPaymentProvider | null;
  /** The Tax Authority's allocation numbers; absent: invoices that need one are issued without it (and flagged). */
  allocation?: AllocationProvider | null;
  /** Amount before VAT from which a tax invoice needs an allocation number (default ₪5,000). */
  allocationThresholdAgorot?: number;
}

export const DEV_BILLING_DEPS = (): BillingActivityDeps => ({
  signingSecret: 'dev-only-billing-signing-secret-change-me',
  publicBaseUrl: 'http://127.0.0.1:5173',
  webhookBaseUrl: 'http://127.0.0.1:3000',
  pdf: new ChromiumPdfRenderer('/usr/bin/chromium'),
  card: null,
});

export const BILLING_NOT_FOUND = 'BillingNotFound';

export interface PreparedContract {
  contractId: string;
  documentHash: string;
  title: string;
  locale: 'he' | 'en';
  customerName: string;
  customerPhone: string | null;
  totalAgorot: number;
}

export interface SigningLinkInput {
  businessId: string;
  contractId: string;
  /** The link's version: 1 for the first; a renewed link would be 2 (the old one stops working). */
  version: number;
  /** ISO instant the link stops working. */
  expiresAt: string;
  /** first: opens signing and sends the link; reminder: sends the same link again. */
  purpose: 'first' | 'reminder';
  idempotencyKey: string;
}

export interface IssuedInvoice {
  invoiceId: string;
  number: number;
  totalAgorot: number;
  created: boolean;
}

export interface IssuedReceipt {
  receiptId: string;
  number: number;
  amountAgorot: number;
  paidAgorot: number;
  totalAgorot: number;
}

const notFound = (what: string) => ApplicationFailure.nonRetryable(`${what} not found in this business`, BILLING_NOT_FOUND);

export function createBillingActivities(deps: ActivityDependencies) {
  const { db } = deps;
  let billing: BillingActivityDeps | null = deps.billing ?? null;
  const config = () => (billing ??= DEV_BILLING_DEPS());
  const notifications = createNotificationActivities(deps);
  const attachmentsFor = createDealAttachments(deps, () => config().pdf);
  /** The text message, and when the customer has an email address (and the worker email) the same by email with its PDF. */
  const sendToCustomer = async (message: SendNotificationInput, customer: { phoneE164: string | null; email: string | null }, attachment?: DealAttachment) => {
    if (customer.phoneE164) await notifications.sendNotification({ ...message, to: customer.phoneE164 });
    if (customer.email && deps.email) {
      const attachments = await attachmentsFor(message.businessId, attachment);
      await notifications.sendNotification({ ...message, idempotencyKey: `${message.idempotencyKey}/email`, email: { to: customer.email, attachments } });
    }
  };
  const tenant = <T>(businessId: string, fn: () => Promise<T>) => db.withTenant({ businessId }, fn);

  return {
    /** Renders the offer into its contract from the business's template, once per offer. */
    async prepareContract(input: { businessId: string; offerId: string }): Promise<PreparedContract> {
      return tenant(input.businessId, async () => {
        const offer = await findOffer(input.offerId);
        if (!offer) throw notFound('offer');
        const lead = await Lead.findByPk(offer.leadId);
        if (!lead) throw notFound('lead');
        let contract = await findContractByOffer(offer.id);
        if (!contract) {
          const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
          const template = (offer.templateId ? await findTemplate(offer.templateId) : null) ?? (await defaultTemplate(offer.locale));
          const body = template?.body ?? DEFAULT_CONTRACT_TEMPLATES[offer.locale].body;
          const title = template?.name ?? DEFAULT_CONTRACT_TEMPLATES[offer.locale].name;
          const totals = computeTotals(lineInputsOf(offer), { vatRateBps: offer.vatRateBps, documentDiscountAgorot: offer.documentDiscountAgorot });
          const bodyHtml = renderContractBody(body, {
            locale: offer.locale,
            businessName: business.name,
            customerName: lead.fullName,
            customerPhone: lead.phoneE164,
            offerTitle: offer.title,
            validUntil: offer.validUntil,
            date: localDateOf(offer.createdAt, business.timezone),
            totals,
          });
          contract = await createContractOnce({
            offerId: offer.id,
            templateId: template?.id ?? null,
            locale: offer.locale,
            title: `${title} — ${offer.title}`,
            bodyHtml,
            documentHash: sha256Hex(bodyHtml),
          });
        }
        return {
          contractId: contract.id,
          documentHash: contract.documentHash,
          title: offer.title,
          locale: offer.locale,
          customerName: lead.fullName,
          customerPhone: lead.phoneE164,
          totalAgorot: offer.totalAgorot,
        };
      });
    },

    /**
     * Sends the signing link (or a reminder with the same link). The token is derived here on every
     * attempt and goes only into the text handed to the provider: it appears in no workflow history
     * and in no stored row (the notification keeps the link without it; the contract its hash).
     */
    async sendSigningLink(input: SigningLinkInput): Promise<{ status: ContractStatus }> {
      const { signingSecret, publicBaseUrl } = config();
      const token = signingToken(signingSecret, input.contractId, input.version);
      const prepared = await tenant(input.businessId, async () => {
        const contract = await findContract(input.contractId);
        if (!contract) throw notFound('contract');
        const offer = await findOffer(contract.offerId);
        const lead = offer ? await Lead.findByPk(offer.leadId) : null;
        if (!offer || !lead) throw notFound('offer');
        if (input.purpose === 'first' && contract.status === 'draft') {
          await openSigning(contract.id, hashSigningToken(token), input.version, new Date(input.expiresAt));
        }
        const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
        return { status: (await findContract(contract.id))!.status, offer, lead, businessName: business.name };
      });
      if (prepared.status !== 'sent') return { status: prepared.status };
      const pageUrl = signingPageUrl(publicBaseUrl, input.contractId);
      await sendToCustomer(
        {
          businessId: input.businessId,
          idempotencyKey: input.idempotencyKey,
          kind: input.purpose === 'first' ? 'contract_signing' : 'contract_signing_reminder',
          to: null,
          params: { businessName: prepared.businessName, customerName: prepared.lead.fullName, title: prepared.offer.title, link: pageUrl },
          credentialLink: { stored: pageUrl, sent: signingUrl(publicBaseUrl, input.contractId, token) },
          leadId: prepared.lead.id,
        },
        prepared.lead,
        { type: 'contract', contractId: input.contractId },
      );
      return { status: prepared.status };
    },

    /** The contract's status as the database has it (the source of truth over any signal). */
    async contractStatus(input: { businessId: string; contractId: string }): Promise<ContractStatus> {
      const contract = await tenant(input.businessId, () => findContract(input.contractId));
      if (!contract) throw notFound('contract');
      return contract.status;
    },

    /** Ends an unsigned contract; a contract signed in the meantime stays signed (and is reported so). */
    async closeContract(input: { businessId: string; contractId: string; reason: 'expired' | 'cancelled' }): Promise<ContractStatus> {
      return tenant(input.businessId, async () => {
        const status = await closeUnsignedContract(input.contractId, input.reason);
        if (!status) throw notFound('contract');
        const contract = (await findContract(input.contractId))!;
        if (status === input.reason) await setOfferStatus(contract.offerId, input.reason, ['draft', 'sent']);
        return status;
      });
    },

    /**
     * Issues the invoice of a signed deal: one per idempotency key, whatever the retries (the key
     * is looked up under the numbering lock, in the transaction that inserts).
     */
    async issueDealInvoice(input: { businessId: string; offerId: string; contractId: string; idempotencyKey: string }): Promise<IssuedInvoice> {
      return tenant(input.businessId, async () => {
        const already = await findInvoiceByKey(input.idempotencyKey);
        if (already) return { invoiceId: already.id, number: already.number, totalAgorot: already.totalAgorot, created: false };
        const offer = await findOffer(input.offerId);
        const contract = await findContract(input.contractId);
        if (!offer || !contract) throw notFound('offer');
        if (contract.status !== 'signed') throw ApplicationFailure.nonRetryable('the contract is not signed', 'ContractNotSigned');
        const lead = await Lead.findByPk(offer.leadId);
        const totals = computeTotals(lineInputsOf(offer), { vatRateBps: offer.vatRateBps, documentDiscountAgorot: offer.documentDiscountAgorot });
        const { invoice, created } = await issueInvoice({
          idempotencyKey: input.idempotencyKey,
          offerId: offer.id,
          contractId: contract.id,
          leadId: offer.leadId,
          customerName: lead?.fullName ?? '',
          customerPhone: lead?.phoneE164 ?? null,
          locale: offer.locale,
          lines: totals.lines.map(({ description, quantityMilli, unitPriceAgorot, discountAgorot, netAgorot }) => ({ description, quantityMilli, unitPriceAgorot, discountAgorot, netAgorot })),
          vatRateBps: totals.vatRateBps,
          netAgorot: totals.netAgorot,
          vatAgorot: totals.vatAgorot,
          totalAgorot: totals.totalAgorot,
        });
        await setOfferStatus(offer.id, 'invoiced', ['sent', 'signed']);
        return { invoiceId: invoice.id, number: invoice.number, totalAgorot: invoice.totalAgorot, created };
      });
    },

    /** Opens a card checkout for the invoice when a card provider is configured; null otherwise. */
    async createCardCheckout(input: { businessId: string; invoiceId: string; idempotencyKey: string }): Promise<{ url: string; reference: string } | null> {
      const { card, webhookBaseUrl } = config();
      if (!card) return null;
      const invoice = await tenant(input.businessId, () => findInvoice(input.invoiceId));
      if (!invoice) throw notFound('invoice');
      const remaining = invoice.totalAgorot - (await tenant(input.businessId, () => paidAgorotOf(invoice.id)));
      if (remaining <= 0) return null;
      return card.createCheckout({
        businessId: input.businessId,
        invoiceId: invoice.id,
        amountAgorot: remaining,
        description: `Invoice ${invoice.number}`,
        idempotencyKey: input.idempotencyKey,
        notifyUrl: `${webhookBaseUrl.replace(/\/+$/, '')}/api/v1/billing/webhooks/card/${input.businessId}`,
      });
    },

    /** The receipt of a recorded payment (once per payment); marks the offer paid when the invoice is covered. */
    async issuePaymentReceipt(input: { businessId: string; paymentId: string }): Promise<IssuedReceipt> {
      return tenant(input.businessId, async () => {
        const payment = await findPayment(input.paymentId);
        if (!payment) throw notFound('payment');
        const { receipt } = await issueReceipt(payment.id);
        const invoice = (await findInvoice(payment.invoiceId))!;
        const paidAgorot = await paidAgorotOf(invoice.id);
        if (paidAgorot >= invoice.totalAgorot && invoice.offerId) await setOfferStatus(invoice.offerId, 'paid', ['invoiced']);
        return { receiptId: receipt.id, number: receipt.number, amountAgorot: receipt.amountAgorot, paidAgorot, totalAgorot: invoice.totalAgorot };
      });
    },

    /** Payments of the invoice still without a receipt (recorded while the deal's signal was lost). */
    async unreceiptedPayments(input: { businessId: string; invoiceId: string }): Promise<string[]> {
      return tenant(input.businessId, () => unreceiptedPaymentIds(input.invoiceId));
    },

    /** The signed contract as PDF (with the signature block), stored once beside the contract. */
    async renderSignedContract(input: { businessId: string; contractId: string }): Promise<{ pdfHash: string }> {
      const source = await tenant(input.businessId, async () => {
        const contract = await findContract(input.contractId);
        if (!contract) throw notFound('contract');
        const signature = await signatureOf(contract.id);
        const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
        return { contract, signature, business: { name: business.name, timezone: business.timezone } };
      });
      if (source.contract.signedPdfHash) return { pdfHash: source.contract.signedPdfHash };
      if (!source.signature || source.contract.status !== 'signed') throw ApplicationFailure.nonRetryable('the contract is not signed', 'ContractNotSigned');
      const html = contractHtml(source.contract, source.business, {
        signerName: source.signature.signerName,
        signaturePng: source.signature.png,
        signedAt: source.signature.signedAt,
        signerIp: source.signature.signerIp,
        documentHash: source.contract.documentHash,
        consentText: source.contract.consentText ?? '',
      });
      const pdf = await config().pdf.render(html);
      const pdfHash = sha256Hex(pdf);
      await tenant(input.businessId, () => storeSignedPdf(input.contractId, pdf, pdfHash));
      return { pdfHash };
    },

    /** Customer and owner messages of a deal, with amounts formatted in the business's language. */
    async sendDealMessage(input: {
      businessId: string;
      idempotencyKey: string;
      kind: 'contract_expired' | 'contract_cancelled' | 'invoice_issued' | 'receipt_issued' | 'owner_contract_signed' | 'owner_payment_received';
      offerId: string;
      amountAgorot?: number;
      documentNumber?: number;
      link?: string | null;
      /** The invoice or receipt the customer's email carries as PDF. */
      attach?: { type: 'invoice' | 'receipt'; documentId: string };
    }): Promise<{ sent: boolean }> {
      const context = await tenant(input.businessId, async () => {
        const offer = await findOffer(input.offerId);
        const lead = offer ? await Lead.findByPk(offer.leadId) : null;
        const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
        return { offer, lead, business };
      });
      if (!context.offer || !context.lead) throw notFound('offer');
      const toOwner = input.kind.startsWith('owner_');
      if (!toOwner && !context.lead.phoneE164 && !(context.lead.email && deps.email)) return { sent: false };
      const message: SendNotificationInput = {
        businessId: input.businessId,
        idempotencyKey: input.idempotencyKey,
        kind: input.kind,
        to: null,
        params: {
          businessName: context.business.name,
          customerName: context.lead.fullName,
          title: context.offer.title,
          amount: input.amountAgorot !== undefined ? formatAgorot(input.amountAgorot, context.business.locale) : undefined,
          documentNumber: input.documentNumber,
          link: input.link ?? undefined,
        },
        leadId: context.lead.id,
      };
      if (toOwner) await notifications.sendNotification(message);
      else await sendToCustomer(message, context.lead, input.attach);
      return { sent: true };
    },
  };
}
