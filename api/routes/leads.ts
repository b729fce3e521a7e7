import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { extractPhoneNumber } from '../../domain';
import { requirePermission } from '../../domain/policy';
import { Appointment, Lead, LeadStatus } from '../../data';
import { normalizeName } from '../../activities/leads';
import { upsertLeadByPhone } from '../../activities/booking';
import { cancelCrmReminder, captureLead, leadWorkflowId, setCrmReminder } from '../../orchestration';
import { InvalidLeadCursorError, listLeadsPage } from '../services/lead-list';
import { historyUrl, type BookingDeps } from './booking-deps';
import { HttpError } from '../http/errors';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const LEAD_NOT_FOUND = { he: 'הליד לא נמצא', en: 'Lead not found' };
const INVALID_PHONE = { he: 'מספר הטלפון אינו תקין', en: 'The phone number is not valid' };
const UNKNOWN_STATUS = { he: 'סטטוס הליד אינו מוגדר בעסק', en: 'This lead status is not defined for the business' };

const leadSchema = z.object({
  id: z.uuid(),
  fullName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  source: z.string(),
  statusKey: z.string(),
  need: z.string().nullable(),
  tags: z.array(z.string()),
  lastContactAt: z.string().nullable(),
  createdAt: z.string(),
  workflowUrl: z.string().nullable(),
});
type LeadDto = z.infer<typeof leadSchema>;

const editable = {
  fullName: z.string().trim().min(1).max(120),
  email: z.email().max(254).nullable(),
  need: z.string().trim().max(2000).nullable(),
  statusKey: z.string().regex(/^[a-z0-9_]{1,40}$/),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
};

/** Body of POST /leads; the CRM's new-lead form validates with it too. */
export const leadCreateBody = z.strictObject({ fullName: editable.fullName, phone: z.string().trim().min(3).max(40), email: editable.email.optional(), need: editable.need.optional() });

/** Body of PATCH /leads/:id; the CRM's lead edit form validates with it too. */
export const leadUpdateBody = z
  .strictObject({ fullName: editable.fullName.optional(), email: editable.email.optional(), need: editable.need.optional(), statusKey: editable.statusKey.optional(), tags: editable.tags.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });

