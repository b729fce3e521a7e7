import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './ports';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const PROJECT_ROOT = path.resolve(__dirname, '../..');
const PROJECT_CACHE = path.join(PROJECT_ROOT, '.cache', 'bin', 'temporal');
const MACHINE_CACHE = path.join(os.homedir(), '.cache', 'prosaas', `temporal-${TEMPORAL_CLI_VERSION}`);

/**
 * Finds a Temporal CLI, in this order: $TEMPORAL_CLI, `temporal` on PATH, the
 * project cache (.cache/bin), the machine cache (~/.cache/prosaas), a build
 * from the Go module proxy, and finally the official release download.
 */
export async function resolveTemporalCli(log: (line: string) => void): Promise<string> {
  const candidates = [process.env.TEMPORAL_CLI, whichTemporal(), PROJECT_CACHE, MACHINE_CACHE].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  for (const candidate of candidates) {
    if (isRunnable(candidate)) {
      cacheInProject(candidate);
      return candidate;
    }
  }
  fs.mkdirSync(path.dirname(PROJECT_CACHE), { recursive: true });
  const go = findGo();
  if (go) {
    log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} (a few minutes, once)`);
    try {
      execFileSync(
        go,
        [
          'install',
          '-ldflags',
          `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
          `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
        ],
        { env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(PROJECT_CACHE) }, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      if (isRunnable(PROJECT_CACHE)) {
        copyTo(PROJECT_CACHE, MACHINE_CACHE);
        return PROJECT_CACHE;
      }
    } catch (error) {
      log(`go install failed: ${(error as Error).message}`);
    }
  }
  log(`downloading the Temporal CLI ${TEMPORAL_CLI_VERSION} release`);
  await downloadRelease(PROJECT_CACHE);
  copyTo(PROJECT_CACHE, MACHINE_CACHE);
  return PROJECT_CACHE;
}

function whichTemporal(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

function isRunnable(binary: string): boolean {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.includes('temporal version');
  } catch {
    return false;
  }
}

function cacheInProject(binary: string): void {
  if (path.resolve(binary) !== PROJECT_CACHE && !fs.existsSync(PROJECT_CACHE)) {
    try {
      fs.mkdirSync(path.dirname(PROJECT_CACHE), { recursive: true });
      fs.symlinkSync(path.resolve(binary), PROJECT_CACHE);
    } catch {
      // a read-only checkout still works with the binary where it is
    }
  }
}

function copyTo(from: string, to: string): void {
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o755);
  } catch {
    // the machine cache is an optimisation only
  }
}

function findGo(): string | undefined {
  for (const candidate of [process.env.GO_BINARY, '/usr/local/go/bin/go', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'go'))]) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function downloadRelease(target: string): Promise<void> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const platform = process.platform === 'darwin' ? 'darwin' : 'linux';
  const url = `https://temporal.download/cli/archive/v${TEMPORAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not download the Temporal CLI from ${url}: HTTP ${response.status}`);
  const archive = path.join(os.tmpdir(), `temporal-cli-${process.pid}.tar.gz`);
  fs.writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
  execFileSync('tar', ['-xzf', archive, '-C', path.dirname(target), 'temporal']);
  fs.rmSync(archive);
  fs.chmodSync(target, 0o755);
}

export interface TemporalDevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop: () => Promise<void>;
}

export interface TemporalDevServerOptions {
  binary: string;
  port: number;
  uiPort?: number;
  /** Persistent SQLite file; omitted = in memory (tests). */
  dbFile?: string;
  headless?: boolean;
  log?: (line: string) => void;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
  }
  // One task-queue partition: with the default four, a task written to one partition while the
  // worker polls another waits for forwarding, which costs tens of milliseconds on every workflow
  // task. A single-host dev server gains nothing from partitions.
  // Eager activities: an activity scheduled by a workflow task comes back to the same worker with
  // the task's completion, without a trip through matching (see docker/temporal/dynamicconfig).
  for (const setting of ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1', 'system.enableActivityEagerExecution=true']) {
    args.push('--dynamic-config-value', setting);
  }
  if (options.headless) args.push('--headless');
  else if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.log ?? (() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Temporal dev server exited with code ${code}`))),
  );
  await Promise.race([waitForPort('127.0.0.1', options.port, 60_000), exited]);
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: options.headless || !options.uiPort ? null : `http://127.0.0.1:${options.uiPort}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
