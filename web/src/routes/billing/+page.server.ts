import { fail } from '@sveltejs/kit';
import { Lead } from '$data';
import { documentsWithPdf, listContracts, listInvoices, listOffers, listPayments, listReceipts, paidAgorotOf } from '$data/billing';
import { cancelOffer, recordManualPayment, sendOffer } from '$orchestration';
import { workflowHistoryUrl } from '$temporal';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { dealTimers } from '$lib/server/billing';
import { businessTimeZone } from '$lib/server/business';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** The owner's billing area: offers, contracts, invoices, payments and receipts, newest first. */
export const load: PageServerLoad = async () => {
	const auth = requireTenant('billing.read');
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const [offers, contracts, invoices, payments, receipts, timeZone] = await Promise.all([
			listOffers({ limit: 100 }),
			listContracts(100),
			listInvoices(100),
			listPayments(100),
			listReceipts(100),
			businessTimeZone(auth.businessId)
		]);
		const leads = await Lead.findAll({ where: { id: [...new Set(offers.map((o) => o.leadId))] }, attributes: ['id', 'fullName'] });
		const paid: Record<string, number> = {};
		for (const invoice of invoices) if (invoice.series === 'invoice') paid[invoice.id] = await paidAgorotOf(invoice.id);
		const withPdf = new Set([
			...(await documentsWithPdf('invoice', invoices.map((i) => i.id))),
			...(await documentsWithPdf('receipt', receipts.map((r) => r.id)))
		]);
		return { offers, contracts, invoices, payments, receipts, timeZone, leadNames: Object.fromEntries(leads.map((l) => [l.id, l.fullName])), paid, withPdf };
	});
	const history = (workflowId: string | null) => (workflowId ? workflowHistoryUrl(temporalSettings.uiUrl, temporalSettings.namespace, workflowId) : null);
	return {
		timeZone: found.timeZone,
		offers: found.offers.map((o) => ({
			id: o.id,
			title: o.title,
			customer: found.leadNames[o.leadId] ?? '',
			leadId: o.leadId,
			totalAgorot: o.totalAgorot,
			status: o.status,
			createdAt: o.createdAt,
			workflowUrl: history(o.workflowId)
		})),
		contracts: found.contracts.map((c) => ({ id: c.id, title: c.title, status: c.status, signedAt: c.signedAt, signerName: c.signerName, hasSignedPdf: c.hasSignedPdf })),
		invoices: found.invoices.map((i) => ({
			id: i.id,
			series: i.series,
			number: i.number,
			customerName: i.customerName,
			totalAgorot: i.totalAgorot,
			paidAgorot: found.paid[i.id] ?? 0,
			issuedAt: i.issuedAt,
			allocationNumber: i.allocationNumber,
			hasPdf: found.withPdf.has(i.id)
		})),
		payments: found.payments.map((p) => ({ id: p.id, method: p.method, amountAgorot: p.amountAgorot, paidAt: p.paidAt })),
		receipts: found.receipts.map((r) => ({
			id: r.id,
			number: r.number,
			customerName: r.customerName,
			amountAgorot: r.amountAgorot,
			method: r.method,
			issuedAt: r.issuedAt,
			hasPdf: found.withPdf.has(r.id)
		}))
	};
};

const METHODS = new Set(['cash', 'transfer', 'cheque']);

export const actions: Actions = {
	send: async ({ request }) => {
		const auth = requireTenant('billing.write');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(404, { error: 'notFound' as const });
		const outcome = await sendOffer(db(), await temporal(), temporalSettings.taskQueue, tenantIdentity(auth), id, dealTimers);
		if (!outcome.ok) return fail(outcome.reason === 'not_found' ? 404 : 409, { error: outcome.reason === 'no_phone' ? ('noPhone' as const) : outcome.reason === 'not_found' ? ('notFound' as const) : ('notDraft' as const) });
		return { flash: 'sent' as const };
	},
	cancel: async ({ request }) => {
		const auth = requireTenant('billing.write');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(404, { error: 'notFound' as const });
		const outcome = await cancelOffer(db(), await temporal(), tenantIdentity(auth), id);
		if (!outcome.ok) return fail(outcome.reason === 'not_found' ? 404 : 409, { error: outcome.reason === 'not_found' ? ('notFound' as const) : ('notCancellable' as const) });
		return { flash: 'cancelled' as const };
	},
	markPaid: async ({ request }) => {
		const auth = requireTenant('billing.write');
		const form = await request.formData();
		const id = form.get('id');
		const method = form.get('method');
		const key = form.get('key');
		if (!isUuid(id) || typeof method !== 'string' || !METHODS.has(method)) return fail(400, { error: 'invalid' as const });
		const outcome = await recordManualPayment(db(), await temporal(), tenantIdentity(auth), id, {
			method: method as 'cash' | 'transfer' | 'cheque',
			idempotencyKey: typeof key === 'string' && /^[A-Za-z0-9._:-]{8,200}$/.test(key) ? key : undefined,
			recordedByUserId: auth.userId
		});
		if (!outcome.ok) return fail(outcome.reason === 'not_found' ? 404 : 409, { error: outcome.reason === 'not_found' ? ('notFound' as const) : ('alreadyPaid' as const) });
		return { flash: 'paid' as const };
	}
};
