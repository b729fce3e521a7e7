import { BILLING_REMINDER_HOURS, BILLING_SIGNING_LINK_HOURS } from '$app/env/private';
import type { DealTimers } from '$orchestration';
import { error } from '@sveltejs/kit';
import { documentPdfOf, listOffers, type BillingDocumentType } from '$data/billing';
import { can } from '$domain/policy';
import { workflowHistoryUrl } from '$temporal';
import { requireTenant, tenantIdentity, type TenantAuth } from './auth';
import { isUuid } from './forms';
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

/** A PDF answer the browser opens inline and does not cache (billing documents are private). */
export function pdfResponse(pdf: Buffer, filename: string): Response {
	return new Response(new Uint8Array(pdf), {
		headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${filename}"`, 'cache-control': 'private, no-store' }
	});
}

/** An invoice's or receipt's PDF as the worker rendered it when the document was issued (owner only). */
export async function documentPdfResponse(type: BillingDocumentType, id: string): Promise<Response> {
	const auth = requireTenant('billing.read');
	if (!isUuid(id)) error(404, `${type} not found`);
	const stored = await db().withTenant(tenantIdentity(auth), () => documentPdfOf(type, id));
	if (!stored) error(404, `${type} PDF not found`);
	return pdfResponse(stored.pdf, `${type}-${id}.pdf`);
}
