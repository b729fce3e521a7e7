import { Client } from 'pg';
import { Database } from '../../data';
import { loadConfig, type AppConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';

export function testEnv(name: 'TEST_DATABASE_URL' | 'TEST_DATABASE_ADMIN_URL' | 'TEST_DATABASE_SERVER_ADMIN_URL' | 'TEST_TEMPORAL_ADDRESS' | 'TEST_TEMPORAL_NAMESPACE'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through jest (test/support/global-setup.ts)`);
  return value;
}

export const testLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** A service's config against the test PostgreSQL and Temporal; `overrides` sets the rest. */
export function testServiceConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testEnv('TEST_DATABASE_URL'),
    TEMPORAL_ADDRESS: testEnv('TEST_TEMPORAL_ADDRESS'),
    TEMPORAL_NAMESPACE: testEnv('TEST_TEMPORAL_NAMESPACE'),
    ...overrides,
  });
}

export function openAppDatabase(poolMax = 5): Database {
  return new Database({ url: testEnv('TEST_DATABASE_URL'), logger: testLogger, poolMax });
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>, url = testEnv('TEST_DATABASE_ADMIN_URL')): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a business through the audited system path; returns its id. */
export async function createBusiness(db: Database, name: string): Promise<string> {
  const { Business } = db.sequelize.models;
  return db.withSystemScope('test fixture', async () => {
    const business = await Business!.create({ name });
    return business.get('id') as string;
  });
}
