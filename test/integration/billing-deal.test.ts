import { QueryTypes } from 'sequelize';
import type { Activities } from '../../activities';
import { DEV_BILLING_DEPS } from '../../activities/billing';
import { recordPayment } from '../../data/billing';
import { FakeAllocationProvider } from '../../devtools/fakes/allocation-fake';
import { FakeCardPayments } from '../../devtools/fakes/card-payments-fake';
import { HttpCardPaymentProvider } from '../../platform/payments/card-provider';
import { ChromiumPdfRenderer } from '../../platform/pdf/renderer';
import { workflowIds } from '../../temporal-config';
import { dealQuery, type DealView } from '../../workflows';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';
import { tablesHolding } from '../support/billing';
import { offerFor, RecordingMessages, SIGNATURE_PNG, signContract, signingLinkIn } from '../support/billing-deal';
import { waitFor } from '../support/wait';

/**
 * The deal from offer to receipt on the real PostgreSQL, Temporal and worker, with the card
 * provider's local fake; signing links read from the messages the customer would get.
 */
const WEBHOOK_SECRET = 'test-card-webhook-secret-0123456789';
const CHROMIUM = process.env.PDF_CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Fixture {
  t: TestApi;
  biz: TestBusiness;
  owner: Client;
  messages: RecordingMessages;
}

async function setUp(options: { ttlMs: number; remindersMs: number[]; cardUrl?: string; allocation?: FakeAllocationProvider; wrap?: (a: Activities) => Activities }): Promise<Fixture> {
  const messages = new RecordingMessages();
  const billing = {
    ...DEV_BILLING_DEPS(),
    publicBaseUrl: 'http://crm.test',
    webhookBaseUrl: 'http://set-below',
    pdf: new ChromiumPdfRenderer(CHROMIUM),
    card: options.cardUrl ? new HttpCardPaymentProvider(options.cardUrl, 'test-card-key') : null,
    allocation: options.allocation ?? null,
    // The test offers are 1,450.00 ₪ before VAT: above this threshold.
    allocationThresholdAgorot: 100_000,
  };
  const t = await startTestApi({
    messages,
    billing: { signingTtlMs: options.ttlMs, reminderOffsetsMs: options.remindersMs, cardWebhookSecret: WEBHOOK_SECRET, paymentCheckMs: 2_000 },
    worker: {
      billing,
      wrapActivities: options.wrap,
    },
  });
  // The card provider posts to the API under test (its port is known only now).
  billing.webhookBaseUrl = t.base.replace(/\/api\/v1$/, '');
  const close = t.close;
  t.close = async () => {
    await close();
    await billing.pdf.close();
  };
  const biz = await createTestBusiness(t.db, 'Billing Deal Biz');
  const owner = new Client(t.base);
  await owner.login(biz.users.owner.email);
  return { t, biz, owner, messages };
}

async function linkFor(f: Fixture, phone: string): Promise<{ contractId: string; token: string }> {
  return (await waitFor(() => signingLinkIn(f.messages.to(phone).map((m) => m.body)), (link) => link !== null, 60_000))!;
}

const deal = (f: Fixture, offerId: string) => f.t.temporal.client.workflow.getHandle(workflowIds.billingDeal(f.biz.id, offerId));
const dealView = (f: Fixture, offerId: string) => deal(f, offerId).query(dealQuery).catch(() => null as DealView | null);

const sign = (f: Fixture, contractId: string, token: string) => signContract(f.t.base, contractId, token);

