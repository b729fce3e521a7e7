import { fail, redirect } from '@sveltejs/kit';
import { QueryTypes } from 'sequelize';
import { businessCreateBody, createBusinessWithOwner, findImpersonationTarget } from '$api/services/businesses';
import { Business } from '$data';
import { LogNotifier } from '$platform/notifier';
import { audit, clientAddress } from '$lib/server/audit';
import { requirePermission } from '$lib/server/auth';
import { db, sessions } from '$lib/server/db';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import { refusal } from '$lib/server/failures';
import { logger } from '$lib/server/logger';
import { setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

const INVITE_TTL_MS = 72 * 3_600_000;
const CREATE_FIELDS = ['name', 'locale', 'timezone', 'ownerEmail', 'ownerFullName', 'invite'] as const;

export const load: PageServerLoad = async () => {
	requirePermission('business.list');
	const businesses = await db().withSystemScope('system_admin lists businesses in the CRM', async (transaction) => {
		const rows = await Business.findAll({ order: [['createdAt', 'ASC']], transaction });
		const counts = await db().sequelize.query<{ business_id: string; users: string; leads: string }>(
			`SELECT b.id AS business_id,
			        (SELECT count(*) FROM users u WHERE u.business_id = b.id) AS users,
			        (SELECT count(*) FROM leads l WHERE l.business_id = b.id) AS leads
			   FROM businesses b`,
			{ type: QueryTypes.SELECT, transaction }
		);
		const byId = new Map(counts.map((row) => [row.business_id, row]));
		return rows.map((business) => ({
			id: business.id,
			name: business.name,
			locale: business.locale,
			timezone: business.timezone,
			createdAt: business.createdAt.toISOString(),
			users: Number(byId.get(business.id)?.users ?? 0),
			leads: Number(byId.get(business.id)?.leads ?? 0)
		}));
	});
	return { businesses };
};

export const actions: Actions = {
	/** POST /businesses: the business, its pipeline and its first owner in one transaction. */
	create: async ({ request, url }) => {
		const auth = requirePermission('business.create');
		const values = formValues(await request.formData(), CREATE_FIELDS);
		const parsed = businessCreateBody.safeParse({
			name: values.name,
			locale: values.locale || undefined,
			timezone: values.timezone || undefined,
			owner: { email: values.ownerEmail, fullName: values.ownerFullName, locale: values.locale || undefined, invite: values.invite || undefined }
		});
		if (!parsed.success) {
			const errors = fieldErrors(parsed.error);
			for (const issue of parsed.error.issues) {
				if (issue.path[0] === 'owner' && typeof issue.path[1] === 'string') errors[issue.path[1] === 'email' ? 'ownerEmail' : 'ownerFullName'] = true;
			}
			return fail(400, { action: 'create', values, errors });
		}
		try {
			const created = await createBusinessWithOwner(
				{ db: db(), notifier: new LogNotifier(logger), publicBaseUrl: url.origin, inviteTtlMs: INVITE_TTL_MS },
				auth,
				audit,
				parsed.data
			);
			return { action: 'create', created: { name: created.business.name, ownerEmail: created.owner.email, temporaryPassword: created.temporaryPassword } };
		} catch (error) {
			return refusal(error, { action: 'create', values });
		}
	},

	/** POST /impersonation: act as the business's first active owner; the session is rotated. */
	impersonate: async ({ request, cookies, url }) => {
		const auth = requirePermission('business.impersonate');
		const businessId = (await request.formData()).get('businessId');
		if (!isUuid(businessId)) return fail(400, { action: 'impersonate', errors: { businessId: true } as Record<string, true> });
		let targetId: string;
		try {
			targetId = (await findImpersonationTarget(db(), auth, businessId)).id;
		} catch (error) {
			return refusal(error, { action: 'impersonate', businessId });
		}
		await sessions().destroy(auth.sessionId);
		const session = await sessions().create({ userId: auth.userId, impersonatedUserId: targetId, ip: clientAddress(), userAgent: request.headers.get('user-agent') ?? undefined });
		setSessionCookie(cookies, session.token, url);
		await audit({ action: 'impersonation.start', businessId, actorUserId: targetId, impersonatorUserId: auth.userId, targetType: 'user', targetId });
		redirect(303, '/dashboard');
	}
};
