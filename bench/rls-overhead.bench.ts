/**
 * Tenant-scoped query overhead: the same lead-list query run
 *   (a) as the schema owner (RLS bypassed) with an explicit business_id filter, no transaction,
 *   (b) as the owner inside a transaction (the cost of the transaction alone),
 *   (c) through withTenant(): app role, transaction + set_config + row-level security.
 * Prints each and the ratio c / a.
 */
import { QueryTypes } from 'sequelize';
import { Database, Lead } from '../data';
import { createLogger } from '../platform/logger';
import { formatTiming, measure, startBenchDatabase } from './support';

const LEADS_PER_BUSINESS = 5_000;
const ITERATIONS = 1_500;

export async function run(): Promise<{ ratio: number }> {
  const logger = createLogger('bench', 'warn');
  const database = await startBenchDatabase();
  const app = new Database({ url: database.appUrl, logger, poolMax: 4 });
  const owner = new Database({ url: database.adminUrl, logger, poolMax: 4, allowPrivilegedRole: true });
  try {
    const businessIds: string[] = [];
    for (const name of ['Bench A', 'Bench B', 'Bench C']) {
      const id = await app.withSystemScope('bench fixture', async () => {
        const [rows] = await app.sequelize.query('INSERT INTO businesses (name) VALUES (:name) RETURNING id', { replacements: { name } });
        return (rows as Array<{ id: string }>)[0]!.id;
      });
      await app.withTenant({ businessId: id }, () =>
        Lead.bulkCreate(
          Array.from({ length: LEADS_PER_BUSINESS }, (_, i) => ({
            businessId: id,
            fullName: `Lead ${i}`,
            phoneE164: `+9725${String(10_000_000 + i).padStart(8, '0')}`,
            source: 'api' as const,
          })),
        ),
      );
      businessIds.push(id);
    }
    await owner.withSystemScope('bench analyze', (transaction) => owner.sequelize.query('ANALYZE leads', { transaction }));
    const businessId = businessIds[1]!;
    const sql = 'SELECT id, full_name, phone_e164, status_key FROM leads WHERE business_id = :businessId ORDER BY created_at DESC LIMIT 25';

    const bypass = await measure(ITERATIONS, 200, () =>
      owner.sequelize.query(sql, { replacements: { businessId }, type: QueryTypes.SELECT, prosaasInfrastructure: true } as object),
    );
    const ownerTransaction = await measure(ITERATIONS, 200, () =>
      owner.withSystemScope('bench baseline', (transaction) =>
        owner.sequelize.query(sql, { replacements: { businessId }, type: QueryTypes.SELECT, transaction }),
      ),
    );
    const scoped = await measure(ITERATIONS, 200, () =>
      app.withTenant({ businessId }, () =>
        Lead.findAll({ attributes: ['id', 'fullName', 'phoneE164', 'statusKey'], order: [['createdAt', 'DESC']], limit: 25 }),
      ),
    );
    const ratio = scoped.meanMs / bypass.meanMs;
    console.log('\n== tenant-scoped query overhead (RLS + set_config per transaction) ==');
    console.log(`${LEADS_PER_BUSINESS * 3} leads in 3 businesses; ${ITERATIONS} queries each, sequential, over loopback`);
    console.log(formatTiming('no RLS, explicit filter, no transaction', bypass));
    console.log(formatTiming('no RLS, explicit filter, in a transaction', ownerTransaction));
    console.log(formatTiming('withTenant (RLS + set_config + ORM)', scoped));
    console.log(`ratio withTenant / no-RLS: ${ratio.toFixed(2)}x  (transaction alone: ${(ownerTransaction.meanMs / bypass.meanMs).toFixed(2)}x)`);
    return { ratio };
  } finally {
    await app.close();
    await owner.close();
    await database.stop();
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
