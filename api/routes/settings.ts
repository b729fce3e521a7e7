import { z, type ZodType } from 'zod';
import { Business, LeadStatus } from '../../data';
import { requirePermission } from '../../domain/policy';
import {
  bookingRulesBody,
  closedDatesBody,
  reminderOffsetsBody,
  setBookingRules,
  setClosedDates,
  setReminderOffsets,
  setWeeklyHours,
  weeklyHoursBody,
  type SettingsContext,
} from '../services/business-settings';
import { BUSINESS_NOT_FOUND } from '../services/businesses';
import { guessMapping, importLeads, LEAD_IMPORT_FIELDS, MAX_IMPORT_ROWS, parseCsv } from '../services/lead-import';
import { addLeadStatus, deleteLeadStatus, leadStatusLabelsBody, moveLeadStatus, renameLeadStatus, statusKeySchema } from '../services/lead-statuses';
import { LocalizedHttpError, defineRoute, notFound, type AnyRoute } from './registry';

/**
 * The settings the CRM's settings pages change, as REST: weekly hours with breaks, closed dates,
 * booking rules, reminder times, the lead statuses, and the CSV import of leads. The same zod
 * schemas and services as the CRM (api/services/business-settings.ts, lead-statuses.ts,
 * lead-import.ts), in the request's tenant transaction, audited there.
 */

const timeRange = z.object({ start: z.string(), end: z.string() });
const bookingSettingsSchema = z.object({
  weeklyHours: z.record(z.string(), z.array(timeRange)),
  closedDates: z.array(z.string()),
  bookingRules: z.object({
    slotLengthMinutes: z.number().optional(),
    slotIntervalMinutes: z.number().optional(),
    minimumNoticeMinutes: z.number().optional(),
    bookingWindowDays: z.number().optional(),
    maxBookingsPerDay: z.number().nullable().optional(),
  }),
  reminderOffsetsMinutes: z.array(z.number()),
});

const leadStatusSchema = z.object({ key: z.string(), labelHe: z.string(), labelEn: z.string(), color: z.string(), position: z.number(), isDefault: z.boolean() });
const toStatusDto = (status: LeadStatus): z.infer<typeof leadStatusSchema> => ({
  key: status.key,
  labelHe: status.labelHe,
  labelEn: status.labelEn,
  color: status.color,
  position: status.position,
  isDefault: status.isDefault,
});
const statusKeyParam = z.strictObject({ key: statusKeySchema });

/**
 * CSV text up to 400,000 characters: what fits the API's 1 MB JSON body even when every character
 * is Hebrew (two bytes); larger files go through the CRM's upload (2 MB). The mapping is guessed
 * from the headers when absent.
 */
export const MAX_CSV_CHARS = 400_000;
const columnIndex = z.number().int().min(0).max(200).nullable();
const leadImportBody = z.strictObject({
  csv: z.string().min(1).max(MAX_CSV_CHARS),
  mapping: z.strictObject({ fullName: columnIndex, phone: columnIndex, email: columnIndex.optional(), need: columnIndex.optional() }).optional(),
});
const NO_NAME_OR_PHONE = { he: 'יש לבחור עמודה לשם ועמודה לטלפון', en: 'Choose a column for the name and one for the phone' };
const TOO_MANY_ROWS = { he: `בקובץ יותר מ-${MAX_IMPORT_ROWS} שורות`, en: `The file has more than ${MAX_IMPORT_ROWS} rows` };

async function bookingSettings(businessId: string): Promise<z.infer<typeof bookingSettingsSchema>> {
  const business = await Business.findByPk(businessId);
  if (!business) throw notFound(BUSINESS_NOT_FOUND);
  const { closedDates = [], ...bookingRules } = business.bookingRules;
  return { weeklyHours: business.weeklyHours, closedDates, bookingRules, reminderOffsetsMinutes: business.reminderOffsetsMinutes };
}

/** A PUT that stores one part of the booking settings through its service and answers all of them. */
function bookingSettingsRoute<B>(id: string, path: string, summary: string, body: ZodType<B>, apply: (ctx: SettingsContext, body: B) => Promise<unknown>): AnyRoute {
  return defineRoute({
    id,
    method: 'put',
    path,
    summary,
    tag: 'settings',
    scope: 'tenant',
    body,
    response: { status: 200, description: 'The booking settings after the change', schema: bookingSettingsSchema },
    handler: async ({ auth, body: input, businessId, audit }) => {
      await apply({ auth, businessId, audit }, input);
      return { body: await bookingSettings(businessId) };
    },
  });
}

