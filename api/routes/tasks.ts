import type { WhereOptions } from 'sequelize';
import { z } from 'zod';
import { requirePermission } from '../../domain/policy';
import { Lead, Task, User } from '../../data';
import { cancelCrmReminder, setCrmReminder } from '../../orchestration';
import { historyUrl, type BookingDeps } from './booking-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';
import { workflowIds } from '../../temporal-config';

const TASK_NOT_FOUND = { he: 'המשימה לא נמצאה', en: 'Task not found' };
const UNKNOWN_REFERENCE = { he: 'הליד או המשתמש לא נמצאו בעסק', en: 'The lead or user was not found in this business' };

const taskSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string().nullable(),
  leadId: z.uuid().nullable(),
  assigneeUserId: z.uuid().nullable(),
  dueAt: z.string().nullable(),
  status: z.enum(['open', 'done', 'cancelled']),
  completedAt: z.string().nullable(),
  reminderWorkflowUrl: z.string().nullable(),
});

const fields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(4000).nullable(),
  leadId: z.uuid().nullable(),
  assigneeUserId: z.uuid().nullable(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
};

/** Tasks with due dates; an open task with a due date has a CRM reminder (durable timer) at that time. */
export function taskRoutes(deps: BookingDeps): AnyRoute[] {
  const toDto = (task: Task): z.infer<typeof taskSchema> => ({
    id: task.id,
    title: task.title,
    description: task.description,
    leadId: task.leadId,
    assigneeUserId: task.assigneeUserId,
    dueAt: task.dueAt ? task.dueAt.toISOString() : null,
    status: task.status,
    completedAt: task.completedAt ? task.completedAt.toISOString() : null,
    reminderWorkflowUrl: task.dueAt && task.status === 'open' ? historyUrl(deps, workflowIds.crmReminder(task.businessId, 'task', task.id)) : null,
  });
  const checkReferences = async (leadId: string | null | undefined, assigneeUserId: string | null | undefined) => {
    if (leadId && !(await Lead.count({ where: { id: leadId } }))) throw new LocalizedHttpError(400, 'unknown_reference', UNKNOWN_REFERENCE);
    if (assigneeUserId && !(await User.count({ where: { id: assigneeUserId } }))) throw new LocalizedHttpError(400, 'unknown_reference', UNKNOWN_REFERENCE);
  };
  /** Keeps the task's reminder in step with its due date and status. */
  const syncReminder = async (task: Task) => {
    const target = { type: 'task' as const, id: task.id };
    if (task.status === 'open' && task.dueAt) {
      await setCrmReminder(deps.temporal, deps.taskQueue, { businessId: task.businessId, target, remindAt: task.dueAt.toISOString(), title: task.title });
    } else {
      await cancelCrmReminder(deps.temporal, task.businessId, target);
    }
  };

  return [
    defineRoute({
      id: 'tasks.list',
      method: 'get',
      path: '/tasks',
      summary: 'Tasks, by due date',
      tag: 'tasks',
      scope: 'tenant',
      query: z.strictObject({
        status: z.enum(['open', 'done', 'cancelled']).optional(),
        assigneeUserId: z.uuid().optional(),
        leadId: z.uuid().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(100),
      }),
      response: { status: 200, description: 'Tasks', schema: z.object({ tasks: z.array(taskSchema) }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'task.read');
        const where: WhereOptions<Task> = {};
        if (query.status) Object.assign(where, { status: query.status });
        if (query.assigneeUserId) Object.assign(where, { assigneeUserId: query.assigneeUserId });
        if (query.leadId) Object.assign(where, { leadId: query.leadId });
        const tasks = await Task.findAll({ where, order: [[Task.sequelize!.literal('due_at IS NULL'), 'ASC'], ['dueAt', 'ASC'], ['createdAt', 'ASC']], limit: query.limit });
        return { body: { tasks: tasks.map(toDto) } };
      },
    }),
    defineRoute({
      id: 'tasks.create',
      method: 'post',
      path: '/tasks',
      summary: 'Create a task; with a due date it gets a reminder at that time',
      tag: 'tasks',
      scope: 'tenant',
      body: z.strictObject({
        title: fields.title,
        description: fields.description.optional(),
        leadId: fields.leadId.optional(),
        assigneeUserId: fields.assigneeUserId.optional(),
        dueAt: fields.dueAt.optional(),
      }),
      response: { status: 201, description: 'Created', schema: z.object({ task: taskSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, body, businessId, inTenant }) => {
        requirePermission(auth, 'task.write');
        const task = await inTenant(async () => {
          await checkReferences(body.leadId, body.assigneeUserId);
          return Task.create({
            businessId,
            title: body.title,
            description: body.description ?? null,
            leadId: body.leadId ?? null,
            assigneeUserId: body.assigneeUserId ?? null,
            dueAt: body.dueAt ? new Date(body.dueAt) : null,
          });
        });
        await syncReminder(task);
        return { status: 201, body: { task: toDto(task) } };
      },
    }),
    defineRoute({
      id: 'tasks.update',
      method: 'patch',
      path: '/tasks/:id',
      summary: 'Edit a task; a new due date moves its reminder, done or cancelled stops it',
      tag: 'tasks',
      scope: 'tenant',
      params: uuidParam,
      body: z
        .strictObject({
          title: fields.title.optional(),
          description: fields.description.optional(),
          leadId: fields.leadId.optional(),
          assigneeUserId: fields.assigneeUserId.optional(),
          dueAt: fields.dueAt.optional(),
          status: z.enum(['open', 'done', 'cancelled']).optional(),
        })
        .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' }),
      response: { status: 200, description: 'Task', schema: z.object({ task: taskSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, body, inTenant }) => {
        requirePermission(auth, 'task.write');
        const { task, reminderChanged } = await inTenant(async () => {
          const row = await Task.findByPk(params.id);
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
        });
        if (reminderChanged) await syncReminder(task);
        return { body: { task: toDto(task) } };
      },
    }),
    defineRoute({
      id: 'tasks.delete',
      method: 'delete',
      path: '/tasks/:id',
      summary: 'Delete a task and its reminder',
      tag: 'tasks',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, businessId, inTenant }) => {
        requirePermission(auth, 'task.write');
        const deleted = await inTenant(async () => {
          const row = await Task.findByPk(params.id);
          if (!row) throw notFound(TASK_NOT_FOUND);
          await row.destroy();
          return row;
        });
        await cancelCrmReminder(deps.temporal, businessId, { type: 'task', id: deleted.id });
      },
    }),
  ];
}

