/**
 * The CRM's leads list on a big business: 100,000 leads in one business (plus 20,000 in a
 * neighbour), the query of the /leads page and GET /api/v1/leads (api/services/lead-list.ts: one
 * page of 25 by keyset plus the capped total) through withTenant, as the page's load runs it.
 * Prints the server time of the first page, the 400th page (reached by following next cursors),
 * a status filter and searches; the floor is p95 ≤ 100 ms.
 */
import { Client } from 'pg';
import { listLeadsPage, type LeadListQuery } from '../api/services/lead-list';
import { Database, Lead } from '../data';
import { createLogger } from '../platform/logger';
import { startBenchDatabase } from './support';

const LEADS = 100_000;
const NEIGHBOUR_LEADS = 20_000;
const ITERATIONS = 200;
const FLOOR_P95_MS = 100;
const STATUSES = ['new', 'contacted', 'qualified', 'appointment_set', 'won', 'lost'];

async function seed(db: Database, name: string, count: number): Promise<string> {
  const businessId = await db.withSystemScope('bench fixture: business', async () => {
    const [rows] = await db.sequelize.query('INSERT INTO businesses (name) VALUES (:name) RETURNING id', { replacements: { name } });
    return (rows as Array<{ id: string }>)[0]!.id;
  });
  const start = Date.now() - count * 60_000;
  for (let offset = 0; offset < count; offset += 5_000) {
    await db.withTenant({ businessId }, () =>
      Lead.bulkCreate(
        Array.from({ length: Math.min(5_000, count - offset) }, (_, j) => {
          const i = offset + j;
          return {
            businessId,
            fullName: `לקוח ${i} Customer`,
            phoneE164: `+9725${String(10_000_000 + i).padStart(8, '0')}`,
            email: i % 3 === 0 ? `lead${i}@example.com` : null,
            source: 'import' as const,
            statusKey: STATUSES[i % STATUSES.length]!,
            createdAt: new Date(start + i * 60_000),
          };
        }),
      ),
    );
  }
  return businessId;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function run(): Promise<Record<string, number>> {
  const logger = createLogger('bench', 'warn');
  const database = await startBenchDatabase();
  const app = new Database({ url: database.appUrl, logger, poolMax: 4 });
  const results: Record<string, number> = {};
  try {
    const seeded = Date.now();
    const businessId = await seed(app, 'Big clinic', LEADS);
    await seed(app, 'Neighbour', NEIGHBOUR_LEADS);
    // What autovacuum does after a bulk load: statistics for the planner (the search terms' too)
    // and the visibility map the capped counts' index-only scans rely on.
    const maintenance = new Client({ connectionString: database.adminUrl });
    await maintenance.connect();
    await maintenance.query('VACUUM ANALYZE leads, lead_search_terms').finally(() => maintenance.end());
    console.log(`\n== leads list: ${LEADS.toLocaleString('en')} leads in one business (+${NEIGHBOUR_LEADS.toLocaleString('en')} next door), seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s ==`);
    let deepCursor: string | undefined;
    for (let page = 1; page < 400; page++) {
      deepCursor = (await app.withTenant({ businessId }, () => listLeadsPage({ cursor: deepCursor }))).nextCursor ?? undefined;
    }
    const cases: Array<[string, LeadListQuery]> = [
      ['first page', {}],
      ['page 400 (cursor after 9,975)', { cursor: deepCursor }],
      ['status filter, first page', { status: 'qualified' }],
      ['search by name', { search: 'לקוח 4242' }],
      ['search by phone digits', { search: '10004242' }],
      ['search matching every lead', { search: 'customer' }],
      ['search + status filter', { search: 'customer', status: 'won' }],
    ];
    for (const [label, query] of cases) {
      for (let i = 0; i < 10; i++) await app.withTenant({ businessId }, () => listLeadsPage(query));
      const samples: number[] = [];
      let count = 0;
      let more = false;
      for (let i = 0; i < ITERATIONS; i++) {
        const started = process.hrtime.bigint();
        const page = await app.withTenant({ businessId }, () => listLeadsPage(query));
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        count = page.total;
        more = page.totalIsLowerBound;
      }
      samples.sort((a, b) => a - b);
      const p95 = percentile(samples, 0.95);
      results[label] = p95;
      console.log(
        `${label.padEnd(32)} p50 ${percentile(samples, 0.5).toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  p99 ${percentile(samples, 0.99).toFixed(1)} ms  (${count.toLocaleString('en')}${more ? '+' : ''} matching) ${p95 <= FLOOR_P95_MS ? 'within' : 'ABOVE'} the ${FLOOR_P95_MS} ms floor`,
      );
    }
  } finally {
    await app.close();
    await database.stop();
  }
  return results;
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
