/**
 * Starts the real infrastructure the integration tests run against: an
 * ephemeral embedded PostgreSQL (migrated) and an in-memory Temporal dev server
 * (namespace and search attributes registered), on free ports. Prints one JSON
 * line with the addresses, then runs until stdin closes or SIGTERM arrives.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../platform/logger';
import { migrate } from '../data/migrator';
import { registerNamespaceAndSearchAttributes } from '../temporal-config/register';
import { DEFAULT_NAMESPACE } from '../temporal-config';
import { ensureDatabase, startEmbeddedPostgres } from './lib/embedded-postgres';
import { freePort } from './lib/ports';
import { resolveTemporalCli, startTemporalDevServer } from './lib/temporal-cli';

export interface TestInfra {
  databaseUrl: string;
  databaseAdminUrl: string;
  databaseServerAdminUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
}

const APP_ROLE_PASSWORD = 'prosaas_app_test';

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test-infra] ${line}\n`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-test-pg-'));
  fs.chmodSync(dataDir, 0o755); // initdb runs as the postgres user when we are root
  const pgPort = await freePort();
  const [postgres, temporalBinary] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: pgPort, ephemeral: true }),
    resolveTemporalCli(log),
  ]);
  const temporalPort = await freePort();
  const temporal = await startTemporalDevServer({ binary: temporalBinary, port: temporalPort, headless: true });

  const stop = async () => {
    await Promise.allSettled([temporal.stop(), postgres.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();

  await ensureDatabase(postgres.adminUrl('postgres'), 'prosaas_test');
  const databaseAdminUrl = postgres.adminUrl('prosaas_test');
  const databaseUrl = `postgres://prosaas_app:${APP_ROLE_PASSWORD}@127.0.0.1:${pgPort}/prosaas_test`;
  await Promise.all([
    migrate({ adminUrl: databaseAdminUrl, appUrl: databaseUrl, logger: createLogger('test-migrate', 'warn') }),
    registerNamespaceAndSearchAttributes({ address: temporal.address, namespace: DEFAULT_NAMESPACE }),
  ]);
  const infra: TestInfra = {
    databaseUrl,
    databaseAdminUrl,
    databaseServerAdminUrl: postgres.adminUrl('postgres'),
    temporalAddress: temporal.address,
    temporalNamespace: DEFAULT_NAMESPACE,
  };
  process.stdout.write(`${JSON.stringify({ ready: infra })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[test-infra] failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
