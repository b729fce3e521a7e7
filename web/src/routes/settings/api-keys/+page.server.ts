import { fail } from '@sveltejs/kit';
import { toApiKeyDto } from '$api/routes/schemas';
import { apiKeyCreateBody, createApiKey, revokeApiKey } from '$api/services/api-keys';
import { ApiKey } from '$data';
import { audit } from '$lib/server/audit';
import { businessTimeZone } from '$lib/server/business';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { fieldErrors, isUuid } from '$lib/server/forms';
import { refusal } from '$lib/server/failures';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const auth = requireTenant('apiKey.list');
	const [keys, timeZone] = await db().withTenant(tenantIdentity(auth), () => Promise.all([ApiKey.findAll({ order: [['createdAt', 'DESC']] }), businessTimeZone(auth.businessId)]));
	return { apiKeys: keys.map(toApiKeyDto), timeZone };
};

export const actions: Actions = {
	/** POST /api-keys: the key is in this answer only; the page shows it once. */
	create: async ({ request }) => {
		const auth = requireTenant('apiKey.create');
		const form = await request.formData();
		const name = String(form.get('name') ?? '').trim();
		const scopes = form.getAll('scopes').map(String);
		const parsed = apiKeyCreateBody.safeParse({ name, scopes });
		if (!parsed.success) return fail(400, { name, scopes, errors: fieldErrors(parsed.error) });
		try {
			const created = await db().withTenant(tenantIdentity(auth), () => createApiKey({ auth, businessId: auth.businessId, audit }, parsed.data));
			return { created: { name: created.apiKey.name, key: created.key } };
		} catch (error) {
			return refusal(error);
		}
	},

	revoke: async ({ request }) => {
		const auth = requireTenant('apiKey.revoke');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(400, { errors: { id: true } as Record<string, true> });
		try {
			const key = await db().withTenant(tenantIdentity(auth), () => revokeApiKey({ auth, businessId: auth.businessId, audit }, id));
			return { revoked: key.name };
		} catch (error) {
			return refusal(error);
		}
	}
};
