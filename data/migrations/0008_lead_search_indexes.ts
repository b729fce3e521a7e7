import type { MigrationContext } from './types';

/**
 * The CRM's lead search (name or e-mail contains, phone digits contain: ILIKE/LIKE '%…%')
 * uses trigram indexes, so it stays fast on a business with 100,000 leads
 * (bench/leads-list.bench.ts). pg_trgm is a trusted extension: the database owner may create it.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await sql('CREATE INDEX leads_full_name_trgm_idx ON leads USING gin (full_name gin_trgm_ops)');
  await sql('CREATE INDEX leads_email_trgm_idx ON leads USING gin (email gin_trgm_ops)');
  await sql('CREATE INDEX leads_phone_trgm_idx ON leads USING gin (phone_e164 gin_trgm_ops)');
}
