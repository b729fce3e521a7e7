import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { normalizeName } from '$activities/leads';
import { leadUpdateBody } from '$api/routes/leads';
import { Appointment, Lead, LeadStatus, Note, Task } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { db } from '$lib/server/db';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import { appointmentWorkflowUrl, leadWorkflowUrl, statusOptions, toLeadRow } from '$lib/server/leads';
import { leadBilling } from '$lib/server/billing';
import type { Actions, PageServerLoad } from './$types';

type TimelineEntry =
	| { kind: 'appointment'; id: string; at: string; status: string; workflowUrl: string | null }
	| { kind: 'task'; id: string; at: string; title: string; status: string; dueAt: string | null }
	| { kind: 'note'; id: string; at: string; body: string };

const noteSchema = z.strictObject({ body: z.string().trim().min(1).max(2000) });

export const load: PageServerLoad = async ({ params }) => {
	const auth = requireTenant('lead.read');
	if (!isUuid(params.id)) error(404, 'lead not found');
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const lead = await Lead.findByPk(params.id);
		if (!lead) return null;
		const [appointments, tasks, notes, statuses, timeZone] = await Promise.all([
			Appointment.findAll({ where: { leadId: lead.id }, order: [['startsAt', 'DESC']] }),
			Task.findAll({ where: { leadId: lead.id }, order: [['createdAt', 'DESC']] }),
			Note.findAll({ where: { leadId: lead.id }, order: [['createdAt', 'DESC']] }),
			statusOptions(),
			businessTimeZone(auth.businessId)
		]);
		return { lead, appointments, tasks, notes, statuses, timeZone };
	});
	if (!found) error(404, 'lead not found');

	const timeline: TimelineEntry[] = [
		...found.appointments.map((a) => ({
			kind: 'appointment' as const,
			id: a.id,
			at: a.startsAt.toISOString(),
			status: a.status,
			workflowUrl: appointmentWorkflowUrl(a.workflowId)
		})),
		...found.tasks.map((t) => ({
			kind: 'task' as const,
			id: t.id,
			at: t.createdAt.toISOString(),
			title: t.title,
			status: t.status,
			dueAt: t.dueAt ? t.dueAt.toISOString() : null
		})),
		...found.notes.map((n) => ({ kind: 'note' as const, id: n.id, at: n.createdAt.toISOString(), body: n.body }))
	].sort((a, b) => b.at.localeCompare(a.at));

	return {
		lead: toLeadRow(found.lead),
		workflowUrl: leadWorkflowUrl(found.lead.businessId, found.lead.phoneE164),
		statuses: found.statuses,
		timeZone: found.timeZone,
		timeline,
		billing: await leadBilling(auth, found.lead.id)
	};
};

const EDIT_FIELDS = ['fullName', 'email', 'need', 'statusKey'] as const;

export const actions: Actions = {
	/** PATCH /leads/:id with the API's schema; blank e-mail and need clear the field. */
	update: async ({ params, request }) => {
		const auth = requireTenant('lead.write');
		if (!isUuid(params.id)) error(404, 'lead not found');
		const values = formValues(await request.formData(), EDIT_FIELDS);
		const parsed = leadUpdateBody.safeParse({
			fullName: values.fullName,
			email: values.email === '' ? null : values.email,
			need: values.need === '' ? null : values.need,
			statusKey: values.statusKey
		});
		if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error) });
		const body = parsed.data;
		const outcome = await db().withTenant(tenantIdentity(auth), async () => {
			const lead = await Lead.findByPk(params.id);
			if (!lead) return 'not_found' as const;
			if (body.statusKey && !(await LeadStatus.count({ where: { key: body.statusKey } }))) return 'unknown_status' as const;
			await lead.update({ ...body, ...(body.fullName ? { fullName: normalizeName(body.fullName) } : {}) });
			return 'updated' as const;
		});
		if (outcome === 'not_found') error(404, 'lead not found');
		if (outcome === 'unknown_status') return fail(400, { values, errors: { statusKey: true } as Record<string, true> });
		return { updated: true };
	},

	note: async ({ params, request }) => {
		const auth = requireTenant('lead.write');
		if (!isUuid(params.id)) error(404, 'lead not found');
		const values = formValues(await request.formData(), ['body'] as const);
		const parsed = noteSchema.safeParse(values);
		if (!parsed.success) return fail(400, { noteValues: values, noteErrors: fieldErrors(parsed.error) });
		const added = await db().withTenant(tenantIdentity(auth), async () => {
			if (!(await Lead.count({ where: { id: params.id } }))) return false;
			await Note.create({ businessId: auth.businessId, leadId: params.id, authorUserId: auth.userId, body: parsed.data.body });
			return true;
		});
		if (!added) error(404, 'lead not found');
		return { noted: true };
	},

	delete: async ({ params }) => {
		const auth = requireTenant('lead.write');
		if (!isUuid(params.id)) error(404, 'lead not found');
		const deleted = await db().withTenant(tenantIdentity(auth), async () => {
			const lead = await Lead.findByPk(params.id);
			if (!lead) return false;
			await lead.destroy();
			await audit({ action: 'lead.delete', businessId: auth.businessId, targetType: 'lead', targetId: lead.id, details: { fullName: lead.fullName } });
			return true;
		});
		if (!deleted) error(404, 'lead not found');
		redirect(303, '/leads');
	}
};
