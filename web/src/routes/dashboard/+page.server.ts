import { AI_COST_ILS_PER_USD } from '$app/env/private';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import { Appointment, Lead, Task } from '$data';
import { redirect } from '@sveltejs/kit';
import { can } from '$domain/policy';
import { requireAuth, requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { weekStart } from '$lib/server/calendar';
import { dailySeries } from '$lib/server/dashboard-series';
import { db } from '$lib/server/db';
import { toLeadRow } from '$lib/server/leads';
import type { PageServerLoad } from './$types';

/** Today's appointments and this week's new leads, in the business's time zone, plus counts and the charts' last 14 days. */
export const load: PageServerLoad = async () => {
	// a system_admin outside any business starts from the businesses list
	const signedIn = requireAuth();
	if (!signedIn.businessId && can(signedIn, 'business.list').allowed) redirect(303, '/businesses');
	const auth = requireTenant('lead.read');
	return db().withTenant(tenantIdentity(auth), async () => {
		const timeZone = await businessTimeZone(auth.businessId);
		const today = DateTime.now().setZone(timeZone).startOf('day');
		const tomorrow = today.plus({ days: 1 });
		const week = weekStart(today);
		const active = { [Op.in]: ['held', 'confirmed'] };
		const [todays, newLeads, newLeadCount, leadCount, upcomingCount, openTasks, series] = await Promise.all([
			Appointment.findAll({
				where: { startsAt: { [Op.gte]: today.toJSDate(), [Op.lt]: tomorrow.toJSDate() }, status: active },
				include: [{ model: Lead, required: false }],
				order: [['startsAt', 'ASC']]
			}),
			Lead.findAll({ where: { createdAt: { [Op.gte]: week.toJSDate() } }, order: [['createdAt', 'DESC']], limit: 8 }),
			Lead.count({ where: { createdAt: { [Op.gte]: week.toJSDate() } } }),
			Lead.count(),
			Appointment.count({ where: { startsAt: { [Op.gte]: new Date(), [Op.lt]: week.plus({ weeks: 1 }).toJSDate() }, status: active } }),
			Task.count({ where: { status: 'open' } }),
			dailySeries(timeZone, AI_COST_ILS_PER_USD)
		]);
		return {
			timeZone,
			today: today.toISODate()!,
			appointments: todays.map((row) => {
				const lead = (row as Appointment & { Lead?: Lead | null }).Lead ?? null;
				return { id: row.id, startsAt: row.startsAt.toISOString(), status: row.status, leadId: row.leadId, fullName: lead?.fullName ?? null };
			}),
			newLeads: newLeads.map(toLeadRow),
			counts: { newLeads: newLeadCount, leads: leadCount, appointmentsToday: todays.length, upcoming: upcomingCount, openTasks },
			series
		};
	});
};
