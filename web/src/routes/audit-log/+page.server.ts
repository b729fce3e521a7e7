import { z } from 'zod';
import { auditPageQuery, auditPageWhere } from '$api/routes/audit-log';
import { toAuditDto } from '$api/routes/schemas';
import { AuditLog, Business, User } from '$data';
import { can } from '$domain/policy';
import { requireAuth, requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 50;
const query = z.object({ ...auditPageQuery, limit: z.literal(PAGE_SIZE).default(PAGE_SIZE), forBusinessId: z.uuid().optional() });

/**
 * GET /audit-log for an owner (their business), GET /audit-log/all for a system_admin (every
 * business, or one picked). Newest first, 50 a page, "older" pages by the last row's time.
 */
export const load: PageServerLoad = async ({ url }) => {
	const auth = requireAuth();
	const parsed = query.safeParse({
		before: url.searchParams.get('before') || undefined,
		action: url.searchParams.get('action') || undefined,
		forBusinessId: url.searchParams.get('business') || undefined
	});
	const filters: { before?: string; action?: string; forBusinessId?: string } = parsed.success ? parsed.data : {};
	const platform = can(auth, 'auditLog.readAll').allowed;

	const { entries, names, businesses } = platform
		? await db().withSystemScope('system_admin reads the audit log in the CRM', async () => {
				const rows = await AuditLog.findAll({
					where: auditPageWhere(filters, filters.forBusinessId ? { businessId: filters.forBusinessId } : {}),
					order: [['createdAt', 'DESC']],
					limit: PAGE_SIZE
				});
				const [names, businesses] = await Promise.all([userNames(rows), Business.findAll({ attributes: ['id', 'name'], order: [['name', 'ASC']] })]);
				return { entries: rows, names, businesses: businesses.map((business) => ({ id: business.id, name: business.name })) };
			})
		: await (async () => {
				const tenant = requireTenant('auditLog.read');
				return db().withTenant(tenantIdentity(tenant), async () => {
					const rows = await AuditLog.findAll({ where: auditPageWhere(filters), order: [['createdAt', 'DESC']], limit: PAGE_SIZE });
					return { entries: rows, names: await userNames(rows), businesses: [] };
				});
			})();

	const businessNames = new Map(businesses.map((business) => [business.id, business.name]));
	return {
		platform,
		businesses,
		filters: { action: filters.action ?? '', business: filters.forBusinessId ?? '' },
		entries: entries.map((entry) => {
			const dto = toAuditDto(entry);
			return {
				...dto,
				actorName: dto.actorUserId ? (names.get(dto.actorUserId) ?? null) : null,
				impersonatorName: dto.impersonatorUserId ? (names.get(dto.impersonatorUserId) ?? null) : null,
				businessName: dto.businessId ? (businessNames.get(dto.businessId) ?? null) : null
			};
		}),
		olderThan: entries.length === PAGE_SIZE ? entries[entries.length - 1]!.createdAt.toISOString() : null
	};
};

/** Names of the people in the rows, as far as the scope lets us see them. */
async function userNames(rows: AuditLog[]): Promise<Map<string, string>> {
	const ids = [...new Set(rows.flatMap((row) => [row.actorUserId, row.impersonatorUserId]).filter((id): id is string => Boolean(id)))];
	if (ids.length === 0) return new Map();
	const users = await User.findAll({ where: { id: ids }, attributes: ['id', 'fullName'] });
	return new Map(users.map((user) => [user.id, user.fullName]));
}
