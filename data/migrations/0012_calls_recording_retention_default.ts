import type { MigrationContext } from './types';

/**
 * A business's recording retention becomes optional: NULL follows the platform's
 * RECORDING_RETENTION_DAYS (read by the cleanup schedule), a number overrides it.
 * Existing rows keep the value they hold.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql('ALTER TABLE businesses ALTER COLUMN recording_retention_days DROP DEFAULT');
  await sql('ALTER TABLE businesses ALTER COLUMN recording_retention_days DROP NOT NULL');
}
