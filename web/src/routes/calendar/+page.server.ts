import { randomUUID } from 'node:crypto';
import { error, fail, redirect } from '@sveltejs/kit';
import { Op } from 'sequelize';
import { z } from 'zod';
import { Appointment, Lead } from '$data';
import { applicationFailureOf, bookAppointment, cancelAppointment, rescheduleAppointment } from '$orchestration';
import { FAILURE_TYPES } from '$temporal';
import { can } from '$domain/policy';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { calendarRange, wallClock, zonedInstant, type CalendarView } from '$lib/server/calendar';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import { appointmentWorkflowUrl } from '$lib/server/leads';
import type { Actions, PageServerLoad } from './$types';

/** The fields of POST /appointments (name, phone) plus the form's date, time and idempotency key. */
const bookingSchema = z.strictObject({
	name: z.string().trim().min(1).max(120),
	phone: z.string().trim().min(3).max(40),
	date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
	time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
	key: z.string().regex(/^[A-Za-z0-9._:-]{8,200}$/)
});
const moveSchema = bookingSchema.pick({ date: true, time: true, key: true }).extend({ id: z.uuid() });

type Alternative = { startsAt: string; date: string; time: string };

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('appointment.read');
	const view: CalendarView = url.searchParams.get('view') === 'week' ? 'week' : 'day';
	const { timeZone, range, rows } = await db().withTenant(tenantIdentity(auth), async () => {
		const timeZone = await businessTimeZone(auth.businessId);
		const range = calendarRange(view, url.searchParams.get('date'), timeZone);
		const rows = await Appointment.findAll({
			where: { startsAt: { [Op.gte]: range.from.toJSDate(), [Op.lt]: range.to.toJSDate() } },
			include: [{ model: Lead, required: false }],
			order: [['startsAt', 'ASC']]
		});
		return { timeZone, range, rows };
	});
	const appointments = rows.map((row) => {
		const lead = (row as Appointment & { Lead?: Lead | null }).Lead ?? null;
		return {
			id: row.id,
			startsAt: row.startsAt.toISOString(),
			endsAt: row.endsAt.toISOString(),
			status: row.status,
			leadId: row.leadId,
			fullName: lead?.fullName ?? null,
			phone: lead?.phoneE164 ?? null,
			day: wallClock(row.startsAt.toISOString(), timeZone).date,
			workflowUrl: appointmentWorkflowUrl(row.workflowId)
		};
	});
	return {
		view,
		timeZone,
		date: range.date,
		today: range.today,
		previous: range.previous,
		next: range.next,
		days: range.days.map((day) => ({ date: day.toISODate()!, startsAt: day.toUTC().toISO()! })),
		appointments,
		// a fresh idempotency key for every render of the booking form: one submit books once
		bookingKey: randomUUID(),
		prefill: { name: url.searchParams.get('name')?.slice(0, 120) ?? '', phone: url.searchParams.get('phone')?.slice(0, 40) ?? '' },
		canWrite: can(auth, 'appointment.write').allowed
	};
};

