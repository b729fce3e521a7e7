import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REALTIME_NODE_FLAGS } from '../../realtime/node-flags';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  /** The port its /health answers on. */
  healthPort: number;
  healthPath?: string;
}

const ROOT = path.resolve(__dirname, '../..');
const TSX = ['--import', 'tsx'];

/** The application processes `npm start` runs, each on its own port. */
export function applicationServices(ports: { api: number; realtime: number; web: number; worker: number; whatsapp: number }): ServiceSpec[] {
  return [
    { name: 'api', command: process.execPath, args: [...TSX, 'api/main.ts'], healthPort: ports.api },
    { name: 'worker', command: process.execPath, args: [...TSX, 'workers/main.ts'], healthPort: ports.worker },
    { name: 'realtime', command: process.execPath, args: [...REALTIME_NODE_FLAGS, ...TSX, 'realtime/main.ts'], healthPort: ports.realtime },
    { name: 'whatsapp', command: process.execPath, args: [...TSX, 'whatsapp/main.ts'], healthPort: ports.whatsapp },
    {
      name: 'web',
      command: process.execPath,
      args: [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'dev', '--port', String(ports.web), '--strictPort', '--host', '127.0.0.1'],
      cwd: path.join(ROOT, 'web'),
      healthPort: ports.web,
    },
  ];
}

const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

export function spawnService(spec: ServiceSpec, env: NodeJS.ProcessEnv, index: number): ChildProcess {
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const color = process.stdout.isTTY ? COLORS[index % COLORS.length]! : '';
  const reset = process.stdout.isTTY ? '\x1b[0m' : '';
  const prefix = `${color}[${spec.name.padEnd(8)}]${reset} `;
  const relay = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let buffered = '';
    stream?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) out.write(prefix + line + '\n');
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  return child;
}

export async function waitForHealth(spec: ServiceSpec, timeoutMs: number, child: ChildProcess): Promise<void> {
  const url = `http://127.0.0.1:${spec.healthPort}${spec.healthPath ?? '/health'}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with code ${child.exitCode} before it became healthy`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${spec.name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), graceMs).unref();
  });
}
