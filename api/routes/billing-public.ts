import { z } from 'zod';
import type { Request } from 'express';
import { Business, type Database } from '../../data';
import {
  businessOfSigningToken,
  contractForToken,
  findInvoice,
  issueReceipt,
  recordPayment,
  rememberWebhookEvent,
  signContract,
  type SigningRefusal,
} from '../../data/billing';
import { CARD_SIGNATURE_HEADER, verifyCardWebhook } from '../../platform/payments/card-provider';
import { hashSigningToken } from '../../platform/payments/signing-token';
import { signalContractSigned, signalPaymentRecorded } from '../../orchestration';
import { requestLanguage } from '../auth/context';
import { BILLING_MESSAGES as M, SIGNING_CONSENT, type BillingDeps } from './billing-deps';
import { LocalizedHttpError, defineRoute, uuidParam, type AnyRoute } from './registry';
import type { LocalizedMessage } from '../../domain/policy';

const token = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A signing token is 43 characters of base64url');
const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Body of POST /billing/signing/:id; the public signing page validates with it too. */
export const signatureBody = z.strictObject({
  token,
  typedName: z.string().trim().min(2).max(200),
  signaturePng: z.string().max(700_000).regex(PNG_DATA_URL, 'A PNG image as a data: URL'),
  consent: z.literal(true),
  documentHash: z.string().regex(/^[0-9a-f]{64}$/),
});

const REFUSALS: Record<SigningRefusal, { status: number; messages: LocalizedMessage }> = {
  not_found: { status: 404, messages: M.linkInvalid },
  expired: { status: 410, messages: M.linkExpired },
  already_signed: { status: 409, messages: M.alreadySigned },
  cancelled: { status: 410, messages: M.contractCancelled },
  document_changed: { status: 409, messages: M.documentChanged },
};
const refuse = (reason: SigningRefusal) => new LocalizedHttpError(REFUSALS[reason].status, `signing_${reason}`, REFUSALS[reason].messages);

/** A drawn signature: a real PNG of sane dimensions. */
function decodeSignature(dataUrl: string): Buffer {
  const png = Buffer.from(PNG_DATA_URL.exec(dataUrl)![1]!, 'base64');
  const width = png.length >= 24 ? png.readUInt32BE(16) : 0;
  const height = png.length >= 24 ? png.readUInt32BE(20) : 0;
  if (!png.subarray(0, 8).equals(PNG_MAGIC) || png.subarray(12, 16).toString('latin1') !== 'IHDR' || width < 20 || height < 10 || width > 4000 || height > 4000) {
    throw new LocalizedHttpError(400, 'signature_invalid', M.badSignature);
  }
  return png;
}

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
  /** The business of a token, found in the audited system scope; the rest runs in that tenant. */
  const businessOf = async (contractId: string, tokenText: string) => {
    const tokenHash = hashSigningToken(tokenText);
    const businessId = await db.withSystemScope('public signing link: find the business of the token', () => businessOfSigningToken(contractId, tokenHash), { logLevel: 'debug' });
    if (!businessId) throw refuse('not_found');
    return { businessId, tokenHash };
  };

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
        const { businessId, tokenHash } = await businessOf(params.id, query.token);
        return db.withTenant({ businessId }, async () => {
          const found = await contractForToken(params.id, tokenHash, new Date());
          if ('refusal' in found) throw refuse(found.refusal);
          const business = await Business.findByPk(businessId, { rejectOnEmpty: true });
          const { contract } = found;
          return {
            body: {
              contract: {
                id: contract.id,
                title: contract.title,
                locale: contract.locale,
                businessName: business.name,
                bodyHtml: contract.bodyHtml,
                documentHash: contract.documentHash,
                expiresAt: contract.signingExpiresAt,
                consentText: SIGNING_CONSENT[contract.locale],
              },
            },
          };
        });
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
        const signaturePng = decodeSignature(body.signaturePng);
        const { businessId, tokenHash } = await businessOf(params.id, body.token);
        const signed = await db.withTenant({ businessId }, async () => {
          const opened = await contractForToken(params.id, tokenHash, new Date());
          if ('refusal' in opened) throw refuse(opened.refusal);
          const result = await signContract(
            params.id,
            tokenHash,
            {
              typedName: body.typedName,
              signaturePng,
              consentText: SIGNING_CONSENT[opened.contract.locale],
              ip: req.ip ?? null,
              userAgent: req.header('user-agent')?.slice(0, 500) ?? null,
              documentHash: body.documentHash,
            },
            new Date(),
          );
          if ('refusal' in result) throw refuse(result.refusal);
          return result.contract;
        });
        await signalContractSigned(deps.temporal, businessId, signed.offerId, signed.id);
        const thanks = { he: 'תודה! ההסכם נחתם.', en: 'Thank you! The agreement is signed.' };
        return { body: { status: 'signed', signedAt: signed.signedAt, message: thanks[requestLanguage(req)] } };
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
