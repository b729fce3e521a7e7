import { randomUUID } from 'node:crypto';

/** Letters, digits and `._:-`, at most 128 characters: safe to log and to echo in a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Keeps a caller's (or the proxy's) request id when it is a sane token, else mints a new one. */
export function requestIdFrom(incoming: string | null): string {
	const candidate = incoming?.trim();
	return candidate && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}
