import { fail, redirect } from '@sveltejs/kit';
import { UniqueConstraintError } from 'sequelize';
import { upsertLeadByPhone } from '$activities/booking';
import { normalizeName } from '$activities/leads';
import { leadCreateBody } from '$api/routes/leads';
import { extractPhoneNumber } from '$domain';
import { captureLead } from '$orchestration';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { fieldErrors, formValues, withoutBlanks } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['fullName', 'phone', 'email', 'need'] as const;

export const load: PageServerLoad = () => {
	requireTenant('lead.write');
	return {};
};

export const actions: Actions = {
	/** POST /leads: the same schema, the same phone dedupe (merge) and the lead capture workflow. */
	default: async ({ request }) => {
		const auth = requireTenant('lead.write');
		const values = formValues(await request.formData(), FIELDS);
		const parsed = leadCreateBody.safeParse(withoutBlanks(values));
		if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error) });
		const body = parsed.data;
		const phone = extractPhoneNumber(body.phone).e164;
		if (!phone) return fail(400, { values, errors: { phone: true } as Record<string, true> });

		const details = { businessId: auth.businessId, fullName: normalizeName(body.fullName), phone, email: body.email ?? null, need: body.need ?? null, source: 'crm' } as const;
		let result;
		try {
			result = await db().withTenant(tenantIdentity(auth), () => upsertLeadByPhone(auth.businessId, details));
		} catch (error) {
			if (error instanceof UniqueConstraintError) return fail(409, { values, errors: { phone: true } as Record<string, true> });
			throw error;
		}
		// After the commit, as the API's afterCommit: the workflow never sees an uncommitted lead.
		const captured = { leadId: result.lead.id, created: result.created, fullName: result.lead.fullName, phoneE164: phone };
		await captureLead(await temporal(), { taskQueue: temporalSettings.taskQueue, details, followUpAfterMs: temporalSettings.leadFollowUpMs, captured });
		redirect(303, `/leads/${result.lead.id}?${result.created ? 'created' : 'merged'}=1`);
	}
};
