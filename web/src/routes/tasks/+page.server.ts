import { fail } from '@sveltejs/kit';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import { createTask, deleteTask, syncTaskReminder, taskCreateBody, taskUpdateBody, updateTask, TASK_STATUSES } from '$api/services/tasks';
import { Lead, Task, User } from '$data';
import type { TaskStatus } from '$data/models';
import { cancelCrmReminder } from '$orchestration';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { zonedInstant } from '$lib/server/calendar';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import { refusal } from '$lib/server/failures';
import type { Actions, PageServerLoad } from './$types';

const DONE_SHOWN = 30;

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('task.read');
	const mine = url.searchParams.get('assignee') === 'me';
	return db().withTenant(tenantIdentity(auth), async () => {
		const assignee = mine ? { assigneeUserId: auth.userId } : {};
		const [open, closed, users, timeZone] = await Promise.all([
			Task.findAll({ where: { status: 'open', ...assignee }, order: [[Task.sequelize!.literal('due_at IS NULL'), 'ASC'], ['dueAt', 'ASC'], ['createdAt', 'ASC']], limit: 200 }),
			Task.findAll({ where: { status: { [Op.in]: ['done', 'cancelled'] }, ...assignee }, order: [['updatedAt', 'DESC']], limit: DONE_SHOWN }),
			User.findAll({ where: { isActive: true }, attributes: ['id', 'fullName'], order: [['fullName', 'ASC']] }),
			businessTimeZone(auth.businessId)
		]);
		const leadIds = [...new Set([...open, ...closed].map((task) => task.leadId).filter((id): id is string => Boolean(id)))];
		const leads = leadIds.length ? await Lead.findAll({ where: { id: leadIds }, attributes: ['id', 'fullName'] }) : [];
		const leadNames = new Map(leads.map((lead) => [lead.id, lead.fullName]));
		const toRow = (task: Task) => ({
			id: task.id,
			title: task.title,
			description: task.description,
			status: task.status,
			dueAt: task.dueAt?.toISOString() ?? null,
			dueLocal: task.dueAt ? DateTime.fromJSDate(task.dueAt).setZone(timeZone).toFormat("yyyy-LL-dd'T'HH:mm") : '',
			assigneeUserId: task.assigneeUserId,
			lead: task.leadId ? { id: task.leadId, fullName: leadNames.get(task.leadId) ?? '' } : null
		});
		return {
			mine,
			now: new Date().toISOString(),
			timeZone,
			users: users.map((user) => ({ id: user.id, fullName: user.fullName })),
			me: auth.userId,
			columns: {
				open: open.map(toRow),
				done: closed.filter((task) => task.status === 'done').map(toRow),
				cancelled: closed.filter((task) => task.status === 'cancelled').map(toRow)
			}
		};
	});
};

/** A `datetime-local` value read as the business's wall clock: an ISO instant with offset, null when blank, '' when invalid. */
function dueInstant(value: string, timeZone: string): string | null {
	if (value === '') return null;
	const [date = '', time = ''] = value.split('T');
	return zonedInstant(date, time.slice(0, 5), timeZone) ?? '';
}

/** The row change in the tenant transaction, then the reminder workflow after the commit. */
async function withReminder(auth: TenantAuth, fn: () => Promise<{ task: Task; reminderChanged: boolean }>) {
	const { task, reminderChanged } = await db().withTenant(tenantIdentity(auth), fn);
	if (reminderChanged) await syncTaskReminder(await temporal(), temporalSettings.taskQueue, task);
	return task;
}

export const actions: Actions = {
	/** POST /tasks: the same schema; a due date sets a reminder at that time. */
	create: async ({ request }) => {
		const auth = requireTenant('task.write');
		const values = formValues(await request.formData(), ['title', 'description', 'dueAt', 'assigneeUserId', 'leadId'] as const);
		const timeZone = await db().withTenant(tenantIdentity(auth), () => businessTimeZone(auth.businessId));
		const parsed = taskCreateBody.safeParse({
			title: values.title,
			description: values.description || undefined,
			dueAt: dueInstant(values.dueAt, timeZone) ?? undefined,
			assigneeUserId: values.assigneeUserId || undefined,
			leadId: values.leadId || undefined
		});
		if (!parsed.success) return fail(400, { action: 'create', values, errors: fieldErrors(parsed.error) });
		try {
			const task = await withReminder(auth, async () => ({ task: await createTask(auth, auth.businessId, parsed.data), reminderChanged: Boolean(parsed.data.dueAt) }));
			return { action: 'create', created: task.title };
		} catch (error) {
			return refusal(error, { action: 'create', values });
		}
	},

	/** PATCH /tasks/:id with a status: done, cancelled or open again. */
	status: async ({ request }) => {
		const auth = requireTenant('task.write');
		const { id, status } = formValues(await request.formData(), ['id', 'status'] as const);
		if (!isUuid(id) || !(TASK_STATUSES as readonly string[]).includes(status)) return fail(400, { action: 'status', errors: { status: true } as Record<string, true> });
		try {
			await withReminder(auth, () => updateTask(auth, id, { status: status as TaskStatus }));
			return { action: 'status', taskId: id, status };
		} catch (error) {
			return refusal(error, { action: 'status', taskId: id });
		}
	},

	/** PATCH /tasks/:id: a new due date (moves the reminder) or assignee. */
	edit: async ({ request }) => {
		const auth = requireTenant('task.write');
		const values = formValues(await request.formData(), ['id', 'dueAt', 'assigneeUserId'] as const);
		if (!isUuid(values.id)) return fail(400, { action: 'edit', errors: { id: true } as Record<string, true> });
		const timeZone = await db().withTenant(tenantIdentity(auth), () => businessTimeZone(auth.businessId));
		const parsed = taskUpdateBody.safeParse({ dueAt: dueInstant(values.dueAt, timeZone), assigneeUserId: values.assigneeUserId || null });
		if (!parsed.success) return fail(400, { action: 'edit', taskId: values.id, errors: fieldErrors(parsed.error) });
		try {
			await withReminder(auth, () => updateTask(auth, values.id, parsed.data));
			return { action: 'edit', taskId: values.id, saved: true as const };
		} catch (error) {
			return refusal(error, { action: 'edit', taskId: values.id });
		}
	},

	/** DELETE /tasks/:id and its reminder. */
	delete: async ({ request }) => {
		const auth = requireTenant('task.write');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) return fail(400, { action: 'delete', errors: { id: true } as Record<string, true> });
		try {
			const task = await db().withTenant(tenantIdentity(auth), () => deleteTask(auth, id));
			await cancelCrmReminder(await temporal(), auth.businessId, { type: 'task', id: task.id });
			return { action: 'delete', deleted: task.title };
		} catch (error) {
			return refusal(error, { action: 'delete', taskId: id });
		}
	}
};
