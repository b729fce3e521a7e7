import { Client, Connection } from '@temporalio/client';
import express from 'express';
import { z } from 'zod';
import { startApi, createApp, parseInput } from '../../api';
import { startRealtime } from '../../realtime';
import { startWorker } from '../../workers';
import { Lead } from '../../data';
import type { AppConfig } from '../../platform/config';
import { systemProbe } from '../../workflows';
import { workflowIds } from '../../temporal-config';
import { createBusiness, openAppDatabase, testLogger, testServiceConfig } from '../support/infra';

function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return testServiceConfig({
    TEMPORAL_TASK_QUEUE: `services-test-${process.pid}`,
    API_PORT: '0',
    REALTIME_PORT: '0',
    WORKER_HEALTH_PORT: '0',
    ...overrides,
  });
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('api service', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let base: string;

  beforeAll(async () => {
    api = await startApi(testConfig());
    base = `http://127.0.0.1:${api.port}`;
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers /health without touching dependencies', async () => {
    const { status, body } = await getJson(`${base}/health`);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', service: 'api' });
  });

  it('is ready when PostgreSQL and Temporal answer', async () => {
    const { status, body } = await getJson(`${base}/ready`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('answers an unknown route with 404 JSON carrying the request id', async () => {
    const { status, body, headers } = await getJson(`${base}/api/v1/nothing-here`);
    expect(status).toBe(404);
    const error = body.error as { code: string; requestId: string };
    expect(error.code).toBe('not_found');
    expect(error.requestId).toBe(headers.get('x-request-id'));
  });

  it('keeps a sane incoming request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/health`, { headers: { 'x-request-id': 'trace-1234567890' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-1234567890');
    const replaced = await fetch(`${base}/health`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const { status, body } = await getJson(`${base}/api/v1/anything`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken": ',
    });
    expect(status).toBe(400);
    expect((body.error as { message: string }).message).toMatch(/not valid JSON/);
  });
});

describe('api input validation', () => {
  const router = express.Router();
  router.post('/leads', (req, res) => {
    const input = parseInput(z.object({ fullName: z.string().min(2), phone: z.string().regex(/^\+\d{8,15}$/) }), req.body);
    res.status(201).json(input);
  });
  router.get('/boom', () => {
    throw new Error('database exploded');
  });
  const app = createApp({ logger: testLogger, readinessChecks: {}, routers: [{ path: '/api/v1', router }] });
  let server: ReturnType<typeof app.listen>;
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers bad input with 400 and a message per field', async () => {
    const { status, body } = await getJson(`${base}/api/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fullName: 'x', phone: '123' }),
    });
    expect(status).toBe(400);
    const error = body.error as { code: string; fields: Record<string, string[]> };
    expect(error.code).toBe('validation_failed');
    expect(Object.keys(error.fields).sort()).toEqual(['fullName', 'phone']);
  });

  it('accepts good input', async () => {
    const { status, body } = await getJson(`${base}/api/v1/leads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fullName: 'דנה כהן', phone: '+972501234567' }),
    });
    expect(status).toBe(201);
    expect(body).toEqual({ fullName: 'דנה כהן', phone: '+972501234567' });
  });

  it('hides an internal failure behind a 500 that names the request id', async () => {
    const { status, body, headers } = await getJson(`${base}/api/v1/boom`);
    expect(status).toBe(500);
    const error = body.error as { message: string; requestId: string };
    expect(error.message).not.toMatch(/exploded/);
    expect(error.requestId).toBe(headers.get('x-request-id'));
  });
});

describe('realtime service', () => {
  let realtime: Awaited<ReturnType<typeof startRealtime>>;
  beforeAll(async () => {
    realtime = await startRealtime(testConfig());
  });
  afterAll(async () => {
    await realtime.close();
  });

  it('answers /health and /ready', async () => {
    expect((await getJson(`http://127.0.0.1:${realtime.port}/health`)).body).toEqual({ status: 'ok', service: 'realtime' });
    expect((await getJson(`http://127.0.0.1:${realtime.port}/ready`)).status).toBe(200);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await fetch(`http://127.0.0.1:${realtime.port}/health`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('worker service', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  const config = testConfig();

  beforeAll(async () => {
    worker = await startWorker(config);
  }, 120_000);
  afterAll(async () => {
    await worker.close();
  });

  it('answers /health and is ready once polling', async () => {
    expect((await getJson(`http://127.0.0.1:${worker.healthPort}/health`)).body).toEqual({ status: 'ok', service: 'worker' });
    const ready = await getJson(`http://127.0.0.1:${worker.healthPort}/ready`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('runs a workflow whose activity reads tenant data through the tenant context', async () => {
    const db = openAppDatabase(2);
    const businessId = await createBusiness(db, 'Probe business');
    await db.withTenant({ businessId }, () => Lead.create({ businessId, fullName: 'Probe lead', source: 'api' }));
    await db.close();

    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    try {
      const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const workflowId = workflowIds.systemProbe(`${businessId}-${Date.now()}`);
      const result = await client.workflow.execute(systemProbe, {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ businessId }],
      });
      expect(result).toEqual({ businessId, leads: 1, appointments: 0, workflowId });
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.searchAttributes.BusinessId).toEqual([businessId]);
    } finally {
      await connection.close();
    }
  });
});
