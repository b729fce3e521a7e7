import type { WhereOptions } from 'sequelize';
import { z } from 'zod';
import { requirePermission } from '../../domain/policy';
import { Task } from '../../data';
import { cancelCrmReminder } from '../../orchestration';
import { createTask, deleteTask, syncTaskReminder, taskCreateBody, taskUpdateBody, updateTask } from '../services/tasks';
import { historyUrl, type BookingDeps } from './booking-deps';
import { defineRoute, uuidParam, type AnyRoute } from './registry';
import { workflowIds } from '../../temporal-config';

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
  const syncReminder = (task: Task) => syncTaskReminder(deps.temporal, deps.taskQueue, task);

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
      body: taskCreateBody,
      response: { status: 201, description: 'Created', schema: z.object({ task: taskSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, body, businessId, inTenant }) => {
        const task = await inTenant(() => createTask(auth, businessId, body));
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
      body: taskUpdateBody,
      response: { status: 200, description: 'Task', schema: z.object({ task: taskSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, body, inTenant }) => {
        const { task, reminderChanged } = await inTenant(() => updateTask(auth, params.id, body));
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
        const deleted = await inTenant(() => deleteTask(auth, params.id));
        await cancelCrmReminder(deps.temporal, businessId, { type: 'task', id: deleted.id });
      },
    }),
  ];
}

