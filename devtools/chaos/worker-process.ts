import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers';

const ROOT = path.resolve(__dirname, '../..');

/** The workflow bundle written to a temporary file once, so each restarted worker process polls within a second or two. */
export async function writeWorkflowBundle(): Promise<{ bundlePath: string; remove: () => void }> {
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-worker-bundle-'));
  const bundlePath = path.join(bundleDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') })).code);
  return { bundlePath, remove: () => fs.rmSync(bundleDir, { recursive: true, force: true }) };
}

/** The production worker entry point (workers/main.ts) as its own OS process, configured by env alone. */
export function startWorkerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function onceExited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** SIGKILL: no shutdown hook runs, open transactions and activity completions are lost with the process. */
export async function killWorker(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await onceExited(child);
}
