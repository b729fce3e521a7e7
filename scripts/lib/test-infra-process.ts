import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

import type { TestInfra } from '../test-infra';

export interface TestInfraProcess extends TestInfra {
  process: ChildProcess;
  /** Closes its stdin, which stops PostgreSQL and Temporal and removes their data. */
  stop: () => Promise<void>;
}

/**
 * Runs scripts/test-infra.ts (ephemeral PostgreSQL, migrated, and an in-memory Temporal dev
 * server) in a child process and resolves with the addresses it prints once ready. Used by the
 * jest global setup, the benchmarks and the chaos script.
 */
export async function startTestInfraProcess(timeoutMs = 15 * 60_000): Promise<TestInfraProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../test-infra.ts')], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const addresses = await new Promise<TestInfra>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test infrastructure did not start within ${timeoutMs / 60_000} minutes`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`test infrastructure exited with code ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { ready: TestInfra }).ready);
    });
  });
  return {
    ...addresses,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
}
