import { leadsToCsv } from '$api/services/lead-import';
import { Lead } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { leadSearchWhere } from '$lib/server/leads';
import type { RequestHandler } from './$types';

const STATUS_KEY = /^[a-z0-9_]{1,40}$/;
const MAX_EXPORT_ROWS = 100_000;

/** The leads of the current search and status filter as CSV (UTF-8 with BOM, for Excel); audited. */
export const GET: RequestHandler = async ({ url }) => {
	const auth = requireTenant('data.export');
	const search = url.searchParams.get('search')?.trim().slice(0, 100) || undefined;
	const statusParam = url.searchParams.get('status') ?? '';
	const status = STATUS_KEY.test(statusParam) ? statusParam : undefined;
	const csv = await db().withTenant(tenantIdentity(auth), async () => {
		const leads = await Lead.findAll({
			where: leadSearchWhere(search, status),
			attributes: ['fullName', 'phoneE164', 'email', 'statusKey', 'source', 'need', 'createdAt'],
			order: [['createdAt', 'DESC'], ['id', 'DESC']],
			limit: MAX_EXPORT_ROWS
		});
		await audit({ action: 'export', businessId: auth.businessId, targetType: 'leads', details: { rows: leads.length, search: search ?? null, status: status ?? null } });
		return leadsToCsv(leads);
	});
	const day = new Date().toISOString().slice(0, 10);
	return new Response(csv, {
		headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="leads-${day}.csv"`, 'cache-control': 'no-store' }
	});
};
