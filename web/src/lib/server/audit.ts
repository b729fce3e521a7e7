import { getRequestEvent } from '$app/server';
import { writeAudit, type AuditEntry } from '$api/auth/audit';
import { db } from './db';

/**
 * One audit row, filled from the request like the API's auditFromRequest: acting user,
 * impersonator, IP, user agent, request id. Inside an open scope of the same business it
 * joins that transaction.
 */
export async function audit(entry: Omit<AuditEntry, 'actorUserId' | 'impersonatorUserId'> & Partial<AuditEntry>): Promise<void> {
	const event = getRequestEvent();
	const auth = event.locals.auth;
	await writeAudit(db(), {
		actorUserId: auth?.userId ?? null,
		impersonatorUserId: auth?.impersonatorUserId ?? null,
		...entry,
		details: { ...entry.details, via: 'crm' },
		ip: clientAddress(),
		userAgent: event.request.headers.get('user-agent')?.slice(0, 400) ?? null,
		requestId: event.locals.requestId
	} as Parameters<typeof writeAudit>[1]);
}

export function clientAddress(): string {
	try {
		return getRequestEvent().getClientAddress();
	} catch {
		return 'unknown';
	}
}
