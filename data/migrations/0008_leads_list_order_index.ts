import type { MigrationContext } from './types';

/**
 * The leads list's order (newest first, id breaking ties) read straight from an index, so a
 * page of the CRM's leads list is an index walk rather than a sort of the whole business
 * (bench/leads-list.bench.ts: 100,000 leads in one business).
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql('CREATE INDEX leads_business_created_id_idx ON leads (business_id, created_at DESC, id DESC)');
}