export function settingsRoutes(): AnyRoute[] {
  return [
    defineRoute({
      id: 'settings.booking.get',
      method: 'get',
      path: '/business/booking-settings',
      summary: 'Weekly hours (with breaks), closed dates, booking rules and reminder times',
      tag: 'settings',
      scope: 'tenant',
      response: { status: 200, description: 'Booking settings', schema: bookingSettingsSchema },
      handler: async ({ auth, businessId }) => {
        requirePermission(auth, 'settings.read');
        return { body: await bookingSettings(businessId) };
      },
    }),
    bookingSettingsRoute('settings.hours.set', '/business/hours', 'Replace the weekly hours: per weekday "0" (Sunday)…"6", ranges in order; a gap between two is a break (audited)', weeklyHoursBody, setWeeklyHours),
    bookingSettingsRoute('settings.closedDates.set', '/business/closed-dates', 'Replace the closed dates (YYYY-MM-DD, business time; audited)', closedDatesBody, (ctx, body) =>
      setClosedDates(ctx, body.closedDates),
    ),
    bookingSettingsRoute('settings.bookingRules.set', '/business/booking-rules', 'Set the booking rules: slot length and interval, minimum notice, booking window, daily cap (audited)', bookingRulesBody, setBookingRules),
    bookingSettingsRoute('settings.reminders.set', '/business/reminders', 'Set the reminder times, in minutes before an appointment (audited)', reminderOffsetsBody, (ctx, body) =>
      setReminderOffsets(ctx, body.reminderOffsetsMinutes),
    ),
    defineRoute({
      id: 'leadStatuses.list',
      method: 'get',
      path: '/lead-statuses',
      summary: "The business's lead statuses, in pipeline order",
      tag: 'lead statuses',
      scope: 'tenant',
      response: { status: 200, description: 'Statuses', schema: z.object({ statuses: z.array(leadStatusSchema) }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'lead.read');
        const statuses = await LeadStatus.findAll({ order: [['position', 'ASC'], ['createdAt', 'ASC']] });
        return { body: { statuses: statuses.map(toStatusDto) } };
      },
    }),
    defineRoute({
      id: 'leadStatuses.create',
      method: 'post',
      path: '/lead-statuses',
      summary: 'Add a status at the end of the pipeline; its key is made from the English label (audited)',
      tag: 'lead statuses',
      scope: 'tenant',
      body: leadStatusLabelsBody,
      response: { status: 201, description: 'Created', schema: z.object({ status: leadStatusSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        const status = await addLeadStatus({ auth, businessId, audit }, body);
        return { status: 201, body: { status: toStatusDto(status) } };
      },
    }),
    defineRoute({
      id: 'leadStatuses.update',
      method: 'put',
      path: '/lead-statuses/:key',
      summary: "Change a status's labels and colour (audited)",
      tag: 'lead statuses',
      scope: 'tenant',
      params: statusKeyParam,
      body: leadStatusLabelsBody,
      response: { status: 200, description: 'Updated', schema: z.object({ status: leadStatusSchema }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        const status = await renameLeadStatus({ auth, businessId, audit }, params.key, body);
        return { body: { status: toStatusDto(status) } };
      },
    }),
    defineRoute({
      id: 'leadStatuses.move',
      method: 'post',
      path: '/lead-statuses/:key/move',
      summary: 'Move a status one place up or down the pipeline (audited)',
      tag: 'lead statuses',
      scope: 'tenant',
      params: statusKeyParam,
      body: z.strictObject({ direction: z.enum(['up', 'down']) }),
      response: { status: 200, description: 'The statuses in their new order', schema: z.object({ statuses: z.array(leadStatusSchema) }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        await moveLeadStatus({ auth, businessId, audit }, params.key, body.direction);
        const statuses = await LeadStatus.findAll({ order: [['position', 'ASC'], ['createdAt', 'ASC']] });
        return { body: { statuses: statuses.map(toStatusDto) } };
      },
    }),
    defineRoute({
      id: 'leadStatuses.delete',
      method: 'delete',
      path: '/lead-statuses/:key',
      summary: 'Delete a status; its leads move to `moveLeadsTo`. The default status of new leads stays (audited)',
      tag: 'lead statuses',
      scope: 'tenant',
      params: statusKeyParam,
      query: z.strictObject({ moveLeadsTo: statusKeySchema }),
      response: { status: 200, description: 'Deleted', schema: z.object({ movedLeads: z.number() }) },
      handler: async ({ auth, params, query, businessId, audit }) => {
        if (query.moveLeadsTo === params.key) {
          throw new LocalizedHttpError(400, 'validation_failed', { he: 'יש לבחור סטטוס אחר ללידים שלו', en: 'Choose another status for its leads' });
        }
        return { body: { movedLeads: await deleteLeadStatus({ auth, businessId, audit }, params.key, query.moveLeadsTo) } };
      },
    }),
    defineRoute({
      id: 'leads.import',
      method: 'post',
      path: '/leads/import',
      summary: 'Import leads from CSV text (header row first): deduped by phone exactly as POST /leads; answers what was created, updated and skipped',
      tag: 'leads',
      scope: 'tenant',
      body: leadImportBody,
      response: {
        status: 200,
        description: 'Report (row numbers count the header as row 1)',
        schema: z.object({
          created: z.number(),
          updated: z.number(),
          skipped: z.array(z.object({ row: z.number(), reason: z.string() })),
          mapping: z.record(z.string(), z.number().nullable()),
        }),
      },
      handler: async ({ auth, body, businessId, audit }) => {
        const rows = parseCsv(body.csv);
        const headers = rows[0] ?? [];
        const dataRows = rows.slice(1);
        if (dataRows.length > MAX_IMPORT_ROWS) throw new LocalizedHttpError(400, 'too_many_rows', TOO_MANY_ROWS);
        const guessed = guessMapping(headers);
        const mapping = Object.fromEntries(LEAD_IMPORT_FIELDS.map((field) => [field, body.mapping ? (body.mapping[field] ?? null) : guessed[field]])) as typeof guessed;
        if (mapping.fullName === null || mapping.phone === null) throw new LocalizedHttpError(400, 'mapping_required', NO_NAME_OR_PHONE);
        const report = await importLeads({ auth, businessId, audit }, dataRows, mapping);
        return { body: { ...report, mapping } };
      },
    }),
  ];
}