describe('billing deal: offer → contract → signature → invoice → card payment → receipt', () => {
  let f: Fixture;
  const card = new FakeCardPayments('test-card-key', WEBHOOK_SECRET);
  const allocation = new FakeAllocationProvider();

  beforeAll(async () => {
    const cardUrl = await card.start();
    f = await setUp({ ttlMs: 30_000, remindersMs: [3_000], cardUrl, allocation });
  });
  afterAll(async () => {
    await f.t.close();
    await card.stop();
  });

  it('runs the whole path, refuses the used link, and takes a replayed webhook once and a forged one never', async () => {
    const badTaxId = await f.owner.request<{ error: { fields: Record<string, string[]> } }>('PUT', '/billing/tax-identity', { taxId: '515555554', dealerType: 'company', billingAddress: null });
    expect(badTaxId.status).toBe(400);
    expect(Object.keys(badTaxId.body.error.fields)).toEqual(['taxId']);
    const identity = await f.owner.request('PUT', '/billing/tax-identity', { taxId: '51-555555-5', dealerType: 'company', billingAddress: 'הרצל 10, תל אביב' });
    expect(identity).toMatchObject({ status: 200, body: { taxIdentity: { taxId: '515555555', dealerType: 'company' } } });
    allocation.failuresLeft = 1;
    const { offerId, phone } = await offerFor(f.owner);
    const sent = await f.owner.request<{ workflowId: string }>('POST', `/billing/offers/${offerId}/send`);
    expect(sent.status).toBe(202);
    expect((await f.owner.request('POST', `/billing/offers/${offerId}/send`)).status).toBe(409);

    const { contractId, token } = await linkFor(f, phone);
    const tokenHashes = await f.t.db.withTenant({ businessId: f.biz.id }, (transaction) =>
      f.t.db.sequelize.query<{ signing_token_hash: string }>('SELECT signing_token_hash FROM contracts WHERE id = :id', { replacements: { id: contractId }, type: QueryTypes.SELECT, transaction }),
    );
    expect(tokenHashes[0]!.signing_token_hash).not.toContain(token);
    expect((await new Client(f.t.base).get(`/billing/signing/${contractId}?token=${'A'.repeat(43)}`)).status).toBe(404);

    const signed = await sign(f, contractId, token);
    expect(signed.status).toBe(200);
    // The link is single use.
    const anonymous = new Client(f.t.base);
    anonymous.language = 'en';
    const reopened = await anonymous.get<{ error: { code: string; message: string } }>(`/billing/signing/${contractId}?token=${token}`);
    expect(reopened.status).toBe(409);
    expect(reopened.body.error).toMatchObject({ code: 'signing_already_signed', message: expect.stringMatching(/already signed/) });

    const invoiced = await waitFor(() => dealView(f, offerId), (view) => view?.status === 'invoiced' && view.cardCheckoutUrl !== null, 60_000);
    expect(invoiced).toMatchObject({ status: 'invoiced', invoiceNumber: 1, totalAgorot: 171_100, allocationMissing: false });
    // The allocation service failed once; the retry got the number, which the invoice keeps.
    expect(allocation.requests.map((r) => [r.issuerTaxId, r.invoiceNumber, r.netAgorot])).toEqual([
      ['515555555', 1, 145_000],
      ['515555555', 1, 145_000],
    ]);
    expect(invoiced!.allocationNumber).toMatch(/^[0-9]{9}$/);
    const listed = await f.owner.get<{ invoices: Array<{ id: string; allocationNumber: string; issuer: { taxId: string } }> }>('/billing/invoices');
    expect(listed.body.invoices.find((i) => i.id === invoiced!.invoiceId)).toMatchObject({ allocationNumber: invoiced!.allocationNumber, issuer: { taxId: '515555555' } });
    const checkoutId = /\/pay\/(chk_[0-9a-f]+)/.exec(invoiced!.cardCheckoutUrl!)![1]!;
    expect(card.checkouts.get(checkoutId)!.notifyUrl).toBe(`${f.t.base}/billing/webhooks/card/${f.biz.id}`);
    expect(card.checkouts.get(checkoutId)!.amount).toBe(171_100);
    const invoiceMessage = await waitFor(() => f.messages.to(phone), (list) => list.some((m) => m.body.includes('חשבונית')), 30_000);
    expect(invoiceMessage.some((m) => m.body.includes('חשבונית מס\' 1') && m.body.includes(invoiced!.cardCheckoutUrl!))).toBe(true);

    const forged = await card.complete(checkoutId).then(async (first) => {
      expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
      return card.deliver(first.eventId, { secret: 'not-the-secret' });
    });
    expect(forged.status).toBe(403);
    const replay = await card.deliver(forged.eventId);
    expect(replay).toMatchObject({ status: 200, body: { duplicate: true } });

    const paid = await waitFor(() => dealView(f, offerId), (view) => view?.status === 'paid', 60_000);
    expect(paid).toMatchObject({ status: 'paid', paidAgorot: 171_100, receiptNumbers: [1] });
    expect(await deal(f, offerId).result()).toMatchObject({ status: 'paid' });

    const payments = await f.owner.get<{ payments: Array<{ method: string }> }>('/billing/payments');
    expect(payments.body.payments).toHaveLength(1);
    const receipts = await f.owner.get<{ receipts: Array<{ number: number; amountAgorot: number }> }>('/billing/receipts');
    expect(receipts.body.receipts).toEqual([expect.objectContaining({ number: 1, amountAgorot: 171_100 })]);
    const offer = await f.owner.get<{ offer: { status: string }; contract: { status: string; hasSignedPdf: boolean } }>(`/billing/offers/${offerId}`);
    expect(offer.body).toMatchObject({ offer: { status: 'paid' }, contract: { status: 'signed', hasSignedPdf: true } });
    const pdf = await fetch(`${f.t.base}/billing/contracts/${contractId}/pdf`, { headers: { cookie: f.owner.cookie! } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const receiptId = (await f.owner.get<{ receipts: Array<{ id: string }> }>('/billing/receipts')).body.receipts[0]!.id;
    for (const documentPath of [`/billing/invoices/${invoiced!.invoiceId}/pdf`, `/billing/receipts/${receiptId}/pdf`]) {
      const document = await fetch(`${f.t.base}${documentPath}`, { headers: { cookie: f.owner.cookie! } });
      expect(document.status).toBe(200);
      expect(document.headers.get('content-type')).toBe('application/pdf');
      expect(Buffer.from(await document.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }
    expect((await waitFor(() => f.messages.to(phone), (list) => list.some((m) => m.body.includes('קבלה')), 30_000)).length).toBeGreaterThan(0);

    // The token went out in the text only: no row of any table holds it, nor the deal's history;
    // the stored notification keeps the page's address without it.
    expect(await tablesHolding(token)).toEqual({});
    const history = JSON.stringify(await deal(f, offerId).fetchHistory());
    expect(history).not.toContain(token);
    const stored = await f.t.db.withTenant({ businessId: f.biz.id }, (transaction) =>
      f.t.db.sequelize.query<{ body: string }>("SELECT body FROM notifications WHERE kind = 'contract_signing' AND lead_id = (SELECT lead_id FROM offers WHERE id = :offerId)", {
        replacements: { offerId },
        type: QueryTypes.SELECT,
        transaction,
      }),
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body).toContain(`http://crm.test/sign/${contractId}`);
    expect(stored[0]!.body).not.toContain('token=');
  }, 180_000);

  it('reminds while unsigned, then expires the link; an expired link is refused with a clear message', async () => {
    const { offerId, phone } = await offerFor(f.owner, 'הצעה שתפוג');
    expect((await f.owner.request('POST', `/billing/offers/${offerId}/send`)).status).toBe(202);
    const { contractId, token } = await linkFor(f, phone);
    await waitFor(() => f.messages.to(phone), (list) => list.some((m) => m.body.startsWith('תזכורת')), 60_000);
    const expired = await waitFor(() => dealView(f, offerId), (view) => view?.status === 'expired', 90_000);
    expect(expired).toMatchObject({ status: 'expired', remindersSent: 1 });
    const anonymous = new Client(f.t.base);
    const refused = await anonymous.get<{ error: { code: string; messages: { he: string } } }>(`/billing/signing/${contractId}?token=${token}`);
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('signing_expired');
    expect(refused.body.error.messages.he).toMatch(/פג/);
    expect((await anonymous.request('POST', `/billing/signing/${contractId}`, { token, typedName: 'דנה כהן', signaturePng: SIGNATURE_PNG, consent: true, documentHash: 'a'.repeat(64) })).status).toBe(410);
    expect((await f.owner.get<{ offer: { status: string } }>(`/billing/offers/${offerId}`)).body.offer.status).toBe('expired');
  }, 180_000);

  it('lets the owner cancel an unsigned deal (the link stops working) but not a signed one; manual payment gets a receipt', async () => {
    const first = await offerFor(f.owner, 'הצעה לביטול');
    await f.owner.request('POST', `/billing/offers/${first.offerId}/send`);
    const cancelledLink = await linkFor(f, first.phone);
    const cancelled = await f.owner.request<{ status: string }>('POST', `/billing/offers/${first.offerId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await new Client(f.t.base).get(`/billing/signing/${cancelledLink.contractId}?token=${cancelledLink.token}`)).status).toBe(410);

    const second = await offerFor(f.owner, 'הצעה במזומן');
    await f.owner.request('POST', `/billing/offers/${second.offerId}/send`);
    const link = await linkFor(f, second.phone);
    expect((await sign(f, link.contractId, link.token)).status).toBe(200);
    const invoiced = await waitFor(() => dealView(f, second.offerId), (view) => view?.status === 'invoiced', 60_000);
    expect((await f.owner.request('POST', `/billing/offers/${second.offerId}/cancel`)).status).toBe(409);
    const paid = await f.owner.request('POST', `/billing/invoices/${invoiced!.invoiceId}/payments`, { method: 'cash' }, { 'idempotency-key': 'cash-payment-0001' });
    expect(paid.status).toBe(201);
    // The same click again records nothing new; a further payment on a paid invoice is refused.
    const again = await f.owner.request<{ payment: { id: string } }>('POST', `/billing/invoices/${invoiced!.invoiceId}/payments`, { method: 'cash' }, { 'idempotency-key': 'cash-payment-0001' });
    expect(again.status).toBe(200);
    expect(again.body.payment.id).toBe((paid.body as { payment: { id: string } }).payment.id);
    expect((await f.owner.request('POST', `/billing/invoices/${invoiced!.invoiceId}/payments`, { method: 'transfer' })).status).toBe(409);
    expect(await waitFor(() => dealView(f, second.offerId), (view) => view?.status === 'paid', 60_000)).toMatchObject({ status: 'paid', receiptNumbers: [2] });
    // Agents see no billing at all.
    const agent = new Client(f.t.base);
    await agent.login(f.biz.users.agent.email);
    expect((await agent.get('/billing/invoices')).status).toBe(403);
  }, 180_000);
});

describe('billing deal: the invoice activity fails after its invoice committed (its answer is lost)', () => {
  let f: Fixture;
  let failuresLeft = 1;

  beforeAll(async () => {
    f = await setUp({
      ttlMs: 60_000,
      remindersMs: [],
      // The first issue commits its invoice, then the activity "crashes" before answering.
      wrap: (activities) => ({
        ...activities,
        issueDealInvoice: async (input) => {
          const issued = await activities.issueDealInvoice(input);
          if (failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('worker crashed after the invoice was committed');
          }
          return issued;
        },
      }),
    });
  });
  afterAll(async () => {
    await f.t.close();
  });

  it('still issues exactly one invoice, numbered without a gap', async () => {
    const { offerId, phone } = await offerFor(f.owner);
    await f.owner.request('POST', `/billing/offers/${offerId}/send`);
    const { contractId, token } = await linkFor(f, phone);
    expect((await sign(f, contractId, token)).status).toBe(200);
    const view = await waitFor(() => dealView(f, offerId), (v) => v?.status === 'invoiced', 90_000);
    expect(failuresLeft).toBe(0);
    expect(view).toMatchObject({ status: 'invoiced', invoiceNumber: 1 });
    const invoices = await f.owner.get<{ invoices: Array<{ number: number; offerId: string }> }>('/billing/invoices');
    expect(invoices.body.invoices.map((i) => [i.number, i.offerId])).toEqual([[1, offerId]]);

    // A payment recorded while the deal could not be signalled (Temporal unreachable) is found in the database.
    await f.t.db.withTenant({ businessId: f.biz.id }, () =>
      recordPayment({ invoiceId: view!.invoiceId!, provider: 'manual', method: 'transfer', amountAgorot: view!.totalAgorot!, idempotencyKey: 'lost-signal-payment' }),
    );
    expect(await waitFor(() => dealView(f, offerId), (v) => v?.status === 'paid', 60_000)).toMatchObject({ status: 'paid', receiptNumbers: [1] });
  }, 180_000);
});
