/**
 * Authentication cost:
 *   - argon2id verify (the work of every login) and a whole POST /auth/login over loopback;
 *   - per-request cost of auth + tenant context: the same trivial handler served
 *     (a) as a bare Express route, (b) behind the session cookie + CSRF-free GET + withTenant,
 *     (c) behind a Bearer API key + withTenant. Prints each and the ratios b/a and c/a.
 * One process, sequential keep-alive requests over loopback, bounded iterations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from '../api/app';
import { Client, Connection } from '@temporalio/client';
import { createAccountsApi } from '../api/accounts';
import { issueApiKey } from '../api/auth/api-keys';
import { authenticate } from '../api/auth/authenticate';
import { SessionStore } from '../api/auth/sessions';
import { buildRouter, defineRoute } from '../api/routes/registry';
import { ApiKey, Business, Database, User } from '../data';
import { createLogger } from '../platform/logger';
import { MemoryNotifier } from '../platform/notifier';
import { hashPassword, verifyPassword } from '../platform/passwords';
import { formatTiming, measure, startBenchDatabase } from './support';

const PASSWORD = 'bench passphrase 2026';
const ITERATIONS = 2_000;
const SECRET = 'bench-session-secret';

export async function run(): Promise<{ argon2VerifyMs: number; sessionRatio: number; apiKeyRatio: number }> {
  const logger = createLogger('bench', 'warn');
  const database = await startBenchDatabase();
  const db = new Database({ url: database.appUrl, logger, poolMax: 4 });
  let server: http.Server | null = null;
  try {
    const passwordHash = await hashPassword(PASSWORD);
    const { businessId, email } = await db.withSystemScope('bench fixture', async () => {
      const business = await Business.create({ name: 'Bench Biz' });
      const user = await User.create({ businessId: business.id, email: 'owner@bench.local', fullName: 'Bench Owner', role: 'owner', passwordHash });
      return { businessId: business.id, email: user.email };
    });
    const issued = issueApiKey();
    await db.withTenant({ businessId }, () =>
      ApiKey.create({ businessId, name: 'bench', prefix: issued.prefix, secretHash: issued.secretHash, scopes: ['read'] }),
    );

    const accounts = createAccountsApi({
      db,
      logger,
      notifier: new MemoryNotifier(),
      sessionSecret: SECRET,
      sessionTtlHours: 12,
      cookieSecure: 'false',
      publicBaseUrl: 'http://bench.local',
      // The bench calls no booking route; a lazy client never connects.
      booking: {
        temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
        taskQueue: 'bench',
        namespace: 'bench',
        temporalUiUrl: 'http://127.0.0.1:8233',
        leadFollowUpMs: 60_000,
      },
    });
    // The same middleware the API uses, in front of a handler that does nothing but answer.
    const protectedRouter = express.Router();
    protectedRouter.use(authenticate(db, new SessionStore(db, SECRET, 12 * 3_600_000)));
    protectedRouter.use(
      buildRouter(db, [
        defineRoute({ id: 'bench.tenant', method: 'get', path: '/ping', summary: 'bench', tag: 'bench', scope: 'tenant', handler: async () => ({ body: { ok: true } }) }),
      ]),
    );
    const bare = express.Router();
    bare.get('/ping', (_req, res) => {
      res.json({ ok: true });
    });
    const app = createApp({
      logger,
      readinessChecks: {},
      routers: [
        { path: '/api/v1', router: accounts.router },
        { path: '/bare', router: bare },
        { path: '/protected', router: protectedRouter },
      ],
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const argon2 = await measure(30, 3, () => verifyPassword(passwordHash, PASSWORD));
    let cookie = '';
    const login = await measure(20, 2, async () => {
      const response = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (response.status !== 200) throw new Error(`login answered ${response.status}`);
      cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      await response.arrayBuffer();
    });

    const get = (path: string, headers: Record<string, string> = {}) => async () => {
      const response = await fetch(`${base}${path}`, { headers });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      await response.arrayBuffer();
    };
    const bareTiming = await measure(ITERATIONS, 200, get('/bare/ping'));
    const sessionTiming = await measure(ITERATIONS, 200, get('/protected/ping', { cookie }));
    const apiKeyTiming = await measure(ITERATIONS, 200, get('/protected/ping', { authorization: `Bearer ${issued.key}` }));
    const sessionRatio = sessionTiming.meanMs / bareTiming.meanMs;
    const apiKeyRatio = apiKeyTiming.meanMs / bareTiming.meanMs;

    console.log('\n== authentication cost ==');
    console.log(formatTiming('argon2id verify (19 MiB, t=2, p=1)', argon2));
    console.log(formatTiming('POST /auth/login end to end', login));
    console.log(`\n== per-request auth + tenant context, ${ITERATIONS} sequential keep-alive requests each ==`);
    console.log(formatTiming('bare route', bareTiming));
    console.log(formatTiming('session cookie + withTenant', sessionTiming));
    console.log(formatTiming('API key + withTenant', apiKeyTiming));
    console.log(`ratio session / bare: ${sessionRatio.toFixed(2)}x (+${(sessionTiming.meanMs - bareTiming.meanMs).toFixed(3)} ms)`);
    console.log(`ratio API key / bare: ${apiKeyRatio.toFixed(2)}x (+${(apiKeyTiming.meanMs - bareTiming.meanMs).toFixed(3)} ms)`);
    return { argon2VerifyMs: argon2.meanMs, sessionRatio, apiKeyRatio };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await db.close();
    await database.stop();
  }
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
