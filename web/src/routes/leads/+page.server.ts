import { fail } from '@sveltejs/kit';
import { Lead } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import { businessTimeZone } from '$lib/server/business';
import { statusOptions, toLeadRow } from '$lib/server/leads';
import { decodeLeadCursor, InvalidLeadCursorError, LEADS_PAGE_SIZE as PAGE_SIZE, listLeadsPage } from '$api/services/lead-list';
import { deleteLeads, moveLeadsToStatus } from '$lib/server/lead-changes';
import { leadUpdateBody } from '$api/routes/leads';
import type { Actions, PageServerLoad } from './$types';

const STATUS_KEY = /^[a-z0-9_]{1,40}$/;

/** A cursor from an old bookmark or a typo shows the newest leads instead of an error. */
function validCursor(cursor: string | null): string | undefined {
	if (!cursor) return undefined;
	try {
		decodeLeadCursor(cursor);
		return cursor;
	} catch (error) {
		if (error instanceof InvalidLeadCursorError) return undefined;
		throw error;
	}
}

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('lead.read');
	const search = url.searchParams.get('search')?.trim().slice(0, 100) || undefined;
	const statusParam = url.searchParams.get('status') ?? '';
	const status = STATUS_KEY.test(statusParam) ? statusParam : undefined;
	const cursor = validCursor(url.searchParams.get('cursor'));

	const { rows, total, totalIsLowerBound, nextCursor, previousCursor, statuses, timeZone } = await db().withTenant(tenantIdentity(auth), async () => {
		const [list, statuses, timeZone] = await Promise.all([
			listLeadsPage({ search, status, cursor }),
			statusOptions(),
			businessTimeZone(auth.businessId)
		]);
		return { ...list, statuses, timeZone };
	});
	return {
		leads: rows.map(toLeadRow),
		total,
		totalIsLowerBound,
		nextCursor,
		previousCursor,
		search: search ?? '',
		status: status ?? '',
		statuses,
		timeZone
	};
};

export const actions: Actions = {
	/** The ticked leads: move them to a status, or delete them (each deletion audited). */
	bulk: async ({ request }) => {
		const auth = requireTenant('lead.write');
		const form = await request.formData();
		const ids = form.getAll('ids').filter(isUuid).slice(0, PAGE_SIZE * 4);
		const operation = form.get('operation');
		if (ids.length === 0) return fail(400, { bulkError: 'none' as const });
		if (operation === 'delete') {
			const deleted = await db().withTenant(tenantIdentity(auth), () => deleteLeads(auth.businessId, ids));
			return { bulkDeleted: deleted };
		}
		const parsed = leadUpdateBody.safeParse({ statusKey: form.get('statusKey') });
		if (operation !== 'status' || !parsed.success || !parsed.data.statusKey) return fail(400, { bulkError: 'status' as const });
		const statusKey = parsed.data.statusKey;
		const moved = await db().withTenant(tenantIdentity(auth), async () => {
			const count = await moveLeadsToStatus(ids, statusKey);
			if (count !== 'unknown_status') await audit({ action: 'lead.bulk_update', businessId: auth.businessId, targetType: 'leads', details: { count, statusKey } });
			return count;
		});
		if (moved === 'unknown_status') return fail(400, { bulkError: 'status' as const });
		return { bulkMoved: moved };
	},

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
