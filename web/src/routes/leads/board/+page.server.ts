import { fail } from '@sveltejs/kit';
import { leadUpdateBody } from '$api/routes/leads';
import { Lead } from '$data';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import { moveLeadsToStatus } from '$lib/server/lead-changes';
import { statusOptions, toLeadRow } from '$lib/server/leads';
import type { Actions, PageServerLoad } from './$types';

const PER_COLUMN = 50;

/** The pipeline as columns: each status with its count and its newest leads. */
export const load: PageServerLoad = async () => {
	const auth = requireTenant('lead.read');
	return db().withTenant(tenantIdentity(auth), async () => {
		const statuses = await statusOptions();
		const columns = await Promise.all(
			statuses.map(async (status) => {
				const [leads, count] = await Promise.all([
					Lead.findAll({ where: { statusKey: status.key }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit: PER_COLUMN }),
					Lead.count({ where: { statusKey: status.key } })
				]);
				return { status, count, leads: leads.map(toLeadRow) };
			})
		);
		return { columns, statuses };
	});
};

export const actions: Actions = {
	/** PATCH /leads/:id {statusKey}: from a drop on a column, or the card's own "move to" form. */
	move: async ({ request }) => {
		const auth = requireTenant('lead.write');
		const form = await request.formData();
		const id = form.get('id');
		const parsed = leadUpdateBody.safeParse({ statusKey: form.get('statusKey') });
		if (!isUuid(id) || !parsed.success || !parsed.data.statusKey) return fail(400, { moveError: 'invalid' as const });
		const statusKey = parsed.data.statusKey;
		const moved = await db().withTenant(tenantIdentity(auth), () => moveLeadsToStatus([id], statusKey));
		if (moved === 'unknown_status') return fail(400, { moveError: 'invalid' as const });
		if (moved === 0) return fail(404, { moveError: 'notFound' as const });
		return { moved: id, statusKey };
	}
};