export function leadRoutes(deps: BookingDeps): AnyRoute[] {
  const toDto = (lead: Lead): LeadDto => ({
    id: lead.id,
    fullName: lead.fullName,
    phone: lead.phoneE164,
    email: lead.email,
    source: lead.source,
    statusKey: lead.statusKey,
    need: lead.need,
    tags: lead.tags,
    lastContactAt: lead.lastContactAt ? lead.lastContactAt.toISOString() : null,
    createdAt: lead.createdAt.toISOString(),
    workflowUrl: lead.phoneE164 ? historyUrl(deps, leadWorkflowId(lead.businessId, lead.phoneE164)) : null,
  });
  const requireStatus = async (statusKey: string | undefined) => {
    if (statusKey && !(await LeadStatus.count({ where: { key: statusKey } }))) throw new LocalizedHttpError(400, 'unknown_status', UNKNOWN_STATUS);
  };

  return [
    defineRoute({
      id: 'leads.list',
      method: 'get',
      path: '/leads',
      summary: 'Leads, newest first, with search and status filter; paged by cursor (nextCursor / previousCursor)',
      tag: 'leads',
      scope: 'tenant',
      query: z.strictObject({
        search: z.string().trim().max(100).optional(),
        status: z.string().regex(/^[a-z0-9_]{1,40}$/).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
      }),
      response: {
        status: 200,
        description: 'Leads; total is counted up to 10,000 (1,000 with a search), totalIsLowerBound says when there are more',
        schema: z.object({ leads: z.array(leadSchema), total: z.number(), totalIsLowerBound: z.boolean(), nextCursor: z.string().nullable(), previousCursor: z.string().nullable() }),
      },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'lead.read');
        try {
          const page = await listLeadsPage(query);
          return { body: { leads: page.rows.map(toDto), total: page.total, totalIsLowerBound: page.totalIsLowerBound, nextCursor: page.nextCursor, previousCursor: page.previousCursor } };
        } catch (error) {
          if (error instanceof InvalidLeadCursorError) throw new HttpError(400, 'validation_failed', 'The request has invalid fields', { cursor: [error.message] });
          throw error;
        }
      },
    }),
    defineRoute({
      id: 'leads.create',
      method: 'post',
      path: '/leads',
      summary: 'Create a lead; the same phone in the business merges into the existing lead (200) instead of creating one (201)',
      tag: 'leads',
      scope: 'tenant',
      body: leadCreateBody,
      response: { status: 201, description: 'Created (200 when merged)', schema: z.object({ lead: leadSchema, created: z.boolean() }) },
      handler: async ({ auth, body, businessId, afterCommit }) => {
        requirePermission(auth, 'lead.write');
        const phone = extractPhoneNumber(body.phone).e164;
        if (!phone) throw new HttpError(400, 'validation_failed', 'The request has invalid fields', { phone: [`${INVALID_PHONE.en} / ${INVALID_PHONE.he}`] });
        const source = auth.via === 'api_key' ? 'api' : 'crm';
        const details = { businessId, fullName: normalizeName(body.fullName), phone, email: body.email ?? null, need: body.need ?? null, source } as const;
        let result;
        try {
          result = await upsertLeadByPhone(businessId, details);
        } catch (error) {
          if (error instanceof UniqueConstraintError) throw new LocalizedHttpError(409, 'lead_exists', { he: 'ליד עם מספר זה נוצר זה עתה; נסו שוב', en: 'A lead with this phone was just created; retry' });
          throw error;
        }
        const captured = { leadId: result.lead.id, created: result.created, fullName: result.lead.fullName, phoneE164: phone };
        afterCommit(async () => {
          await captureLead(deps.temporal, { taskQueue: deps.taskQueue, details, followUpAfterMs: deps.leadFollowUpMs, captured });
        });
        return { status: result.created ? 201 : 200, body: { lead: toDto(result.lead), created: result.created } };
      },
    }),
    defineRoute({
      id: 'leads.get',
      method: 'get',
      path: '/leads/:id',
      summary: 'One lead with its appointments',
      tag: 'leads',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Lead', schema: z.object({ lead: leadSchema, appointments: z.array(z.object({ id: z.uuid(), startsAt: z.string(), status: z.string(), workflowUrl: z.string().nullable() })) }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'lead.read');
        const lead = await Lead.findByPk(params.id);
        if (!lead) throw notFound(LEAD_NOT_FOUND);
        const appointments = await Appointment.findAll({ where: { leadId: lead.id }, order: [['startsAt', 'DESC']] });
        return {
          body: {
            lead: toDto(lead),
            appointments: appointments.map((a) => ({ id: a.id, startsAt: a.startsAt.toISOString(), status: a.status, workflowUrl: historyUrl(deps, a.workflowId) })),
          },
        };
      },
    }),
    defineRoute({
      id: 'leads.update',
      method: 'patch',
      path: '/leads/:id',
      summary: 'Edit a lead',
      tag: 'leads',
      scope: 'tenant',
      params: uuidParam,
      body: leadUpdateBody,
      response: { status: 200, description: 'Lead', schema: z.object({ lead: leadSchema }) },
      handler: async ({ auth, params, body }) => {
        requirePermission(auth, 'lead.write');
        const lead = await Lead.findByPk(params.id);
        if (!lead) throw notFound(LEAD_NOT_FOUND);
        await requireStatus(body.statusKey);
        await lead.update({ ...body, ...(body.fullName ? { fullName: normalizeName(body.fullName) } : {}) });
        return { body: { lead: toDto(lead) } };
      },
    }),
    defineRoute({
      id: 'leads.setReminder',
      method: 'post',
      path: '/leads/:id/reminder',
      summary: 'Remind the team about a lead at a time (a durable timer); setting it again moves it',
      tag: 'leads',
      scope: 'tenant',
      params: uuidParam,
      body: z.strictObject({ remindAt: z.iso.datetime({ offset: true }), title: z.string().trim().min(1).max(200).optional() }),
      response: { status: 200, description: 'Reminder set', schema: z.object({ remindAt: z.string(), workflowUrl: z.string().nullable() }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, body, businessId, inTenant }) => {
        requirePermission(auth, 'lead.write');
        const lead = await inTenant(() => Lead.findByPk(params.id));
        if (!lead) throw notFound(LEAD_NOT_FOUND);
        const remindAt = new Date(Date.parse(body.remindAt)).toISOString();
        const { workflowId } = await setCrmReminder(deps.temporal, deps.taskQueue, {
          businessId,
          target: { type: 'lead', id: lead.id },
          remindAt,
          title: body.title ?? lead.fullName,
        });
        return { body: { remindAt, workflowUrl: historyUrl(deps, workflowId) } };
      },
    }),
    defineRoute({
      id: 'leads.cancelReminder',
      method: 'delete',
      path: '/leads/:id/reminder',
      summary: "Cancel a lead's waiting reminder",
      tag: 'leads',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, businessId, inTenant }) => {
        requirePermission(auth, 'lead.write');
        const lead = await inTenant(() => Lead.findByPk(params.id));
        if (!lead) throw notFound(LEAD_NOT_FOUND);
        if (!(await cancelCrmReminder(deps.temporal, businessId, { type: 'lead', id: lead.id }))) {
          throw notFound({ he: 'אין תזכורת ממתינה לליד זה', en: 'This lead has no waiting reminder' });
        }
      },
    }),
    defineRoute({
      id: 'leads.delete',
      method: 'delete',
      path: '/leads/:id',
      summary: 'Delete a lead (its appointments stay, without the link)',
      tag: 'leads',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params, audit, businessId }) => {
        requirePermission(auth, 'lead.write');
        const lead = await Lead.findByPk(params.id);
        if (!lead) throw notFound(LEAD_NOT_FOUND);
        await lead.destroy();
        await audit({ action: 'lead.delete', businessId, targetType: 'lead', targetId: lead.id, details: { fullName: lead.fullName } });
      },
    }),
  ];
}

