import { createLogger } from '../platform/logger';
import { migrate } from './migrator';

async function main(): Promise<void> {
  const logger = createLogger('migrate');
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    logger.error('DATABASE_ADMIN_URL (or DATABASE_URL) must be set');
    process.exit(2);
  }
  const applied = await migrate({ adminUrl, appUrl: process.env.DATABASE_URL, logger });
  logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
