import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { signCardWebhook, type CardWebhookEvent } from '../../platform/payments/card-provider';

/**
 * A local card payment provider speaking the protocol HttpCardPaymentProvider uses:
 * POST /v1/checkouts (Bearer key, Idempotency-Key → the same checkout), a hosted page at
 * /pay/<id>, and on payment a webhook to the checkout's notifyUrl signed with the shared secret
 * (X-Card-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body">). Tests drive it with complete() and
 * redeliver(); by hand, open the page and press "Pay".
 *
 *   npx tsx devtools/fakes/card-payments-fake.ts [port] [api key] [webhook secret]
 *   (then BILLING_CARD_API_URL=http://127.0.0.1:<port>, BILLING_CARD_API_KEY, BILLING_CARD_WEBHOOK_SECRET to match)
 */
export interface FakeCheckout {
  id: string;
  amount: number;
  currency: string;
  description: string;
  notifyUrl: string;
  metadata: { businessId: string; invoiceId: string };
  paid: boolean;
}

export interface Delivery {
  eventId: string;
  status: number;
  body: unknown;
}

export class FakeCardPayments {
  readonly checkouts = new Map<string, FakeCheckout>();
  readonly events = new Map<string, { event: CardWebhookEvent; notifyUrl: string }>();
  private readonly byIdempotencyKey = new Map<string, string>();
  private server: http.Server | null = null;
  private base = '';

  constructor(
    private readonly apiKey: string,
    private readonly webhookSecret: string,
  ) {}

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.base = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The customer pays the checkout: the provider posts the signed webhook and reports the answer. */
  async complete(checkoutId: string): Promise<Delivery> {
    const checkout = this.checkouts.get(checkoutId);
    if (!checkout) throw new Error(`no checkout ${checkoutId}`);
    checkout.paid = true;
    const event: CardWebhookEvent = {
      id: `evt_${randomBytes(8).toString('hex')}`,
      type: 'checkout.completed',
      data: { checkoutId, invoiceId: checkout.metadata.invoiceId, amount: checkout.amount, currency: 'ILS' },
    };
    this.events.set(event.id, { event, notifyUrl: checkout.notifyUrl });
    return this.deliver(event.id);
  }

  /** Sends an event again, byte for byte re-signed now (what a provider's retry does). */
  async deliver(eventId: string, options: { secret?: string } = {}): Promise<Delivery> {
    const stored = this.events.get(eventId);
    if (!stored) throw new Error(`no event ${eventId}`);
    const body = JSON.stringify(stored.event);
    const signature = signCardWebhook(options.secret ?? this.webhookSecret, body, Math.floor(Date.now() / 1000));
    const response = await fetch(stored.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-card-signature': signature }, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { eventId, status: response.status, body: parsed };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/v1/checkouts') {
      if (req.headers.authorization !== `Bearer ${this.apiKey}`) return json(res, 401, { error: 'invalid api key' });
      const key = String(req.headers['idempotency-key'] ?? '');
      const existing = key ? this.byIdempotencyKey.get(key) : undefined;
      if (existing) return json(res, 200, this.answer(this.checkouts.get(existing)!));
      let input: Partial<FakeCheckout>;
      try {
        input = JSON.parse(body) as Partial<FakeCheckout>;
      } catch {
        return json(res, 400, { error: 'invalid json' });
      }
      if (!Number.isInteger(input.amount) || (input.amount ?? 0) <= 0 || input.currency !== 'ILS' || !input.notifyUrl || !input.metadata?.invoiceId) {
        return json(res, 400, { error: 'amount, currency ILS, notifyUrl and metadata.invoiceId are required' });
      }
      const checkout: FakeCheckout = {
        id: `chk_${randomBytes(8).toString('hex')}`,
        amount: input.amount!,
        currency: 'ILS',
        description: String(input.description ?? ''),
        notifyUrl: input.notifyUrl,
        metadata: input.metadata,
        paid: false,
      };
      this.checkouts.set(checkout.id, checkout);
      if (key) this.byIdempotencyKey.set(key, checkout.id);
      return json(res, 201, this.answer(checkout));
    }
    const page = /^\/pay\/(chk_[0-9a-f]+)$/.exec(url.pathname);
    const checkout = page ? this.checkouts.get(page[1]!) : undefined;
    if (page && checkout && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><h1>Fake card payment</h1><p>${(checkout.amount / 100).toFixed(2)} ILS</p>` +
        (checkout.paid ? '<p>Paid.</p>' : `<form method="post"><button>Pay</button></form>`));
      return;
    }
    if (page && checkout && req.method === 'POST') {
      const delivery = await this.complete(checkout.id);
      return json(res, 200, delivery);
    }
    json(res, 404, { error: 'not found' });
  }

  private answer(checkout: FakeCheckout) {
    return { id: checkout.id, url: `${this.base}/pay/${checkout.id}`, amount: checkout.amount, currency: checkout.currency };
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

if (require.main === module) {
  const fake = new FakeCardPayments(process.argv[3] ?? 'fake-card-key', process.argv[4] ?? 'fake-card-webhook-secret');
  void fake.start(Number(process.argv[2] ?? 8766)).then((url) => console.log(`fake card payments on ${url}`));
}
