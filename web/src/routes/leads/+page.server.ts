import { fail } from '@sveltejs/kit';
import { Lead } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import { businessTimeZone } from '$lib/server/business';
import { leadSearchWhere, statusOptions, toLeadRow } from '$lib/server/leads';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const STATUS_KEY = /^[a-z0-9_]{1,40}$/;

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('lead.read');
	const search = url.searchParams.get('search')?.trim().slice(0, 100) || undefined;
	const statusParam = url.searchParams.get('status') ?? '';
	const status = STATUS_KEY.test(statusParam) ? statusParam : undefined;
	const page = Math.min(Math.max(Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1, 1), 4000);

	const { rows, count, statuses, timeZone } = await db().withTenant(tenantIdentity(auth), async () => {
		const [list, statuses, timeZone] = await Promise.all([
			Lead.findAndCountAll({
				where: leadSearchWhere(search, status),
				order: [['createdAt', 'DESC'], ['id', 'DESC']],
				limit: PAGE_SIZE,
				offset: (page - 1) * PAGE_SIZE
			}),
			statusOptions(),
			businessTimeZone(auth.businessId)
		]);
		return { ...list, statuses, timeZone };
	});
	return {
		leads: rows.map(toLeadRow),
		total: count,
		page,
		pageCount: Math.max(1, Math.ceil(count / PAGE_SIZE)),
		search: search ?? '',
		status: status ?? '',
		statuses,
		timeZone
	};
};

export const actions: Actions = {
	/** DELETE /leads/:id: the lead goes (its appointments stay, without the link), audited. */
	delete: async ({ request }) => {
		const auth = requireTenant('lead.write');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(400, { deleteError: 'not_found' as const });
		const deleted = await db().withTenant(tenantIdentity(auth), async () => {
			const lead = await Lead.findByPk(id);
			if (!lead) return null;
			await lead.destroy();
			await audit({ action: 'lead.delete', businessId: auth.businessId, targetType: 'lead', targetId: lead.id, details: { fullName: lead.fullName } });
			return lead.fullName;
		});
		if (!deleted) return fail(404, { deleteError: 'not_found' as const });
		return { deleted };
	}
};
