import type { ChildProcess } from 'node:child_process';
import { PhoneNumber } from '../../data';
import { killWorker, startWorkerProcess, writeWorkflowBundle } from '../../devtools/chaos/worker-process';
import { FakeTwilioRest } from '../../devtools/fakes/twilio-rest-fake';
import { workflowIds } from '../../temporal-config';
import { dealQuery, type DealView } from '../../workflows';
import { Client, createTestBusiness, startTestApi, type TestApi, type TestBusiness } from '../support/accounts';
import { offerFor, signContract, signingLinkIn } from '../support/billing-deal';
import { testEnv, withAdminClient } from '../support/infra';
import { waitFor } from '../support/wait';

/**
 * The production worker (workers/main.ts) as its own OS process, SIGKILLed between the signature
 * and the invoice: while its invoice transaction has taken invoice number 1 and waits (the test
 * holds a lock on the offer row the same transaction updates next). The process dies, PostgreSQL
 * rolls the transaction back, a restarted worker retries the activity: exactly one invoice,
 * number 1, and the next deal's invoice is number 2.
 */
describe('billing deal: the worker process is SIGKILLed between the signature and the invoice', () => {
  const twilio = new FakeTwilioRest('ACbillingcrash', 'billing-crash-token');
  let t: TestApi;
  let biz: TestBusiness;
  let owner: Client;
  let bundle: Awaited<ReturnType<typeof writeWorkflowBundle>>;
  let workerEnv: NodeJS.ProcessEnv;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    const [twilioUrl, written] = await Promise.all([twilio.start(), writeWorkflowBundle()]);
    bundle = written;
    t = await startTestApi({ billing: { signingTtlMs: 600_000, reminderOffsetsMs: [], cardWebhookSecret: null }, worker: { external: true } });
    biz = await createTestBusiness(t.db, 'Billing Crash Biz');
    // The SMS provider needs the business's number to send from.
    await t.db.withSystemScope('test fixture', () => PhoneNumber.create({ businessId: biz.id, e164: `+9723${String(Date.now()).slice(-7)}` }));
    owner = new Client(t.base);
    await owner.login(biz.users.owner.email);
    workerEnv = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: testEnv('TEST_DATABASE_URL'),
      TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
      TEMPORAL_TASK_QUEUE: t.temporal.taskQueue,
      WORKER_HEALTH_PORT: '0',
      WORKFLOW_BUNDLE_PATH: bundle.bundlePath,
      TWILIO_ACCOUNT_SID: 'ACbillingcrash',
      TWILIO_AUTH_TOKEN: 'billing-crash-token',
      TWILIO_API_BASE_URL: twilioUrl,
      PUBLIC_BASE_URL: 'http://crm.test',
      BILLING_SIGNING_SECRET: 'billing-crash-test-signing-secret',
    };
    worker = startWorkerProcess(workerEnv);
  }, 120_000);

  afterAll(async () => {
    if (worker) await killWorker(worker);
    await t?.close();
    await twilio.stop();
    bundle?.remove();
  });

  const dealView = (offerId: string) =>
    t.temporal.client.workflow
      .getHandle(workflowIds.billingDeal(biz.id, offerId))
      .query(dealQuery)
      .catch(() => null as DealView | null);

  async function send(offerId: string, phone: string) {
    expect((await owner.request('POST', `/billing/offers/${offerId}/send`)).status).toBe(202);
    const link = await waitFor(() => signingLinkIn(twilio.sentTo(phone).map((m) => m.body)), (found) => found !== null, 60_000);
    expect(link).not.toBeNull();
    return link!;
  }

  const invoiceNumbers = () =>
    withAdminClient(async (admin) => (await admin.query<{ number: number; offer_id: string }>('SELECT number, offer_id FROM invoices WHERE business_id = $1 ORDER BY number', [biz.id])).rows);

  it('issues exactly one invoice after the restart, and the numbering stays gapless', async () => {
    const first = await offerFor(owner);
    const link = await send(first.offerId, first.phone);
    await withAdminClient(async (admin) => {
      // Signing does not touch the offer; the invoice transaction does, after it has taken its number and inserted the invoice.
      await admin.query('BEGIN');
      // NO KEY UPDATE: the invoice's foreign key to the offer passes, the offer's status update waits.
      await admin.query('SELECT id FROM offers WHERE id = $1 FOR NO KEY UPDATE', [first.offerId]);
      expect((await signContract(t.base, link.contractId, link.token)).status).toBe(200);
      // The worker's invoice transaction has taken its number and inserted the invoice; it now waits on the offer row.
      // Polled from another connection: inside this transaction pg_stat_activity would stay one snapshot.
      const waiting = await waitFor(
        () =>
          withAdminClient(async (observer) => {
            const rows = await observer.query<{ query: string }>(
              "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND usename <> current_user AND query LIKE 'UPDATE offers SET status%'",
            );
            return rows.rows.length;
          }),
        (n) => n === 1,
        60_000,
      );
      expect(waiting).toBe(1);
      await killWorker(worker!);
      worker = null;
      await admin.query('ROLLBACK');
    }, testEnv('TEST_DATABASE_ADMIN_URL'));

    // The dead worker's transaction is gone with its connection: nothing committed, no number used.
    const stillOpen = await waitFor(
      () => withAdminClient(async (admin) => (await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'UPDATE offers SET status%' AND state <> 'idle'")).rows[0]!.n),
      (n) => n === 0,
      30_000,
    );
    expect(stillOpen).toBe(0);
    expect(await invoiceNumbers()).toEqual([]);
    const counter = await withAdminClient((admin) => admin.query<{ last_number: number }>("SELECT last_number FROM billing_counters WHERE business_id = $1 AND series = 'invoice'", [biz.id]));
    expect(counter.rows[0]?.last_number ?? 0).toBe(0);

    worker = startWorkerProcess(workerEnv);
    // The activity is retried once its start-to-close timeout (1 minute) passes for the dead attempt.
    const invoiced = await waitFor(() => dealView(first.offerId), (view) => view?.status === 'invoiced', 150_000);
    expect(invoiced).toMatchObject({ status: 'invoiced', invoiceNumber: 1, totalAgorot: 171_100 });
    expect(await invoiceNumbers()).toEqual([{ number: 1, offer_id: first.offerId }]);
    const invoiceMessages = await waitFor(() => twilio.sentTo(first.phone).filter((m) => m.body.includes("חשבונית מס' 1")), (sent) => sent.length > 0, 60_000);
    expect(invoiceMessages).toHaveLength(1);

    const second = await offerFor(owner, 'הצעה שנייה');
    const secondLink = await send(second.offerId, second.phone);
    expect((await signContract(t.base, secondLink.contractId, secondLink.token)).status).toBe(200);
    expect(await waitFor(() => dealView(second.offerId), (view) => view?.status === 'invoiced', 60_000)).toMatchObject({ invoiceNumber: 2 });
    expect(await invoiceNumbers()).toEqual([
      { number: 1, offer_id: first.offerId },
      { number: 2, offer_id: second.offerId },
    ]);
    // One invoice message per deal, whatever the crash.
    expect(twilio.sentTo(first.phone).filter((m) => m.body.includes('חשבונית')).length).toBe(1);
  }, 300_000);
});
