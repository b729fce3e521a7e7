import type { AuditEntry } from '../auth/audit';

/**
 * Records one audit row for the current request: the API's route context and the CRM's
 * server each fill in who, from where and the request id.
 */
export type AuditWriter = (entry: Omit<AuditEntry, 'actorUserId' | 'impersonatorUserId'> & Partial<AuditEntry>) => Promise<void>;
