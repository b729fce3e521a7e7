import { fail } from '@sveltejs/kit';
import { toUserDto } from '$api/routes/schemas';
import {
	changeUserRole,
	deactivateUser,
	deleteUser,
	inviteUser,
	reactivateUser,
	sendInviteLink,
	userCreateBody,
	userRoleBody,
	type UserServiceContext
} from '$api/services/users';
import { User } from '$data';
import { assignableRoles } from '$domain/policy';
import { LogNotifier } from '$platform/notifier';
import { audit } from '$lib/server/audit';
import { businessTimeZone } from '$lib/server/business';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { db, sessions } from '$lib/server/db';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import { refusal } from '$lib/server/failures';
import { logger } from '$lib/server/logger';
import type { Actions, PageServerLoad } from './$types';

const INVITE_TTL_MS = 72 * 3_600_000;

export const load: PageServerLoad = async () => {
	const auth = requireTenant('user.list');
	const [users, timeZone] = await db().withTenant(tenantIdentity(auth), () => Promise.all([User.findAll({ order: [['createdAt', 'ASC']] }), businessTimeZone(auth.businessId)]));
	return {
		users: users.map(toUserDto),
		timeZone,
		me: auth.userId,
		assignableRoles: assignableRoles(auth.role)
	};
};

function context(auth: TenantAuth): UserServiceContext {
	return { auth, businessId: auth.businessId, audit };
}

/** One users change in the business's tenant transaction; the rules' refusals come back in the user's language. */
async function change<T>(auth: TenantAuth, userId: string, fn: (ctx: UserServiceContext) => Promise<T>) {
	try {
		return { ok: true as const, userId, value: await db().withTenant(tenantIdentity(auth), () => fn(context(auth))) };
	} catch (error) {
		return { ok: false as const, userId, failure: refusal(error, { userId }) };
	}
}

async function targetId(request: Request): Promise<string | null> {
	const id = (await request.formData()).get('id');
	return isUuid(id) ? id : null;
}

export const actions: Actions = {
	/** POST /users: the same schema and rules; a temporary password is shown once, a link goes by notification. */
	invite: async ({ request, url }) => {
		const auth = requireTenant('user.create');
		const values = formValues(await request.formData(), ['email', 'fullName', 'role', 'locale', 'invite'] as const);
		const parsed = userCreateBody.safeParse({ ...values, locale: values.locale || undefined, invite: values.invite || undefined });
		if (!parsed.success) return fail(400, { action: 'invite', values, errors: fieldErrors(parsed.error) });
		const result = await change(auth, '', (ctx) => inviteUser(ctx, parsed.data));
		if (!result.ok) return fail(result.failure.status, { ...result.failure.data, action: 'invite', values });
		const { user, temporaryPassword } = result.value;
		if (!temporaryPassword) {
			await sendInviteLink({ db: db(), notifier: new LogNotifier(logger), publicBaseUrl: url.origin, inviteTtlMs: INVITE_TTL_MS }, user);
		}
		return { action: 'invite', invited: { fullName: user.fullName, email: user.email, temporaryPassword } };
	},

	role: async ({ request }) => {
		const auth = requireTenant('user.changeRole');
		const form = await request.formData();
		const id = form.get('id');
		const parsed = userRoleBody.safeParse({ role: form.get('role') });
		if (!isUuid(id) || !parsed.success) return fail(400, { action: 'role', userId: isUuid(id) ? id : '', errors: { role: true } as Record<string, true> });
		const result = await change(auth, id, (ctx) => changeUserRole(ctx, id, parsed.data.role));
		return !result.ok ? result.failure : { action: 'role', userId: id, saved: true as const };
	},

	deactivate: async ({ request }) => {
		const auth = requireTenant('user.deactivate');
		const id = await targetId(request);
		if (!id) return fail(400, { action: 'deactivate', userId: '', errors: { id: true } as Record<string, true> });
		const result = await change(auth, id, (ctx) => deactivateUser(ctx, id));
		if (!result.ok) return result.failure;
		// after the commit, as the API: the user's sessions end
		await sessions().destroyAllForUser(id);
		return { action: 'deactivate', userId: id, saved: true as const };
	},

	reactivate: async ({ request }) => {
		const auth = requireTenant('user.reactivate');
		const id = await targetId(request);
		if (!id) return fail(400, { action: 'reactivate', userId: '', errors: { id: true } as Record<string, true> });
		const result = await change(auth, id, (ctx) => reactivateUser(ctx, id));
		return !result.ok ? result.failure : { action: 'reactivate', userId: id, saved: true as const };
	},

	delete: async ({ request }) => {
		const auth = requireTenant('user.delete');
		const id = await targetId(request);
		if (!id) return fail(400, { action: 'delete', userId: '', errors: { id: true } as Record<string, true> });
		const result = await change(auth, id, (ctx) => deleteUser(ctx, id));
		return !result.ok ? result.failure : { action: 'delete', userId: id, deleted: result.value.fullName };
	}
};
