import pg from 'pg';
import { DATABASE_URL } from '$app/env/private';
import { CHECK_TIMEOUT_MS, CheckTimeoutError, withTimeout, type CheckResult } from './checks';
import { logger } from './logger';

/**
 * A two-connection pool used only by the readiness probe, created on the first /ready so
 * that a web server without a database still starts and answers /health.
 */
let pool: pg.Pool | undefined;

function readinessPool(connectionString: string): pg.Pool {
	if (!pool) {
		pool = new pg.Pool({
			connectionString,
			max: 2,
			connectionTimeoutMillis: CHECK_TIMEOUT_MS,
			query_timeout: CHECK_TIMEOUT_MS,
			idleTimeoutMillis: 10_000,
			allowExitOnIdle: true,
			application_name: 'prosaas-web-readiness'
		});
		// an idle client losing its connection must not crash the server
		pool.on('error', (err) => logger.warn({ err }, 'readiness pool client failed'));
	}
	return pool;
}

/** `SELECT 1` against DATABASE_URL within ~2 s. */
export async function pingDatabase(requestId: string): Promise<CheckResult> {
	if (!DATABASE_URL) return 'error: DATABASE_URL is not set';
	try {
		await withTimeout(readinessPool(DATABASE_URL).query('SELECT 1'), CHECK_TIMEOUT_MS + 500);
		return 'ok';
	} catch (err) {
		const reason = describeDatabaseError(err);
		logger.warn({ requestId, err, check: 'database', reason }, 'readiness check failed');
		return `error: ${reason}`;
	}
}

/** Closes the pool (tests, shutdown). */
export async function closeDatabasePing(): Promise<void> {
	const current = pool;
	pool = undefined;
	await current?.end();
}

/**
 * A short reason that is safe to publish on an unauthenticated endpoint: no host names,
 * user names or connection strings (those go to the log).
 */
function describeDatabaseError(err: unknown): string {
	if (err instanceof CheckTimeoutError) return 'timeout';
	const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host not found';
		case 'ETIMEDOUT':
			return 'timeout';
		case 'ECONNRESET':
			return 'connection reset';
		case '28P01':
		case '28000':
			return 'authentication failed';
		case '3D000':
			return 'database does not exist';
		case '57P03':
			return 'database is starting up';
	}
	if (err instanceof Error && /timeout|timed out/i.test(err.message)) return 'timeout';
	return code ? `unavailable (${code})` : 'unavailable';
}
