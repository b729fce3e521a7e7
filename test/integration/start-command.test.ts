import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function runStart(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(run: Run, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`start exited early:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function freePorts() {
  const names = ['API_PORT', 'REALTIME_PORT', 'WEB_PORT', 'WORKER_HEALTH_PORT', 'WHATSAPP_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'EMBEDDED_PG_PORT', 'FAKE_OPENAI_PORT'];
  const env: Record<string, string> = {};
  for (const name of names) env[name] = String(await freePort());
  return env;
}

describe('npm start (scripts/start.ts)', () => {
  it('names the variable that moves a port that is already taken, and starts nothing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = runStart({ ...(await freePorts()), API_PORT: String(taken), PROSAAS_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-start-')) });
      expect(await run.exited).toBe(2);
      expect(run.output()).toContain(`port ${taken} (api) is already in use: set API_PORT to a free port`);
      expect(run.output()).not.toMatch(/starting embedded PostgreSQL/);
    } finally {
      blocker.close();
    }
  });

  it('starts every service on embedded defaults, stops cleanly on Ctrl-C, and reuses the data next time', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-start-'));
    fs.chmodSync(dataDir, 0o755);
    const ports = await freePorts();
    const env = { ...ports, PROSAAS_DATA_DIR: dataDir, DATABASE_URL: '', TEMPORAL_ADDRESS: '' };
    try {
      const first = runStart(env);
      await waitForOutput(first, /ProSaaS is running/, 240_000);
      expect(first.output()).toContain('demo business seeded');
      for (const login of ['owner@demo.local', 'agent@demo.local', 'admin@prosaas.local', '+97233000000']) {
        expect(first.output()).toContain(login);
      }
      for (const port of [ports.API_PORT, ports.REALTIME_PORT, ports.WORKER_HEALTH_PORT, ports.WEB_PORT]) {
        const ready = await fetch(`http://127.0.0.1:${port}/ready`);
        expect({ port, status: ready.status }).toEqual({ port, status: 200 });
      }
      expect((await fetch(`http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/`)).status).toBe(200);
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
      expect(first.output()).toContain('[start] stopped');
      for (const port of Object.values(ports)) {
        const stillOpen = await new Promise<boolean>((resolve) => {
          const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
          socket.once('connect', () => (socket.destroy(), resolve(true)));
          socket.once('error', () => resolve(false));
        });
        expect({ port, stillOpen }).toEqual({ port, stillOpen: false });
      }

      const second = runStart(env);
      await waitForOutput(second, /ProSaaS is running/, 240_000);
      expect(second.output()).toContain('demo business already present');
      expect(second.output()).toContain('database schema is up to date');
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 600_000);
});
