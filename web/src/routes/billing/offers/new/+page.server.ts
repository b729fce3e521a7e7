import { fail, redirect } from '@sveltejs/kit';
import { Business, Lead } from '$data';
import { createOffer, listTemplates } from '$data/billing';
import { BillingInputError, ISRAELI_VAT_RATE_BPS, computeTotals, parseShekels, type LineItemInput } from '$domain/billing/money';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const LINE_ROWS = 5;

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('billing.write');
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const [leads, templates] = await Promise.all([
			Lead.findAll({ attributes: ['id', 'fullName', 'phoneE164'], order: [['createdAt', 'DESC']], limit: 200 }),
			listTemplates()
		]);
		return { leads: leads.map((l) => ({ id: l.id, fullName: l.fullName, phone: l.phoneE164 })), templates: templates.map((t) => ({ id: t.id, name: t.name, locale: t.locale })) };
	});
	return { ...found, leadId: url.searchParams.get('leadId') ?? '', lineRows: LINE_ROWS, defaultVat: ISRAELI_VAT_RATE_BPS / 100 };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const auth = requireTenant('billing.write');
		const form = await request.formData();
		const text = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value.trim() : '';
		};
		const values = Object.fromEntries([...form.keys()].map((key) => [key, text(key)]));
		const errors: Record<string, true> = {};
		const leadId = text('leadId');
		const title = text('title');
		if (!isUuid(leadId)) errors.leadId = true;
		if (!title || title.length > 200) errors.title = true;
		const validUntil = text('validUntil');
		if (validUntil && !/^\d{4}-\d{2}-\d{2}$/.test(validUntil)) errors.validUntil = true;
		const vatPercent = Number(text('vatRate') || ISRAELI_VAT_RATE_BPS / 100);
		if (!Number.isFinite(vatPercent) || vatPercent < 0 || vatPercent > 100) errors.vatRate = true;
		const templateId = text('templateId');
		const lines: LineItemInput[] = [];
		for (let row = 0; row < LINE_ROWS; row += 1) {
			const description = text(`description-${row}`);
			if (!description) continue;
			try {
				const discount = text(`discount-${row}`);
				lines.push({
					description,
					quantity: Number(text(`quantity-${row}`) || '1'),
					unitPriceAgorot: parseShekels(text(`price-${row}`)),
					...(discount ? { discountBps: Math.round(Number(discount) * 100) } : {})
				});
			} catch {
				errors[`line-${row}`] = true;
			}
		}
		if (lines.length === 0) errors.lines = true;
		if (Object.keys(errors).length) return fail(400, { values, errors });
		const created = await db().withTenant(tenantIdentity(auth), async () => {
			const lead = await Lead.findByPk(leadId);
			if (!lead) return { errors: { leadId: true } as Record<string, true> };
			try {
				const totals = computeTotals(lines, { vatRateBps: Math.round(vatPercent * 100) });
				const chosen = text('locale');
				const locale = chosen === 'he' || chosen === 'en' ? chosen : (await Business.findByPk(auth.businessId, { rejectOnEmpty: true })).locale;
				const offer = await createOffer({ leadId, title, locale, validUntil: validUntil || null, notes: text('notes') || null, templateId: isUuid(templateId) ? templateId : null, lines, totals });
				return { offer };
			} catch (error) {
				if (error instanceof BillingInputError) return { errors: { [error.field === 'vatRateBps' ? 'vatRate' : 'lines']: true } as Record<string, true> };
				throw error;
			}
		});
		if ('errors' in created) return fail(400, { values, errors: created.errors });
		redirect(303, '/billing?created=1');
	}
};
