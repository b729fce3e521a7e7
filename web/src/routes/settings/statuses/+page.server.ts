import { fail } from '@sveltejs/kit';
import { col, fn } from 'sequelize';
import type { SettingsContext } from '$api/services/business-settings';
import {
	addLeadStatus,
	deleteLeadStatus,
	leadStatusDeleteBody,
	leadStatusLabelsBody,
	leadStatusMoveBody,
	moveLeadStatus,
	renameLeadStatus,
	statusKeySchema
} from '$api/services/lead-statuses';
import { Lead, LeadStatus } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { fieldErrors, formValues } from '$lib/server/forms';
import { refusal } from '$lib/server/failures';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const auth = requireTenant('settings.read');
	return db().withTenant(tenantIdentity(auth), async () => {
		const [statuses, counts] = await Promise.all([
			LeadStatus.findAll({ order: [['position', 'ASC'], ['createdAt', 'ASC']] }),
			Lead.findAll({ attributes: ['statusKey', [fn('COUNT', col('id')), 'count']], group: ['statusKey'], raw: true }) as unknown as Promise<Array<{ statusKey: string; count: string }>>
		]);
		const leadsByStatus = new Map(counts.map((row) => [String(row.statusKey), Number(row.count)]));
		return {
			statuses: statuses.map((status) => ({
				key: status.key,
				labelHe: status.labelHe,
				labelEn: status.labelEn,
				color: status.color,
				isDefault: status.isDefault,
				leads: leadsByStatus.get(status.key) ?? 0
			}))
		};
	});
};

async function change(auth: TenantAuth, key: string, fn: (ctx: SettingsContext) => Promise<unknown>) {
	try {
		await db().withTenant(tenantIdentity(auth), () => fn({ auth, businessId: auth.businessId, audit }));
	} catch (error) {
		return refusal(error, { key });
	}
	return { key, saved: true as const };
}

const LABEL_FIELDS = ['labelHe', 'labelEn', 'color'] as const;

export const actions: Actions = {
	add: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), LABEL_FIELDS);
		const parsed = leadStatusLabelsBody.safeParse(values);
		if (!parsed.success) return fail(400, { key: '', values, errors: fieldErrors(parsed.error) });
		return change(auth, '', (ctx) => addLeadStatus(ctx, parsed.data));
	},

	rename: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const form = await request.formData();
		const { key } = formValues(form, ['key'] as const);
		const values = formValues(form, LABEL_FIELDS);
		const parsed = leadStatusLabelsBody.safeParse(values);
		if (!statusKeySchema.safeParse(key).success) return fail(400, { key: '', errors: { key: true } as Record<string, true> });
		if (!parsed.success) return fail(400, { key, values, errors: fieldErrors(parsed.error) });
		return change(auth, key, (ctx) => renameLeadStatus(ctx, key, parsed.data));
	},

	move: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const parsed = leadStatusMoveBody.safeParse(formValues(await request.formData(), ['key', 'direction'] as const));
		if (!parsed.success) return fail(400, { key: '', errors: fieldErrors(parsed.error) });
		return change(auth, parsed.data.key, (ctx) => moveLeadStatus(ctx, parsed.data.key, parsed.data.direction));
	},

	delete: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), ['key', 'moveLeadsTo'] as const);
		const parsed = leadStatusDeleteBody.safeParse(values);
		if (!parsed.success) return fail(400, { key: values.key, errors: fieldErrors(parsed.error) });
		return change(auth, parsed.data.key, (ctx) => deleteLeadStatus(ctx, parsed.data.key, parsed.data.moveLeadsTo));
	}
};
