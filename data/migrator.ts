import { Client } from 'pg';
import { Umzug, type UmzugStorage } from 'umzug';
import type { Logger } from '../platform/logger';
import { MIGRATIONS, type MigrationContext, type MigrationDefinition } from './migrations';

export interface MigrateOptions {
  /** The owner of the schema (DATABASE_ADMIN_URL). */
  adminUrl: string;
  /** The application's URL (DATABASE_URL); its user becomes the non-owner app role. */
  appUrl?: string;
  logger: Logger;
  /** Run only the first N migrations (the additive-only test steps through them). */
  upTo?: number;
  migrations?: MigrationDefinition[];
}

// Any constant works; it keeps two replicas from migrating at once.
const MIGRATION_LOCK_KEY = 7_233_540_001;

/** Applies pending migrations, each in its own transaction, under an advisory lock. */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  const client = new Client({ connectionString: options.adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const appRole = appRoleFrom(options.adminUrl, options.appUrl);
    const context: MigrationContext = {
      sql: async (text) => {
        await client.query(text);
      },
      appRole,
    };
    const storage: UmzugStorage<MigrationContext> = {
      async executed() {
        const result = await client.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
        return result.rows.map((row) => row.name);
      },
      async logMigration({ name }) {
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
      },
      async unlogMigration() {
        throw new Error('migrations are additive only; there is no down');
      },
    };
    const selected = (options.migrations ?? MIGRATIONS).slice(0, options.upTo);
    const umzug = new Umzug<MigrationContext>({
      migrations: selected.map((m) => ({
        name: m.name,
        up: async ({ context: ctx }) => {
          await client.query('BEGIN');
          try {
            await m.up(ctx);
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        },
      })),
      context,
      storage,
      logger: {
        info: (event) => options.logger.info(event, 'migration'),
        warn: (event) => options.logger.warn(event, 'migration'),
        error: (event) => options.logger.error(event, 'migration'),
        debug: (event) => options.logger.debug(event, 'migration'),
      },
    });
    const applied = await umzug.up();
    return applied.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

function appRoleFrom(adminUrl: string, appUrl: string | undefined): MigrationContext['appRole'] {
  if (!appUrl) return null;
  const app = new URL(appUrl);
  const admin = new URL(adminUrl);
  const name = decodeURIComponent(app.username);
  if (!name || name === decodeURIComponent(admin.username)) return null;
  return { name, password: decodeURIComponent(app.password) };
}
