import { z } from 'zod';
import type { Request } from 'express';
import type { Database } from '../../data';
import { findInvoice, issueReceipt, recordPayment, rememberWebhookEvent, type SigningRefusal } from '../../data/billing';
import { CARD_SIGNATURE_HEADER, verifyCardWebhook } from '../../platform/payments/card-provider';
import { SIGNATURE_DATA_URL_PATTERN, decodeSignaturePng, openSigningContract, signalPaymentRecorded, submitContractSignature } from '../../orchestration';
import { requestLanguage } from '../auth/context';
import { BILLING_MESSAGES as M, type BillingDeps } from './billing-deps';
import { LocalizedHttpError, defineRoute, uuidParam, type AnyRoute } from './registry';
import type { LocalizedMessage } from '../../domain/policy';

const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A signing token is 43 characters of base64url');

/** Body of POST /billing/signing/:id; the public signing page validates with it too. */
export const signatureBody = z.strictObject({
  token,
  typedName: z.string().trim().min(2).max(200),
  signaturePng: z.string().max(700_000).regex(SIGNATURE_DATA_URL_PATTERN, 'A PNG image as a data: URL'),
  consent: z.literal(true),
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const SIGNING_REFUSALS: Record<SigningRefusal, { status: number; messages: LocalizedMessage }> = {
  not_found: { status: 404, messages: M.linkInvalid },
  expired: { status: 410, messages: M.linkExpired },
  already_signed: { status: 409, messages: M.alreadySigned },
  cancelled: { status: 410, messages: M.contractCancelled },
  document_changed: { status: 409, messages: M.documentChanged },
};
const refuse = (reason: SigningRefusal) => new LocalizedHttpError(SIGNING_REFUSALS[reason].status, `signing_${reason}`, SIGNING_REFUSALS[reason].messages);

const cardEvent = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.literal('checkout.completed'),
  data: z.strictObject({
    checkoutId: z.string().min(1).max(200),
    invoiceId: z.uuid(),
    amount: z.number().int().positive().max(10_000_000_000),
    currency: z.literal('ILS'),
  }),
});

/** Public routes: the customer's signing page (by link token) and the card provider's webhook (by signature). */
export function billingPublicRoutes(db: Database, deps: BillingDeps): AnyRoute[] {
  return [
    defineRoute({
      id: 'billing.signing.get',
      method: 'get',
      path: '/billing/signing/:id',
      summary: 'The contract a signing link opens (public; the token is the key). Expired, used or cancelled links are refused',
      tag: 'billing',
      scope: 'public',
      params: uuidParam,
      query: z.strictObject({ token }),
      handler: async ({ params, query }) => {
        const opened = await openSigningContract(db, params.id, query.token);
        if (!opened.ok) throw refuse(opened.refusal);
        return { body: { contract: opened.value } };
      },
    }),
    defineRoute({
      id: 'billing.signing.sign',
      method: 'post',
      path: '/billing/signing/:id',
      summary: 'Sign the contract: drawn signature (PNG), typed name and consent; recorded with time, IP and the document hash. Works once',
      tag: 'billing',
      scope: 'public',
      params: uuidParam,
      body: signatureBody,
      handler: async ({ params, body, req }) => {
        const signaturePng = decodeSignaturePng(body.signaturePng);
        if (!signaturePng) throw new LocalizedHttpError(400, 'signature_invalid', M.badSignature);
        const signed = await submitContractSignature(db, deps.temporal, params.id, {
          token: body.token,
          typedName: body.typedName,
          signaturePng,
          documentHash: body.documentHash,
          ip: req.ip ?? null,
          userAgent: req.header('user-agent')?.slice(0, 500) ?? null,
        });
        if (!signed.ok) throw refuse(signed.refusal);
        const thanks = { he: 'תודה! ההסכם נחתם.', en: 'Thank you! The agreement is signed.' };
        return { body: { status: 'signed', signedAt: signed.value.signedAt, message: thanks[requestLanguage(req)] } };
      },
    }),
    defineRoute({
      id: 'billing.webhooks.card',
      method: 'post',
      path: '/billing/webhooks/card/:id',
      summary: "The card provider's signed payment webhook for a business (HMAC-SHA256 over the raw body); a replay is answered and ignored",
      tag: 'billing',
      scope: 'public',
      params: uuidParam,
      body: cardEvent,
      handler: async ({ params, body, req }) => {
        const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
        const secret = deps.billing.cardWebhookSecret;
        if (!secret || !verifyCardWebhook(secret, req.header(CARD_SIGNATURE_HEADER), raw, Date.now())) {
          throw new LocalizedHttpError(403, 'webhook_signature_invalid', M.webhookForged);
        }
        const businessId = params.id;
        const outcome = await db.withTenant({ businessId }, async () => {
          const invoice = await findInvoice(body.data.invoiceId);
          if (!invoice || invoice.series !== 'invoice') throw new LocalizedHttpError(404, 'not_found', M.invoiceNotFound);
          if (!(await rememberWebhookEvent('card', body.id, body))) return { duplicate: true as const, invoice, paymentId: null };
          const { payment, created } = await recordPayment({
            invoiceId: invoice.id,
            provider: 'card',
            method: 'card',
            amountAgorot: body.data.amount,
            idempotencyKey: `card/${body.data.checkoutId}`,
            providerReference: body.data.checkoutId,
          });
          return { duplicate: !created, invoice, paymentId: payment.id };
        });
        if (!outcome.duplicate && outcome.paymentId) {
          const paymentId = outcome.paymentId;
          const signalled = outcome.invoice.offerId ? await signalPaymentRecorded(deps.temporal, businessId, outcome.invoice.offerId, paymentId) : false;
          // No running deal to issue it: the receipt is issued here.
          if (!signalled) await db.withTenant({ businessId }, () => issueReceipt(paymentId));
        }
        return { body: { received: true, duplicate: outcome.duplicate } };
      },
    }),
  ];
}
