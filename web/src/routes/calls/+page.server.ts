import { randomUUID } from 'node:crypto';
import { fail } from '@sveltejs/kit';
import { Op } from 'sequelize';
import { z } from 'zod';
import { Call, Lead } from '$data';
import { can } from '$domain/policy';
import { placeOutboundCall } from '$orchestration';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { formValues } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 25;
const dialSchema = z.strictObject({ to: z.string().trim().min(3).max(40), key: z.string().regex(/^[A-Za-z0-9._:-]{8,200}$/) });

export const load: PageServerLoad = async ({ url, locals }) => {
	const auth = requireTenant('call.read');
	const page = Math.min(Math.max(Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1, 1), 4000);
	const direction = url.searchParams.get('direction');
	const { rows, count, timeZone, leads } = await db().withTenant(tenantIdentity(auth), async () => {
		const where = {
			callSid: { [Op.notLike]: 'pending-%' },
			...(direction === 'inbound' || direction === 'outbound' ? { direction } : {})
		};
		const [list, timeZone] = await Promise.all([
			Call.findAndCountAll({ where, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
			businessTimeZone(auth.businessId)
		]);
		const leadIds = [...new Set(list.rows.map((row) => row.leadId).filter((id): id is string => id !== null))];
		const leads = leadIds.length ? await Lead.findAll({ where: { id: leadIds }, attributes: ['id', 'fullName'] }) : [];
		return { ...list, timeZone, leads };
	});
	const names = new Map(leads.map((lead) => [lead.id, lead.fullName]));
	return {
		calls: rows.map((call) => ({
			id: call.id,
			direction: call.direction,
			from: call.fromE164,
			to: call.toE164,
			status: call.status,
			outcome: call.outcome,
			at: (call.startedAt ?? call.createdAt).toISOString(),
			durationSeconds: call.durationSeconds,
			costUsd: Number(call.costUsd),
			hasRecording: Boolean(call.recordingPath && !call.recordingDeletedAt),
			leadName: call.leadId ? (names.get(call.leadId) ?? null) : null
		})),
		total: count,
		page,
		pageCount: Math.max(1, Math.ceil(count / PAGE_SIZE)),
		direction: direction === 'inbound' || direction === 'outbound' ? direction : '',
		timeZone,
		canDial: locals.auth ? can(locals.auth, 'call.write').allowed : false,
		dialKey: randomUUID()
	};
};

export const actions: Actions = {
	/** POST /calls: an outbound call from the business's own number (the assistant talks when answered). */
	dial: async ({ request }) => {
		const auth = requireTenant('call.write');
		const values = formValues(await request.formData(), ['to', 'key'] as const);
		const parsed = dialSchema.safeParse(values);
		if (!parsed.success) return fail(400, { dialValues: values, dialError: 'invalid_number' as const });
		const outcome = await placeOutboundCall(await temporal(), {
			taskQueue: temporalSettings.taskQueue,
			input: { businessId: auth.businessId, idempotencyKey: `crm-${parsed.data.key}`, to: parsed.data.to }
		});
		if (outcome.kind === 'refused') return fail(422, { dialValues: values, dialError: outcome.reason });
		return { dialed: outcome.call.to };
	}
};