export const actions: Actions = {
	/** POST /appointments through the booking workflow (Update-with-Start), keyed by the form's key. */
	book: async ({ request, url }) => {
		const auth = requireTenant('appointment.write');
		const values = formValues(await request.formData(), ['name', 'phone', 'date', 'time', 'key'] as const);
		const parsed = bookingSchema.safeParse(values);
		if (!parsed.success) return fail(400, { action: 'book' as const, values, errors: fieldErrors(parsed.error) });
		const timeZone = await db().withTenant(tenantIdentity(auth), () => businessTimeZone(auth.businessId));
		const start = zonedInstant(parsed.data.date, parsed.data.time, timeZone);
		if (!start) return fail(400, { action: 'book' as const, values, errors: { time: true } as Record<string, true> });

		const outcome = await bookAppointment(await temporal(), {
			taskQueue: temporalSettings.taskQueue,
			request: {
				businessId: auth.businessId,
				idempotencyKey: parsed.data.key,
				customer: { fullName: parsed.data.name, phone: parsed.data.phone },
				startsAt: start,
				notes: null,
				source: 'crm'
			}
		});
		switch (outcome.kind) {
			case 'held':
			case 'closed':
				return redirect(303, `/calendar?view=${url.searchParams.get('view') === 'week' ? 'week' : 'day'}&date=${parsed.data.date}&booked=1`);
			case 'unavailable':
				return fail(outcome.refusal.reason === 'taken' ? 409 : 422, {
					action: 'book' as const,
					values,
					reason: outcome.refusal.reason,
					alternatives: alternativesIn(outcome.refusal.alternatives, timeZone)
				});
			case 'invalid': {
				const field = outcome.field === 'name' ? 'name' : outcome.field === 'start' ? 'time' : 'phone';
				return fail(400, { action: 'book' as const, values, errors: { [field]: true } as Record<string, true> });
			}
			case 'idempotency_mismatch':
				return fail(422, { action: 'book' as const, values, errors: { form: true } as Record<string, true> });
		}
	},

	/** POST /appointments/:id/cancel: the workflow cancels and stops the reminders. */
	cancel: async ({ request }) => {
		const auth = requireTenant('appointment.write');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) error(404, 'appointment not found');
		const appointment = await findAppointment(auth, id);
		if (appointment.status === 'cancelled') return { cancelled: id };
		if (!appointment.workflowId) error(404, 'appointment not found');
		try {
			await cancelAppointment(await temporal(), appointment.workflowId);
		} catch (err) {
			return refusal(err, 'cancel', id, appointment.timeZone);
		}
		return { cancelled: id };
	},

	/** POST /appointments/:id/reschedule: the same rules as a new booking; reminders move too. */
	move: async ({ request }) => {
		const auth = requireTenant('appointment.write');
		const values = formValues(await request.formData(), ['id', 'date', 'time', 'key'] as const);
		const parsed = moveSchema.safeParse(values);
		if (!parsed.success) return fail(400, { action: 'move' as const, moveId: values.id, errors: fieldErrors(parsed.error) });
		const appointment = await findAppointment(auth, parsed.data.id);
		if (!appointment.workflowId) error(404, 'appointment not found');
		const start = zonedInstant(parsed.data.date, parsed.data.time, appointment.timeZone);
		if (!start) return fail(400, { action: 'move' as const, moveId: parsed.data.id, errors: { time: true } as Record<string, true> });
		try {
			await rescheduleAppointment(await temporal(), appointment.workflowId, { startsAt: start }, `move/${parsed.data.key}`);
		} catch (err) {
			return refusal(err, 'move', parsed.data.id, appointment.timeZone);
		}
		return { moved: parsed.data.id };
	}
};

async function findAppointment(auth: TenantAuth, id: string) {
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const row = await Appointment.findByPk(id);
		return row ? { status: row.status, workflowId: row.workflowId, timeZone: await businessTimeZone(auth.businessId) } : null;
	});
	if (!found) error(404, 'appointment not found');
	return found;
}

/** The availability engine's refusal (reason + alternatives) or "no longer active", as the API maps them. */
function refusal(err: unknown, action: 'cancel' | 'move', id: string, timeZone: string) {
	const failure = applicationFailureOf(err);
	if (failure?.type === FAILURE_TYPES.slotUnavailable) {
		const details = failure.details?.[0] as { reason?: string; alternatives?: Array<{ startsAt: string }> } | undefined;
		const reason = details?.reason ?? 'taken';
		return fail(reason === 'taken' ? 409 : 422, { action, moveId: id, reason, alternatives: alternativesIn(details?.alternatives ?? [], timeZone) });
	}
	if (failure?.type === 'AppointmentNotActive') return fail(409, { action, moveId: id, reason: 'not_active' });
	throw err;
}

function alternativesIn(alternatives: Array<{ startsAt: string }>, timeZone: string): Alternative[] {
	return alternatives
		.map((alternative) => ({ startsAt: alternative.startsAt, ...wallClock(alternative.startsAt, timeZone) }))
		.sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
}

