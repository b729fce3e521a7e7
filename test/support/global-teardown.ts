export default async function globalTeardown(): Promise<void> {
  await globalThis.__PROSAAS_TEST_INFRA__?.stop();
}
