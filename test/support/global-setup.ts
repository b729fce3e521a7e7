import { startTestInfraProcess, type TestInfraProcess } from '../../scripts/lib/test-infra-process';

declare global {
  var __PROSAAS_TEST_INFRA__: TestInfraProcess | undefined;
}

/** Starts scripts/test-infra.ts and hands its addresses to every test worker through the environment. */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL && process.env.TEST_TEMPORAL_ADDRESS) return;
  const infra = await startTestInfraProcess();
  globalThis.__PROSAAS_TEST_INFRA__ = infra;
  process.env.TEST_DATABASE_URL = infra.databaseUrl;
  process.env.TEST_DATABASE_ADMIN_URL = infra.databaseAdminUrl;
  process.env.TEST_DATABASE_SERVER_ADMIN_URL = infra.databaseServerAdminUrl;
  process.env.TEST_TEMPORAL_ADDRESS = infra.temporalAddress;
  process.env.TEST_TEMPORAL_NAMESPACE = infra.temporalNamespace;
}
