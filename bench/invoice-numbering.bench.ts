/**
 * Gapless invoice numbering: the cost of the per-business counter row that serialises issuers.
 *   (a) sequential issues, one at a time: latency of one issue (lock + key check + number + insert);
 *   (b) 200 issues from 20 concurrent writers in one business: throughput while they queue;
 *   (c) the same in 4 businesses at once: businesses do not queue on each other.
 * Checks the numbers come out 1..N with no gap in every case.
 */
import { Database, Lead } from '../data';
import { issueInvoice, listInvoices, type NewInvoice } from '../data/billing';
import { computeTotals } from '../domain/billing/money';
import { createLogger } from '../platform/logger';
import { formatTiming, measure, startBenchDatabase } from './support';

const SEQUENTIAL = 300;
const CONCURRENT_TOTAL = 200;
const WRITERS = 20;

export async function run(): Promise<{ sequentialP50Ms: number; concurrentPerSecond: number }> {
  const logger = createLogger('bench', 'warn');
  const database = await startBenchDatabase();
  const app = new Database({ url: database.appUrl, logger, poolMax: WRITERS * 4 + 2 });
  try {
    const businesses: Array<{ id: string; leadId: string }> = [];
    for (const name of ['Numbers A', 'Numbers B', 'Numbers C', 'Numbers D', 'Numbers E']) {
      const id = await app.withSystemScope('bench fixture', async () => {
        const [rows] = await app.sequelize.query('INSERT INTO businesses (name) VALUES (:name) RETURNING id', { replacements: { name } });
        return (rows as Array<{ id: string }>)[0]!.id;
      });
      const lead = await app.withTenant({ businessId: id }, () => Lead.create({ businessId: id, fullName: 'לקוח', source: 'api' }));
      businesses.push({ id, leadId: lead.id });
    }
    const totals = computeTotals([{ description: 'שירות', quantity: 1, unitPriceAgorot: 10_000 }]);
    let key = 0;
    const input = (leadId: string): NewInvoice => ({
      idempotencyKey: `bench-${(key += 1)}`,
      offerId: null,
      contractId: null,
      leadId,
      customerName: 'לקוח',
      customerPhone: null,
      locale: 'he',
      lines: totals.lines,
      vatRateBps: totals.vatRateBps,
      netAgorot: totals.netAgorot,
      vatAgorot: totals.vatAgorot,
      totalAgorot: totals.totalAgorot,
    });
    const issue = (business: { id: string; leadId: string }) => app.withTenant({ businessId: business.id }, () => issueInvoice(input(business.leadId)));

    const [first, ...others] = businesses;
    const sequential = await measure(SEQUENTIAL, 20, () => issue(first!));

    const burst = async (targets: typeof businesses) => {
      const started = process.hrtime.bigint();
      await Promise.all(
        targets.flatMap((business) =>
          Array.from({ length: WRITERS }, async () => {
            for (let i = 0; i < CONCURRENT_TOTAL / WRITERS; i += 1) await issue(business);
          }),
        ),
      );
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const oneBusinessMs = await burst([others[0]!]);
    const fourBusinessesMs = await burst(others);

    for (const business of businesses) {
      const numbers = await app.withTenant({ businessId: business.id }, async () => (await listInvoices(10_000)).map((i) => i.number).sort((a, b) => a - b));
      const gapless = numbers.every((n, i) => n === i + 1);
      if (!gapless) throw new Error(`numbers of ${business.id} are not 1..${numbers.length}`);
    }
    const perSecond = (CONCURRENT_TOTAL / oneBusinessMs) * 1000;
    console.log('\n== gapless invoice numbering (counter row locked per business) ==');
    console.log(formatTiming(`sequential issue, ${SEQUENTIAL} invoices`, sequential));
    console.log(`${CONCURRENT_TOTAL} invoices, ${WRITERS} concurrent writers, one business: ${oneBusinessMs.toFixed(0)} ms (${perSecond.toFixed(0)} invoices/s)`);
    console.log(
      `${CONCURRENT_TOTAL * 4} invoices, ${WRITERS} writers in each of 4 businesses: ${fourBusinessesMs.toFixed(0)} ms (${((CONCURRENT_TOTAL * 4 * 1000) / fourBusinessesMs).toFixed(0)} invoices/s)`,
    );
    console.log('every business numbered 1..N without a gap');
    return { sequentialP50Ms: sequential.p50Ms, concurrentPerSecond: perSecond };
  } finally {
    await app.close();
    await database.stop();
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
