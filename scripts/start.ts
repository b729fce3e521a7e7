/**
 * `npm start`: everything ProSaaS needs on embedded defaults, in one terminal.
 * PostgreSQL (embedded, or DATABASE_URL), the Temporal dev server with its UI
 * (or TEMPORAL_ADDRESS), migrations, the demo business, then api, worker,
 * realtime and web. Ctrl-C stops it all; the next start reuses .data/.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../platform/logger';
import { migrate } from '../data/migrator';
import { Database } from '../data/database';
import { seedDemo } from '../data/seed-demo';
import { registerNamespaceAndSearchAttributes } from '../temporal-config/register';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../temporal-config';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './lib/embedded-postgres';
import { isPortFree } from './lib/ports';
import { applicationServices, spawnService, stopChild, waitForHealth } from './lib/services';
import { DEFAULT_FAKE_OPENAI_PORT, devTelephony } from './lib/dev-telephony';
import { resolveTemporalCli, startTemporalDevServer, type TemporalDevServer } from './lib/temporal-cli';

const ROOT = path.resolve(__dirname, '..');
const DATA_DIR = path.resolve(ROOT, process.env.PROSAAS_DATA_DIR ?? '.data');
const DEFAULT_DEMO_PASSWORD = 'Demo-12345!';
const APP_ROLE = 'prosaas_app';

let stopEverything: ((code: number) => Promise<void>) | undefined;

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a valid port`);
  return port;
}

async function main(): Promise<void> {
  if (fs.existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
  // VAR= in .env means "not set", as in platform/config.ts.
  for (const [key, value] of Object.entries(process.env)) if (value === '') delete process.env[key];
  const useEmbeddedPostgres = !process.env.DATABASE_URL;
  const useDevTemporal = !process.env.TEMPORAL_ADDRESS;
  const ports = {
    api: envPort('API_PORT', 3000),
    realtime: envPort('REALTIME_PORT', 3001),
    web: envPort('WEB_PORT', 5173),
    worker: envPort('WORKER_HEALTH_PORT', 3003),
    whatsapp: envPort('WHATSAPP_PORT', 3002),
    temporal: envPort('TEMPORAL_PORT', 7233),
    temporalUi: envPort('TEMPORAL_UI_PORT', 8233),
    postgres: envPort('EMBEDDED_PG_PORT', 5433),
    fakeModel: envPort('FAKE_OPENAI_PORT', DEFAULT_FAKE_OPENAI_PORT),
  };
  const telephony = devTelephony(process.env, ports);
  const wanted: Array<[keyof typeof ports, string, string]> = [
    ['api', 'API_PORT', 'api'],
    ['realtime', 'REALTIME_PORT', 'realtime'],
    ['web', 'WEB_PORT', 'web (CRM)'],
    ['worker', 'WORKER_HEALTH_PORT', 'worker health'],
    ['whatsapp', 'WHATSAPP_PORT', 'whatsapp health'],
  ];
  if (useDevTemporal) wanted.push(['temporal', 'TEMPORAL_PORT', 'Temporal'], ['temporalUi', 'TEMPORAL_UI_PORT', 'Temporal UI']);
  if (useEmbeddedPostgres) wanted.push(['postgres', 'EMBEDDED_PG_PORT', 'embedded PostgreSQL']);
  if (telephony.fakeModelPort !== null) wanted.push(['fakeModel', 'FAKE_OPENAI_PORT', 'fake OpenAI Realtime model']);
  const taken: string[] = [];
  for (const [key, variable, label] of wanted) {
    if (!(await isPortFree(ports[key]))) {
      taken.push(`port ${ports[key]} (${label}) is already in use: set ${variable} to a free port, e.g. ${variable}=${ports[key] + 100} npm start`);
    }
  }
  if (taken.length) {
    for (const line of taken) process.stderr.write(`[start] ${line}\n`);
    process.exit(2);
  }

  const cleanups: Array<() => Promise<void>> = [];
  const children: ChildProcess[] = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping ...');
    await Promise.all(children.map((child) => stopChild(child)));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    say('stopped');
    process.exit(code);
  };
  stopEverything = shutdown;
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // PostgreSQL
  let databaseAdminUrl = process.env.DATABASE_ADMIN_URL;
  let databaseUrl = process.env.DATABASE_URL;
  let postgres: EmbeddedPostgresHandle | undefined;
  if (useEmbeddedPostgres) {
    say(`starting embedded PostgreSQL on 127.0.0.1:${ports.postgres} (data in ${path.relative(ROOT, DATA_DIR)}/postgres)`);
    fs.mkdirSync(DATA_DIR, { recursive: true, mode: 0o755 });
    postgres = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'postgres'), port: ports.postgres });
    cleanups.push(() => postgres!.stop());
    await ensureDatabase(postgres.adminUrl('postgres'), 'prosaas');
    databaseAdminUrl = postgres.adminUrl('prosaas');
    const appPassword = encodeURIComponent(process.env.DATABASE_APP_PASSWORD ?? 'prosaas_app_dev');
    databaseUrl = `postgres://${APP_ROLE}:${appPassword}@127.0.0.1:${ports.postgres}/prosaas`;
  }
  if (!databaseAdminUrl) {
    throw new Error('DATABASE_URL is set but DATABASE_ADMIN_URL is not: migrations need the schema owner (see .env.example)');
  }

  // Temporal
  let temporalAddress = process.env.TEMPORAL_ADDRESS!;
  let temporalUiUrl = process.env.TEMPORAL_UI_URL ?? '';
  if (useDevTemporal) {
    const binary = await resolveTemporalCli(say);
    say(`starting the Temporal dev server on 127.0.0.1:${ports.temporal}, UI on ${ports.temporalUi}`);
    const server: TemporalDevServer = await startTemporalDevServer({
      binary,
      port: ports.temporal,
      uiPort: ports.temporalUi,
      dbFile: path.join(DATA_DIR, 'temporal', 'temporal.db'),
    });
    cleanups.push(() => server.stop());
    temporalAddress = server.address;
    temporalUiUrl = server.uiUrl ?? temporalUiUrl;
  }
  const namespace = process.env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE;
  const logger = createLogger('start', 'warn');
  await registerNamespaceAndSearchAttributes({ address: temporalAddress, namespace, log: say });

  // Schema and demo data
  const applied = await migrate({ adminUrl: databaseAdminUrl, appUrl: databaseUrl, logger });
  say(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');
  const demoPassword = process.env.PROSAAS_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  const demoNumber = process.env.PROSAAS_DEMO_NUMBER || '+97233000000';
  const db = new Database({ url: databaseUrl!, logger, poolMax: 2 });
  const seeded = await seedDemo(db, { password: demoPassword, phoneNumber: demoNumber });
  await db.close();
  say(seeded.created ? 'demo business seeded' : 'demo business already present');

  // Application services
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: databaseUrl,
    DATABASE_ADMIN_URL: databaseAdminUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
    TEMPORAL_UI_URL: temporalUiUrl,
    API_PORT: String(ports.api),
    REALTIME_PORT: String(ports.realtime),
    WEB_PORT: String(ports.web),
    WORKER_HEALTH_PORT: String(ports.worker),
    WHATSAPP_PORT: String(ports.whatsapp),
    API_INTERNAL_URL: `http://127.0.0.1:${ports.api}`,
    ...telephony.env,
    // One absolute place for the worker (which writes) and the CRM (which streams), whatever their working folder.
    RECORDINGS_DIR: process.env.RECORDINGS_DIR ?? path.join(DATA_DIR, 'recordings'),
  };
  const specs = applicationServices(ports);
  if (telephony.fakeModelPort !== null) {
    // No OpenAI key: the assistant talks through the local fake model, so a demo call works end to end.
    specs.push({ name: 'fake-ai', command: process.execPath, args: ['--import', 'tsx', 'devtools/fakes/openai-realtime-fake.ts', String(telephony.fakeModelPort)], healthPort: telephony.fakeModelPort });
  }
  specs.forEach((spec, index) => {
    const child = spawnService(spec, env, index);
    children.push(child);
    child.once('exit', (code, signal) => {
      if (shuttingDown) return;
      process.stderr.write(`[start] ${spec.name} exited (${signal ?? `code ${code}`}); stopping everything\n`);
      void shutdown(1);
    });
  });
  await Promise.all(specs.map((spec, index) => waitForHealth(spec, 180_000, children[index]!)));

  const line = '─'.repeat(64);
  process.stdout.write(
    [
      '',
      line,
      ' ProSaaS is running',
      line,
      ` CRM (web)     http://127.0.0.1:${ports.web}`,
      ` API           http://127.0.0.1:${ports.api}   (health: /health, /ready)`,
      ` Realtime      ws://127.0.0.1:${ports.realtime}/media-stream`,
      ...(telephony.fakeModelPort !== null ? [` Fake model    ws://127.0.0.1:${telephony.fakeModelPort}/v1/realtime  (no OPENAI_API_KEY)`] : []),
      ` Worker health http://127.0.0.1:${ports.worker}/ready`,
      ` WhatsApp      http://127.0.0.1:${ports.whatsapp}/ready`,
      ` Temporal UI   ${temporalUiUrl || '(external Temporal: set TEMPORAL_UI_URL)'}`,
      ` Temporal      ${temporalAddress}  namespace ${namespace}`,
      ` PostgreSQL    ${useEmbeddedPostgres ? `embedded, 127.0.0.1:${ports.postgres}` : 'external (DATABASE_URL)'}`,
      '',
      ` Demo business number ${demoNumber}`,
      ` Try a call    npm run call:simulate -- --to ${demoNumber} --script devtools/call-scripts/book-haircut.he.yaml`,
      ` Logins (password ${process.env.PROSAAS_DEMO_PASSWORD ? 'from PROSAAS_DEMO_PASSWORD' : DEFAULT_DEMO_PASSWORD}):`,
      '   owner@demo.local      owner',
      '   agent@demo.local      agent',
      '   admin@prosaas.local   system_admin',
      '',
      ' Ctrl-C stops everything; data stays in .data/ for the next start.',
      line,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] failed: ${(error as Error).message}\n`);
  if (stopEverything) void stopEverything(1);
  else process.exit(1);
});
