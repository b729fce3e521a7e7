import { API_INTERNAL_URL } from '$app/env/private';
import { CHECK_TIMEOUT_MS, type CheckResult } from './checks';
import { logger } from './logger';

/** GET {API_INTERNAL_URL}/health within ~2 s; any 2xx counts as healthy. */
export async function pingApi(requestId: string): Promise<CheckResult> {
	try {
		const response = await fetch(`${API_INTERNAL_URL}/health`, {
			headers: { 'x-request-id': requestId, accept: 'application/json' },
			signal: AbortSignal.timeout(CHECK_TIMEOUT_MS)
		});
		await response.body?.cancel();
		if (response.ok) return 'ok';
		logger.warn({ requestId, check: 'api', status: response.status }, 'readiness check failed');
		return `error: HTTP ${response.status}`;
	} catch (err) {
		const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'unreachable';
		logger.warn({ requestId, err, check: 'api', reason }, 'readiness check failed');
		return `error: ${reason}`;
	}
}
