import { once } from 'node:events';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { startWebDevServer, WEB_DIR, type WebServer } from '../support/web-server';

/**
 * Boots the CRM web service (SvelteKit on the Vite dev server, from web/) as a child process,
 * the way `cd web && vite dev` does, and checks it over HTTP.
 */


type Dictionary = { [key: string]: string | Dictionary };
const he = readDictionary('he');
const en = readDictionary('en');

interface ApiStub {
  url: string;
  setHealthStatus: (status: number) => void;
  close: () => Promise<void>;
}

describe('web service', () => {
  let api: ApiStub;
  let web: WebServer;

  beforeAll(async () => {
    api = await startApiStub();
    const closedPort = await freePort();
    web = await startWebDevServer({
      DATABASE_URL: `postgres://prosaas:not-a-secret@127.0.0.1:${closedPort}/prosaas`,
      API_INTERNAL_URL: api.url,
    });
  });

  afterAll(async () => {
    await web?.stop();
    await api?.close();
  });

  it('answers /health with 200 and JSON, touching no dependency', async () => {
    const response = await fetch(`${web.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ status: 'ok', service: 'web' });
  });

  it('renders the home page in Hebrew, right to left, by default', async () => {
    const response = await fetch(`${web.baseUrl}/`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<html lang="he" dir="rtl">');
    expect(html).toContain(text(he, 'home.heading'));
    expect(html).toContain(text(he, 'nav.sections.leads'));
    expect(html).toContain('href="/login"');
    expect(html).not.toContain('%lang%');
  });

  it('renders English, left to right, when the lang cookie says en', async () => {
    const response = await fetch(`${web.baseUrl}/`, { headers: { cookie: 'lang=en' } });
    const html = await response.text();
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain(text(en, 'home.heading'));
    expect(html).toContain(text(en, 'home.signIn'));
    expect(html).not.toContain(text(he, 'home.heading'));
  });

  it('keeps each concurrent request in its own language', async () => {
    const locales = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'he' : 'en'));
    const pages = await Promise.all(
      locales.map(async (locale) => {
        const response = await fetch(`${web.baseUrl}/`, { headers: { cookie: `lang=${locale}` } });
        return { locale, html: await response.text() };
      }),
    );
    for (const { locale, html } of pages) {
      expect(html).toContain(`<html lang="${locale}"`);
      expect(html).toContain(text(locale === 'he' ? he : en, 'home.heading'));
      expect(html).not.toContain(text(locale === 'he' ? en : he, 'home.heading'));
    }
  });

  it('falls back to Hebrew for an unknown lang cookie', async () => {
    const html = await (await fetch(`${web.baseUrl}/`, { headers: { cookie: 'lang=fr' } })).text();
    expect(html).toContain('<html lang="he" dir="rtl">');
  });

  it('assigns a request id to every response and logs the request as JSON under it', async () => {
    const minted = await fetch(`${web.baseUrl}/health`);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const echoed = await fetch(`${web.baseUrl}/health`, { headers: { 'x-request-id': 'lb-4711.abc' } });
    expect(echoed.headers.get('x-request-id')).toBe('lb-4711.abc');

    const unsafe = await fetch(`${web.baseUrl}/health`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const line = await waitForLogLine(web, (entry) => entry.requestId === 'lb-4711.abc');
    expect(line).toMatchObject({ service: 'web', method: 'GET', path: '/health', status: 200 });
    expect(typeof line.ms).toBe('number');
  });

  it('renders a friendly 404 page in the active language for an unknown route', async () => {
    const hebrew = await fetch(`${web.baseUrl}/no-such-page`);
    expect(hebrew.status).toBe(404);
    expect(hebrew.headers.get('x-request-id')).toBeTruthy();
    const hebrewHtml = await hebrew.text();
    expect(hebrewHtml).toContain('<html lang="he" dir="rtl">');
    expect(hebrewHtml).toContain(text(he, 'error.notFound.title'));

    const english = await fetch(`${web.baseUrl}/no-such-page`, { headers: { cookie: 'lang=en' } });
    expect(english.status).toBe(404);
    expect(await english.text()).toContain(text(en, 'error.notFound.title'));
  });

  it('switches language with a plain form post that sets the cookie and redirects back', async () => {
    const response = await fetch(`${web.baseUrl}/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: web.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ lang: 'en', redirectTo: '/somewhere?tab=2' }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/somewhere?tab=2');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('never redirects the language switch off the site, and refuses unknown languages', async () => {
    const offSite = await fetch(`${web.baseUrl}/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: web.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ lang: 'he', redirectTo: '//evil.example/steal' }),
    });
    expect(offSite.status).toBe(303);
    expect(offSite.headers.get('location')).toBe('/');

    const unknown = await fetch(`${web.baseUrl}/lang`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: web.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ lang: 'fr' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });

  it('reports 503 not_ready naming the database when PostgreSQL is unreachable', async () => {
    const response = await fetch(`${web.baseUrl}/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.database).toMatch(/^error: /);
    expect(body.checks.api).toBe('ok');
    expect(JSON.stringify(body)).not.toContain('not-a-secret');
  });
});

const withDatabase = process.env.TEST_DATABASE_URL ? describe : describe.skip;

withDatabase('web service with a reachable database', () => {
  let api: ApiStub;
  let web: WebServer;

  beforeAll(async () => {
    api = await startApiStub();
    web = await startWebDevServer({ DATABASE_URL: process.env.TEST_DATABASE_URL!, API_INTERNAL_URL: api.url });
  });

  afterAll(async () => {
    await web?.stop();
    await api?.close();
  });

  it('reports 200 ready when PostgreSQL answers and the API is healthy', async () => {
    const response = await fetch(`${web.baseUrl}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', api: 'ok' } });
  });

  it('reports 503 naming the API when the API is unhealthy', async () => {
    api.setHealthStatus(500);
    try {
      const response = await fetch(`${web.baseUrl}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: 'not_ready',
        checks: { database: 'ok', api: 'error: HTTP 500' },
      });
    } finally {
      api.setHealthStatus(200);
    }
  });
});

describe('web dictionaries', () => {
  it('define the same keys in Hebrew and English, none empty', () => {
    expect(keys(he)).toEqual(keys(en));
    for (const dictionary of [he, en]) {
      for (const key of keys(dictionary)) expect(text(dictionary, key).trim()).not.toBe('');
    }
  });
});

async function startApiStub(): Promise<ApiStub> {
  let healthStatus = 200;
  const server: Server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(healthStatus, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: healthStatus === 200 ? 'ok' : 'error', service: 'api' }));
      return;
    }
    response.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setHealthStatus: (status) => (healthStatus = status),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function waitForLogLine(
  web: WebServer,
  match: (entry: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = web
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching log line in:\n${web.output()}`);
    await sleep(100);
  }
}

function readDictionary(locale: 'he' | 'en'): Dictionary {
  return JSON.parse(fs.readFileSync(path.join(WEB_DIR, `src/lib/i18n/${locale}.json`), 'utf8')) as Dictionary;
}

function keys(dictionary: Dictionary, prefix = ''): string[] {
  return Object.entries(dictionary)
    .flatMap(([key, value]) =>
      typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
    )
    .sort();
}

function text(dictionary: Dictionary, key: string): string {
  const value = key.split('.').reduce<string | Dictionary | undefined>(
    (node, part) => (typeof node === 'object' ? node[part] : undefined),
    dictionary,
  );
  if (typeof value !== 'string') throw new Error(`missing dictionary key ${key}`);
  return escapeHtml(value);
}

/** Svelte escapes text content; compare against the markup form of a dictionary string. */
function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
