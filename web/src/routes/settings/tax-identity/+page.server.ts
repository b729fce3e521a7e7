import { fail } from '@sveltejs/kit';
import { readTaxIdentity, setTaxIdentity, taxIdentityBody } from '$api/services/tax-identity';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { fieldErrors, formValues } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** The tax identity printed on invoices and receipts (owner only, as all of billing). */
export const load: PageServerLoad = async () => {
	const auth = requireTenant('billing.manage');
	return { taxIdentity: await db().withTenant(tenantIdentity(auth), () => readTaxIdentity(auth, auth.businessId)) };
};

export const actions: Actions = {
	save: async ({ request }) => {
		const auth = requireTenant('billing.manage');
		const values = formValues(await request.formData(), ['taxId', 'dealerType', 'billingAddress']);
		const parsed = taxIdentityBody.safeParse({
			taxId: values.taxId || null,
			dealerType: values.dealerType || null,
			billingAddress: values.billingAddress || null
		});
		if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error) });
		await db().withTenant(tenantIdentity(auth), () => setTaxIdentity({ auth, businessId: auth.businessId, audit }, parsed.data));
		return { saved: true as const };
	}
};
