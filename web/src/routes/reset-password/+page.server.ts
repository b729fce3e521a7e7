import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { consumePasswordToken } from '$api/auth/password-tokens';
import { newPasswordSchema } from '$api/routes/schemas';
import { User } from '$data';
import { checkPassword, PASSWORD_MAX_LENGTH } from '$domain/policy';
import { hashPassword } from '$platform/passwords';
import { audit } from '$lib/server/audit';
import { db, sessions, throttle } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

/** The body POST /auth/password-reset/confirm validates. */
const confirmSchema = z.strictObject({ token: z.string().min(20).max(200), password: newPasswordSchema });

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
	/** Exactly POST /auth/password-reset/confirm: single-use token, new hash, every session ended, audited. */
	default: async ({ request, locals }) => {
		const form = await request.formData();
		const token = String(form.get('token') ?? '');
		const password = String(form.get('password') ?? '');
		const parsed = confirmSchema.safeParse({ token, password });
		if (!parsed.success) {
			const violations = checkPassword(password.slice(0, PASSWORD_MAX_LENGTH + 1)).map((violation) => violation[locals.locale]);
			return fail(400, { token, invalidToken: !confirmSchema.shape.token.safeParse(token).success, violations });
		}
		const user = await db().withSystemScope('use a password link from the CRM', async () => {
			const userId = await consumePasswordToken(parsed.data.token);
			if (!userId) return null;
			await User.update({ passwordHash: await hashPassword(parsed.data.password) }, { where: { id: userId } });
			return User.findByPk(userId);
		});
		if (!user) return fail(400, { token, invalidToken: true, violations: [] as string[] });
		await sessions().destroyAllForUser(user.id);
		await throttle().clearAccount(user.email);
		await audit({ action: 'auth.password_reset', businessId: user.businessId, actorUserId: user.id, impersonatorUserId: null, targetType: 'user', targetId: user.id });
		redirect(303, '/login?passwordSet=1');
	}
};
