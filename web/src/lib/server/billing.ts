import { BILLING_REMINDER_HOURS, BILLING_SIGNING_LINK_HOURS } from '$app/env/private';
import type { DealTimers } from '$orchestration';
import { listOffers } from '$data/billing';
import { can } from '$domain/policy';
import { workflowHistoryUrl } from '$temporal';
import { tenantIdentity, type TenantAuth } from './auth';
import { db, temporalSettings } from './db';

/** The deal timers the CRM starts deals with (the same variables as the API). */
export const dealTimers: DealTimers = {
	signingTtlMs: BILLING_SIGNING_LINK_HOURS * 3_600_000,
	reminderOffsetsMs: BILLING_REMINDER_HOURS.map((hours) => hours * 3_600_000)
};

/** The lead page's billing card: the lead's offers and their status, for those who may see billing. */
export async function leadBilling(auth: TenantAuth, leadId: string) {
	if (!can(auth, 'billing.read').allowed) return null;
	const offers = await db().withTenant(tenantIdentity(auth), () => listOffers({ leadId, limit: 20 }));
	return offers.map((offer) => ({
		id: offer.id,
		title: offer.title,
		totalAgorot: offer.totalAgorot,
		status: offer.status,
		workflowUrl: offer.workflowId ? workflowHistoryUrl(temporalSettings.uiUrl, temporalSettings.namespace, offer.workflowId) : null
	}));
}
