import { workflowHistoryUrl } from '$temporal';
import { LeadStatus, type Lead } from '$data';
import { leadWorkflowId } from '$orchestration';
import { temporalSettings } from './db';

export interface LeadRow {
	id: string;
	fullName: string;
	phone: string | null;
	email: string | null;
	source: string;
	statusKey: string;
	need: string | null;
	createdAt: string;
}

export interface StatusOption {
	key: string;
	labelHe: string;
	labelEn: string;
	color: string;
}

export function toLeadRow(lead: Lead): LeadRow {
	return {
		id: lead.id,
		fullName: lead.fullName,
		phone: lead.phoneE164,
		email: lead.email,
		source: lead.source,
		statusKey: lead.statusKey,
		need: lead.need,
		createdAt: lead.createdAt.toISOString()
	};
}

export { leadSearchWhere } from '$api/services/lead-list';

/** The business's lead statuses in pipeline order (call inside withTenant). */
export async function statusOptions(): Promise<StatusOption[]> {
	const rows = await LeadStatus.findAll({ order: [['position', 'ASC']] });
	return rows.map((row) => ({ key: row.key, labelHe: row.labelHe, labelEn: row.labelEn, color: row.color }));
}

/** The Temporal UI page of the lead's capture workflow. */
export function leadWorkflowUrl(businessId: string, phone: string | null): string | null {
	if (!phone) return null;
	return workflowHistoryUrl(temporalSettings.uiUrl, temporalSettings.namespace, leadWorkflowId(businessId, phone));
}

export function appointmentWorkflowUrl(workflowId: string | null): string | null {
	return workflowId ? workflowHistoryUrl(temporalSettings.uiUrl, temporalSettings.namespace, workflowId) : null;
}
