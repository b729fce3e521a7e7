import { QueryTypes } from 'sequelize';
import { DEV_BILLING_DEPS } from '../../activities/billing';
import { FakeSmtpServer } from '../../devtools/fakes/smtp-fake';
import { SmtpEmailProvider } from '../../platform/messaging';
import { ChromiumPdfRenderer } from '../../platform/pdf/renderer';
import { workflowIds } from '../../temporal-config';
import { dealQuery, type DealView } from '../../workflows';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';
import { tablesHolding } from '../support/billing';
import { RecordingMessages, signContract, signingLinkIn } from '../support/billing-deal';
import { waitFor } from '../support/wait';

/**
 * The deal's emails through the production SMTP provider to the local fake SMTP server: the
 * contract to sign (PDF attached, the link with its token only in the sent text), the invoice and
 * the receipt with their PDFs; a server that refuses once for a while (451) still gets each
 * message once, and no stored row holds the token.
 */
describe('billing deal by email', () => {
  const smtp = new FakeSmtpServer('billing-mailer', 'smtp-secret');
  const texts = new RecordingMessages();
  let t: TestApi;
  let biz: TestBusiness;
  let owner: Client;
  let email: SmtpEmailProvider;
  const billing = { ...DEV_BILLING_DEPS(), publicBaseUrl: 'http://crm.test', pdf: new ChromiumPdfRenderer(process.env.PDF_CHROMIUM_PATH ?? '/usr/bin/chromium') };

  beforeAll(async () => {
    const smtpUrl = await smtp.start();
    email = new SmtpEmailProvider(smtpUrl, 'billing@studio.test');
    t = await startTestApi({
      messages: texts,
      billing: { signingTtlMs: 120_000, reminderOffsetsMs: [], cardWebhookSecret: null, paymentCheckMs: 2_000 },
      worker: { billing, extra: { email } },
    });
    biz = await createTestBusiness(t.db, 'Email Billing Biz');
    owner = new Client(t.base);
    await owner.login(biz.users.owner.email);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    email?.close();
    await billing.pdf.close();
    await smtp.stop();
  });

  it('emails the contract, the invoice and the receipt with their PDFs, each once', async () => {
    const address = `dana.${Date.now()}@customer.test`;
    const lead = await owner.request<{ lead: { id: string } }>('POST', '/leads', { fullName: 'דנה כהן', phone: '+972521234567', email: address });
    expect(lead.status).toBe(201);
    const offer = await owner.request<{ offer: { id: string } }>('POST', '/billing/offers', {
      leadId: lead.body.lead.id,
      title: 'חבילת מיתוג',
      lines: [{ description: 'עיצוב לוגו', quantity: 1, unitPriceAgorot: 100_000 }],
    });
    expect(offer.status).toBe(201);
    const offerId = offer.body.offer.id;
    // The mail server is unavailable for the first try: the activity retries, one message arrives.
    smtp.refuseNext(1, 451);
    expect((await owner.request('POST', `/billing/offers/${offerId}/send`)).status).toBe(202);

    const signingMails = await waitFor(() => smtp.to(address), (mails) => mails.length > 0, 60_000);
    expect(signingMails).toHaveLength(1);
    const signing = signingMails[0]!;
    expect(signing.from).toBe('billing@studio.test');
    expect(signing.subject).toBe('הסכם לחתימה: חבילת מיתוג — Email Billing Biz');
    expect(signing.attachments.map((a) => [a.filename, a.contentType, a.content.subarray(0, 5).toString()])).toEqual([['contract.pdf', 'application/pdf', '%PDF-']]);
    const link = signingLinkIn([signing.text]);
    expect(link).not.toBeNull();
    // The text message carries the same link.
    expect(signingLinkIn(texts.sent.map((m) => m.body))).toEqual(link);

    expect((await signContract(t.base, link!.contractId, link!.token)).status).toBe(200);
    const handle = t.temporal.client.workflow.getHandle(workflowIds.billingDeal(biz.id, offerId));
    const invoiced = await waitFor(() => handle.query(dealQuery).catch(() => null as DealView | null), (view) => view?.status === 'invoiced', 60_000);
    expect(invoiced?.status).toBe('invoiced');
    const invoiceMail = await waitFor(() => smtp.to(address).filter((m) => m.subject.startsWith('חשבונית')), (mails) => mails.length > 0, 60_000);
    expect(invoiceMail.map((m) => [m.subject, m.attachments.map((a) => a.contentType)])).toEqual([[`חשבונית מס' ${invoiced!.invoiceNumber} מEmail Billing Biz`, ['application/pdf']]]);
    expect(invoiceMail[0]!.attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');

    expect((await owner.request('POST', `/billing/invoices/${invoiced!.invoiceId}/payments`, { method: 'transfer' })).status).toBe(201);
    const receiptMail = await waitFor(() => smtp.to(address).filter((m) => m.subject.startsWith('קבלה')), (mails) => mails.length > 0, 60_000);
    expect(receiptMail).toHaveLength(1);
    expect(receiptMail[0]!.text).toContain('קבלה מס');
    expect(receiptMail[0]!.attachments.map((a) => a.content.subarray(0, 5).toString())).toEqual(['%PDF-']);

    // Every email once (by Message-ID), each recorded as an email notification; the token nowhere at rest.
    await waitFor(() => handle.query(dealQuery), (view) => view.status === 'paid', 60_000);
    const all = smtp.to(address);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(all.length);
    expect(all.map((m) => m.subject.split(' ')[0])).toEqual(['הסכם', 'חשבונית', 'קבלה']);
    const rows = await t.db.withTenant({ businessId: biz.id }, (transaction) =>
      t.db.sequelize.query<{ kind: string; status: string; provider: string }>("SELECT kind, status, provider FROM notifications WHERE channel = 'email' ORDER BY created_at", { type: QueryTypes.SELECT, transaction }),
    );
    expect(rows).toEqual([
      { kind: 'contract_signing', status: 'sent', provider: 'smtp' },
      { kind: 'invoice_issued', status: 'sent', provider: 'smtp' },
      { kind: 'receipt_issued', status: 'sent', provider: 'smtp' },
    ]);
    expect(await tablesHolding(link!.token)).toEqual({});
  }, 240_000);
});
