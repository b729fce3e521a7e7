import { fail } from '@sveltejs/kit';
import { deleteTemplate, listTemplates, saveTemplate } from '$data/billing';
import { CONTRACT_PLACEHOLDERS, DEFAULT_CONTRACT_TEMPLATES, unknownPlaceholders } from '$domain/billing/contract-template';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/** Contract templates (owner only): Hebrew and English, with {{placeholders}}. */
export const load: PageServerLoad = async () => {
	const auth = requireTenant('billing.manage');
	const templates = await db().withTenant(tenantIdentity(auth), () => listTemplates());
	return { templates, placeholders: [...CONTRACT_PLACEHOLDERS], example: DEFAULT_CONTRACT_TEMPLATES };
};

export const actions: Actions = {
	save: async ({ request }) => {
		const auth = requireTenant('billing.manage');
		const form = await request.formData();
		const text = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value.trim() : '';
		};
		const values = { id: text('id'), name: text('name'), locale: text('locale'), body: text('body'), isDefault: text('isDefault') === 'yes' };
		const errors: Record<string, true> = {};
		if (!values.name || values.name.length > 200) errors.name = true;
		if (values.locale !== 'he' && values.locale !== 'en') errors.locale = true;
		if (!values.body || values.body.length > 100_000) errors.body = true;
		else if (unknownPlaceholders(values.body).length) errors.placeholders = true;
		if (Object.keys(errors).length) return fail(400, { values, errors });
		await db().withTenant(tenantIdentity(auth), () =>
			saveTemplate(isUuid(values.id) ? values.id : null, { name: values.name, locale: values.locale as 'he' | 'en', body: values.body.replace(/\r\n/g, '\n'), isDefault: values.isDefault })
		);
		return { flash: 'templateSaved' as const };
	},
	delete: async ({ request }) => {
		const auth = requireTenant('billing.manage');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(404, { error: 'notFound' as const });
		const deleted = await db().withTenant(tenantIdentity(auth), () => deleteTemplate(id));
		if (!deleted) return fail(404, { error: 'notFound' as const });
		return {};
	}
};
