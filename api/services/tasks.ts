import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { Lead, Task, User } from '../../data';
import { requirePermission, type Actor } from '../../domain/policy';
import { cancelCrmReminder, setCrmReminder } from '../../orchestration';
import { LocalizedHttpError, notFound } from '../routes/registry';

/**
 * Tasks with due dates, shared by the REST routes (api/routes/tasks.ts) and the CRM's tasks
 * board. The row changes run in the caller's tenant transaction; the reminder (a durable
 * timer, one workflow per task) is set or cancelled after the commit with syncTaskReminder.
 */

const TASK_NOT_FOUND = { he: 'המשימה לא נמצאה', en: 'Task not found' };
const UNKNOWN_REFERENCE = { he: 'הליד או המשתמש לא נמצאו בעסק', en: 'The lead or user was not found in this business' };

export const taskFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(4000).nullable(),
  leadId: z.uuid().nullable(),
  assigneeUserId: z.uuid().nullable(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
};

export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;

export const taskCreateBody = z.strictObject({
  title: taskFields.title,
  description: taskFields.description.optional(),
  leadId: taskFields.leadId.optional(),
  assigneeUserId: taskFields.assigneeUserId.optional(),
  dueAt: taskFields.dueAt.optional(),
});
export type TaskCreateBody = z.infer<typeof taskCreateBody>;

export const taskUpdateBody = z
  .strictObject({
    title: taskFields.title.optional(),
    description: taskFields.description.optional(),
    leadId: taskFields.leadId.optional(),
    assigneeUserId: taskFields.assigneeUserId.optional(),
    dueAt: taskFields.dueAt.optional(),
    status: z.enum(TASK_STATUSES).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });
export type TaskUpdateBody = z.infer<typeof taskUpdateBody>;

/** The lead and assignee must belong to the business (row-level security hides the others). */
async function checkReferences(leadId: string | null | undefined, assigneeUserId: string | null | undefined): Promise<void> {
  if (leadId && !(await Lead.count({ where: { id: leadId } }))) throw new LocalizedHttpError(400, 'unknown_reference', UNKNOWN_REFERENCE);
  if (assigneeUserId && !(await User.count({ where: { id: assigneeUserId } }))) throw new LocalizedHttpError(400, 'unknown_reference', UNKNOWN_REFERENCE);
}

export async function createTask(auth: Actor, businessId: string, body: TaskCreateBody): Promise<Task> {
  requirePermission(auth, 'task.write');
  await checkReferences(body.leadId, body.assigneeUserId);
  return Task.create({
    businessId,
    title: body.title,
    description: body.description ?? null,
    leadId: body.leadId ?? null,
    assigneeUserId: body.assigneeUserId ?? null,
    dueAt: body.dueAt ? new Date(body.dueAt) : null,
  });
}

/** Applies the change; `reminderChanged` says whether the task's reminder must follow. */
export async function updateTask(auth: Actor, id: string, body: TaskUpdateBody): Promise<{ task: Task; reminderChanged: boolean }> {
  requirePermission(auth, 'task.write');
  const row = await Task.findByPk(id);
  if (!row) throw notFound(TASK_NOT_FOUND);
  await checkReferences(body.leadId, body.assigneeUserId);
  const before = { dueAt: row.dueAt?.getTime() ?? null, status: row.status, title: row.title };
  const { dueAt, ...rest } = body;
  await row.update({
    ...rest,
    ...(dueAt !== undefined ? { dueAt: dueAt ? new Date(dueAt) : null } : {}),
    ...(body.status ? { completedAt: body.status === 'done' ? new Date() : null } : {}),
  });
  const changed = before.dueAt !== (row.dueAt?.getTime() ?? null) || before.status !== row.status || before.title !== row.title;
  return { task: row, reminderChanged: changed };
}

export async function deleteTask(auth: Actor, id: string): Promise<Task> {
  requirePermission(auth, 'task.write');
  const row = await Task.findByPk(id);
  if (!row) throw notFound(TASK_NOT_FOUND);
  await row.destroy();
  return row;
}

/** Keeps the task's reminder in step with its due date and status (after the commit). */
export async function syncTaskReminder(temporal: Client, taskQueue: string, task: Pick<Task, 'id' | 'businessId' | 'status' | 'dueAt' | 'title'>): Promise<void> {
  const target = { type: 'task' as const, id: task.id };
  if (task.status === 'open' && task.dueAt) {
    await setCrmReminder(temporal, taskQueue, { businessId: task.businessId, target, remindAt: task.dueAt.toISOString(), title: task.title });
  } else {
    await cancelCrmReminder(temporal, task.businessId, target);
  }
}
