import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../api/app';
import { createAccountsApi, type AccountsApi } from '../../api/accounts';
import type { ThrottleRules } from '../../api/auth/throttle';
import { Business, User, type Database } from '../../data';
import { hashPassword } from '../../platform/passwords';
import { MemoryNotifier } from '../../platform/notifier';
import { LogMessageProvider, type MessageProvider } from '../../platform/messaging';
import type { RecordingStorage } from '../../platform/recordings/storage';
import { openAppDatabase, testEnv, testLogger } from './infra';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from './temporal';
import type { BillingRouteOptions } from '../../api/routes/billing-deps';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApi {
  db: Database;
  api: AccountsApi;
  notifier: MemoryNotifier;
  /** A real worker on the booking routes' task queue (messages go to the log provider unless given). */
  temporal: TestWorker;
  base: string;
  close: () => Promise<void>;
}

/** The real app (createApp + the accounts router) on a loopback port, with an in-memory notifier. */
export async function startTestApi(
  options: {
    throttleRules?: ThrottleRules;
    messages?: MessageProvider;
    reminderOffsetsMs?: number[];
    recordings?: RecordingStorage;
    /** Billing timers and webhook secret of the API. */
    billing?: BillingRouteOptions;
    /** Billing dependencies and activity wrappers of the worker. */
    worker?: TestWorkerOptions;
  } = {},
): Promise<TestApi> {
  const db = openAppDatabase(12);
  const notifier = new MemoryNotifier();
  // The worker has its own pool, as in production: it is another process there.
  const workerDb = openAppDatabase(8);
  const temporal = await startTestWorker(workerDb, options.messages ?? new LogMessageProvider(testLogger), 'api', options.worker);
  const api = createAccountsApi({
    db,
    logger: testLogger,
    notifier,
    sessionSecret: 'test-session-secret',
    sessionTtlHours: 12,
    cookieSecure: 'auto',
    publicBaseUrl: 'http://crm.test',
    throttleRules: options.throttleRules,
    recordings: options.recordings,
    booking: {
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      namespace: testEnv('TEST_TEMPORAL_NAMESPACE'),
      temporalUiUrl: 'http://temporal-ui.test',
      leadFollowUpMs: 60_000,
      reminderOffsetsMs: options.reminderOffsetsMs,
    },
    billing: options.billing,
  });
  const app = createApp({ logger: testLogger, readinessChecks: {}, routers: [{ path: '/api/v1', router: api.router }] });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    db,
    api,
    notifier,
    temporal,
    base: `http://127.0.0.1:${port}/api/v1`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.stop();
      await workerDb.close();
      await db.close();
    },
  };
}

export interface Response<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like caller: keeps the session cookie and sends the CSRF token on writes. */
export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  language: 'he' | 'en' | null = null;
  /** Each client looks like its own IP (the test app trusts X-Forwarded-For from loopback), so lockouts stay per test. */
  ip = `10.${randomOctet()}.${randomOctet()}.${randomOctet()}`;

  constructor(readonly base: string) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...extraHeaders };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] ??= this.csrf;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    if (this.language) headers['accept-language'] = this.language;
    const response = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? null : pair;
    }
    const text = await response.text();
    const parsed = parseBody(text);
    const result = { status: response.status, body: parsed as T, headers: response.headers };
    const csrf = (parsed as { csrfToken?: unknown })?.csrfToken;
    if (typeof csrf === 'string') this.csrf = csrf;
    return result;
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  async login(email: string, password = TEST_PASSWORD): Promise<Response> {
    const response = await this.request('POST', '/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  }
}

export interface TestBusiness {
  id: string;
  name: string;
  users: { owner: TestUser; admin: TestUser; agent: TestUser };
}

export interface TestUser {
  id: string;
  email: string;
  role: 'system_admin' | 'owner' | 'admin' | 'agent';
}

function parseBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return text;
  }
}

function randomOctet(): number {
  return Math.floor(Math.random() * 254) + 1;
}

let sharedHash: Promise<string> | null = null;
const passwordHash = () => (sharedHash ??= hashPassword(TEST_PASSWORD));

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@test.prosaas`;
}

/** A business with one active owner, admin and agent, all with TEST_PASSWORD. */
export async function createTestBusiness(db: Database, name: string): Promise<TestBusiness> {
  const hash = await passwordHash();
  return db.withSystemScope('test fixture: business with users', async () => {
    const business = await Business.create({ name });
    const make = async (role: 'owner' | 'admin' | 'agent'): Promise<TestUser> => {
      const email = uniqueEmail(`${role}-${name.replace(/\W+/g, '').toLowerCase()}`);
      const user = await User.create({ businessId: business.id, email, fullName: `${role} of ${name}`, role, passwordHash: hash });
      return { id: user.id, email, role };
    };
    return { id: business.id, name, users: { owner: await make('owner'), admin: await make('admin'), agent: await make('agent') } };
  });
}

export async function createSystemAdmin(db: Database): Promise<TestUser> {
  const hash = await passwordHash();
  return db.withSystemScope('test fixture: system admin', async () => {
    const email = uniqueEmail('sysadmin');
    const user = await User.create({ businessId: null, email, fullName: 'מנהל מערכת', role: 'system_admin', passwordHash: hash });
    return { id: user.id, email, role: 'system_admin' };
  });
}
