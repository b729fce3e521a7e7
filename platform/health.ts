import type http from 'node:http';

export type HealthCheck = () => Promise<void>;

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, 'ok' | string>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** Runs every dependency check in parallel, each with a timeout, and reports each one. */
export async function checkReadiness(checks: Record<string, HealthCheck>): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), CHECK_TIMEOUT_MS, name);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `error: ${(error as Error).message}`] as const;
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: Object.values(report).every((v) => v === 'ok') ? 'ready' : 'not_ready', checks: report };
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} check timed out after ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Answers /health and /ready for a service that has no HTTP server of its own
 * (the worker), or is given one to add them to (realtime).
 */
export function handleHealthRequest(
  service: string,
  checks: Record<string, HealthCheck>,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): boolean {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/health' && path !== '/ready') return false;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    respondJson(response, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
    return true;
  }
  if (path === '/health') {
    respondJson(response, 200, { status: 'ok', service });
    return true;
  }
  void checkReadiness(checks).then((report) => respondJson(response, report.status === 'ready' ? 200 : 503, { ...report, service }));
  return true;
}

export function respondJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections?.();
  });
}
