import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The card payment provider's shape: a hosted checkout page per invoice, and signed webhooks when
 * it is paid. HttpCardPaymentProvider speaks a small, generic REST protocol (create a checkout with
 * an idempotency key and a per-transaction notify URL, as Israeli gateways do); the local fake in
 * devtools/fakes/card-payments-fake.ts implements the same protocol for development and tests.
 */
export interface CardCheckoutRequest {
  businessId: string;
  invoiceId: string;
  amountAgorot: number;
  description: string;
  /** Same key → same checkout at the provider (a retried activity opens one page). */
  idempotencyKey: string;
  /** Where the provider posts the signed webhook for this payment. */
  notifyUrl: string;
}

export interface CardCheckout {
  reference: string;
  url: string;
}

export interface CardPaymentProvider {
  readonly name: 'card';
  createCheckout(request: CardCheckoutRequest): Promise<CardCheckout>;
}

export class HttpCardPaymentProvider implements CardPaymentProvider {
  readonly name = 'card';

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async createCheckout(request: CardCheckoutRequest): Promise<CardCheckout> {
    const response = await this.fetchImpl(`${this.baseUrl.replace(/\/+$/, '')}/v1/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.apiKey}`, 'idempotency-key': request.idempotencyKey },
      body: JSON.stringify({
        amount: request.amountAgorot,
        currency: 'ILS',
        description: request.description,
        notifyUrl: request.notifyUrl,
        metadata: { businessId: request.businessId, invoiceId: request.invoiceId },
      }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`card provider refused the checkout: HTTP ${response.status}`);
    const body = (await response.json()) as { id?: unknown; url?: unknown };
    if (typeof body.id !== 'string' || typeof body.url !== 'string') throw new Error('card provider answered without a checkout id and url');
    return { reference: body.id, url: body.url };
  }
}

/** The event the provider posts when a checkout is paid. */
export interface CardWebhookEvent {
  id: string;
  type: 'checkout.completed';
  data: { checkoutId: string; invoiceId: string; amount: number; currency: 'ILS' };
}

export const CARD_SIGNATURE_HEADER = 'x-card-signature';
/** A signature older (or newer) than this is refused, so a captured delivery cannot be replayed forever. */
export const CARD_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signCardWebhook(secret: string, rawBody: string | Buffer, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(rawBody).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export function verifyCardWebhook(secret: string, header: string | undefined, rawBody: Buffer, nowMs: number): boolean {
  if (!header || !secret) return false;
  const parts = Object.fromEntries(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const given = parts.v1 ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(nowMs - t * 1000) > CARD_SIGNATURE_TOLERANCE_MS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
