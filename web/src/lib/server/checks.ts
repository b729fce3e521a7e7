/** Outcome of one readiness check, as reported by /ready. */
export type CheckResult = 'ok' | `error: ${string}`;

/** Time any single readiness check may take. */
export const CHECK_TIMEOUT_MS = 3_000; // as the other services (platform/health.ts)

/** Rejects when `work` has not settled within `ms`; the timer never outlives the race. */
export async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new CheckTimeoutError(ms)), ms);
	});
	try {
		return await Promise.race([work, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

export class CheckTimeoutError extends Error {
	constructor(ms: number) {
		super(`timed out after ${ms} ms`);
		this.name = 'CheckTimeoutError';
	}
}
