import { z } from 'zod';
import { Op } from 'sequelize';
import { getAvailableSlots } from '../../domain';
import { requirePermission } from '../../domain/policy';
import { Appointment, Business, Lead, businessRulesOf } from '../../data';
import { bookAppointment, cancelAppointment, rescheduleAppointment, applicationFailureOf, type HeldAppointment } from '../../orchestration';
import { FAILURE_TYPES } from '../../temporal-config';
import { HttpError } from '../http/errors';
import { historyUrl, type BookingDeps } from './booking-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const MAX_RANGE_DAYS = 62;
const APPOINTMENT_NOT_FOUND = { he: 'התור לא נמצא', en: 'Appointment not found' };
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

const REASON_MESSAGES: Record<string, { he: string; en: string }> = {
  closed: { he: 'העסק סגור ביום זה', en: 'The business is closed on that day' },
  outside_hours: { he: 'השעה מחוץ לשעות הפעילות', en: 'That time is outside opening hours' },
  too_soon: { he: 'מוקדם מדי לקבוע לשעה זו', en: 'That time is too soon to book' },
  too_far: { he: 'התאריך רחוק מדי', en: 'That date is too far ahead' },
  taken: { he: 'השעה תפוסה', en: 'That time is taken' },
  daily_cap: { he: 'היום מלא', en: 'That day is fully booked' },
  invalid: { he: 'השעה אינה תואמת את חלוקת התורים', en: 'That time does not match the slot grid' },
};

const isoInstant = z.iso.datetime({ offset: true });
const rangeQuery = z
  .strictObject({ from: isoInstant, to: isoInstant })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: '`to` must be after `from`', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_RANGE_DAYS * 86_400_000, { message: `at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

const slotSchema = z.object({ startsAt: z.string(), endsAt: z.string() });
const appointmentSchema = z.object({
  id: z.uuid(),
  leadId: z.uuid().nullable(),
  customerName: z.string().nullable(),
  customerPhone: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: z.string(),
  notes: z.string().nullable(),
  source: z.string(),
  workflowId: z.string().nullable(),
  workflowUrl: z.string().nullable(),
});
type AppointmentDto = z.infer<typeof appointmentSchema>;

export function appointmentRoutes(deps: BookingDeps): AnyRoute[] {
  const toDto = (appointment: Appointment, lead: Lead | null): AppointmentDto => ({
    id: appointment.id,
    leadId: appointment.leadId,
    customerName: lead?.fullName ?? null,
    customerPhone: lead?.phoneE164 ?? null,
    startsAt: appointment.startsAt.toISOString(),
    endsAt: appointment.endsAt.toISOString(),
    status: appointment.status,
    notes: appointment.notes,
    source: appointment.source,
    workflowId: appointment.workflowId,
    workflowUrl: historyUrl(deps, appointment.workflowId),
  });
  const heldDto = (held: HeldAppointment, workflowId: string, requestSource: string): AppointmentDto => ({
    id: held.appointmentId,
    leadId: held.leadId,
    customerName: held.customerName,
    customerPhone: held.customerPhone,
    startsAt: held.startsAt,
    endsAt: held.endsAt,
    status: held.status,
    // Holds answered by workflows started before these fields existed lack them.
    notes: held.notes ?? null,
    source: held.source ?? requestSource,
    workflowId,
    workflowUrl: historyUrl(deps, workflowId),
  });
  const load = async (id: string) => {
    const appointment = await Appointment.findByPk(id);
    if (!appointment) throw notFound(APPOINTMENT_NOT_FOUND);
    return { appointment, lead: appointment.leadId ? await Lead.findByPk(appointment.leadId) : null };
  };
  const dtoOf = async (id: string) => {
    const { appointment, lead } = await load(id);
    return toDto(appointment, lead);
  };
  const refusal = (error: unknown): never => {
    const failure = applicationFailureOf(error);
    if (failure?.type === FAILURE_TYPES.slotUnavailable) {
      const details = failure.details?.[0] as { reason: string; alternatives: unknown[] } | undefined;
      throw unavailable(details?.reason ?? 'taken', details?.alternatives ?? []);
    }
    if (failure?.type === 'AppointmentNotActive') {
      throw new LocalizedHttpError(409, 'appointment_not_active', { he: 'התור אינו פעיל', en: 'The appointment is not active' });
    }
    throw error;
  };

  return [
    defineRoute({
      id: 'availability.list',
      method: 'get',
      path: '/availability',
      summary: 'Free slots between two instants, under the business rules',
      tag: 'appointments',
      scope: 'tenant',
      query: rangeQuery,
      response: { status: 200, description: 'Slots', schema: z.object({ timeZone: z.string(), slots: z.array(slotSchema) }) },
      handler: async ({ auth, query, businessId }) => {
        requirePermission(auth, 'appointment.read');
        const business = await Business.findByPk(businessId, { rejectOnEmpty: true });
        const rules = businessRulesOf(business);
        const from = Date.parse(query.from);
        const to = Date.parse(query.to);
        const busy = await Appointment.findAll({
          attributes: ['startsAt', 'endsAt'],
          where: { status: { [Op.in]: ['held', 'confirmed'] }, startsAt: { [Op.lt]: new Date(to + 86_400_000) }, endsAt: { [Op.gt]: new Date(from - 86_400_000) } },
        });
        const slots = getAvailableSlots({ rules, bookings: busy.map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() })), now: Date.now(), from, to });
        return { body: { timeZone: rules.timeZone, slots: slots.map((s) => ({ startsAt: new Date(s.start).toISOString(), endsAt: new Date(s.end).toISOString() })) } };
      },
    }),
    defineRoute({
      id: 'appointments.list',
      method: 'get',
      path: '/appointments',
      summary: 'Appointments starting between two instants',
      tag: 'appointments',
      scope: 'tenant',
      query: rangeQuery,
      response: { status: 200, description: 'Appointments', schema: z.object({ appointments: z.array(appointmentSchema) }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'appointment.read');
        const rows = await Appointment.findAll({
          where: { startsAt: { [Op.gte]: new Date(query.from), [Op.lt]: new Date(query.to) } },
          include: [{ model: Lead, required: false }],
          order: [['startsAt', 'ASC']],
        });
        return { body: { appointments: rows.map((row) => toDto(row, (row as Appointment & { Lead?: Lead }).Lead ?? null)) } };
      },
    }),
    defineRoute({
      id: 'appointments.create',
      method: 'post',
      path: '/appointments',
      summary: 'Book an appointment (needs an Idempotency-Key header: a retry with the same key books once)',
      tag: 'appointments',
      scope: 'tenant',
      body: z.strictObject({
        name: z.string().trim().min(1).max(120),
        phone: z.string().trim().min(3).max(40),
        start: isoInstant,
        durationMinutes: z.number().int().min(5).max(8 * 60).optional(),
        notes: z.string().trim().max(2000).optional(),
      }),
      response: { status: 201, description: 'Booked (held and being confirmed)', schema: z.object({ appointment: appointmentSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, body, businessId, req, inTenant }) => {
        requirePermission(auth, 'appointment.write');
        const key = req.header('idempotency-key') ?? '';
        if (!IDEMPOTENCY_KEY.test(key)) {
          throw new LocalizedHttpError(400, 'idempotency_key_required', {
            he: 'נדרשת כותרת Idempotency-Key (8–200 תווים: אותיות, ספרות, . _ : -)',
            en: 'An Idempotency-Key header is required (8–200 characters: letters, digits, . _ : -)',
          });
        }
        const source = auth.via === 'api_key' ? 'api' : 'crm';
        const outcome = await bookAppointment(deps.temporal, {
          taskQueue: deps.taskQueue,
          reminderOffsetsMs: deps.reminderOffsetsMs,
          request: {
            businessId,
            idempotencyKey: key,
            customer: { fullName: body.name, phone: body.phone },
            startsAt: body.start,
            durationMinutes: body.durationMinutes,
            notes: body.notes ?? null,
            source,
          },
        });
        switch (outcome.kind) {
          case 'held':
            // The hold is the appointment as this request booked it (a retry gets the first answer):
            // answering from it keeps the database off the caller's clock.
            return { status: 201, body: { appointment: heldDto(outcome.appointment, outcome.workflowId, source) } };
          case 'closed': {
            const appointment = await inTenant(async () => {
              const row = await Appointment.findOne({ where: { idempotencyKey: key } });
              return row ? dtoOf(row.id) : null;
            });
            if (!appointment) throw notFound(APPOINTMENT_NOT_FOUND);
            return { status: 201, body: { appointment } };
          }
          case 'unavailable':
            throw unavailable(outcome.refusal.reason, outcome.refusal.alternatives);
          case 'invalid': {
            const field = outcome.field === 'name' ? 'name' : outcome.field === 'start' ? 'start' : 'phone';
            const message = field === 'phone' ? 'The phone number is not valid / מספר הטלפון אינו תקין' : outcome.message;
            throw new HttpError(400, 'validation_failed', 'The request has invalid fields', { [field]: [message] });
          }
          case 'idempotency_mismatch':
            throw new LocalizedHttpError(422, 'idempotency_key_reused', {
              he: 'מפתח Idempotency-Key זה כבר שימש לבקשה אחרת',
              en: 'This Idempotency-Key was already used for a different request',
            });
        }
      },
    }),
    defineRoute({
      id: 'appointments.reschedule',
      method: 'post',
      path: '/appointments/:id/reschedule',
      summary: 'Move an appointment; its reminders move with it',
      tag: 'appointments',
      scope: 'tenant',
      params: uuidParam,
      body: z.strictObject({ start: isoInstant, durationMinutes: z.number().int().min(5).max(8 * 60).optional() }),
      response: { status: 200, description: 'Moved', schema: z.object({ appointment: appointmentSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, body, req, inTenant }) => {
        requirePermission(auth, 'appointment.write');
        const { workflowId } = await inTenant(() => dtoOf(params.id));
        if (!workflowId) throw notFound(APPOINTMENT_NOT_FOUND);
        const updateId = req.header('idempotency-key') ?? undefined;
        await rescheduleAppointment(deps.temporal, workflowId, { startsAt: body.start, durationMinutes: body.durationMinutes }, updateId).catch(refusal);
        return { body: { appointment: await inTenant(() => dtoOf(params.id)) } };
      },
    }),
    defineRoute({
      id: 'appointments.cancel',
      method: 'post',
      path: '/appointments/:id/cancel',
      summary: 'Cancel an appointment; its reminders stop',
      tag: 'appointments',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Cancelled', schema: z.object({ appointment: appointmentSchema }) },
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, inTenant }) => {
        requirePermission(auth, 'appointment.write');
        const current = await inTenant(() => dtoOf(params.id));
        if (current.status === 'cancelled') return { body: { appointment: current } };
        if (!current.workflowId) throw notFound(APPOINTMENT_NOT_FOUND);
        await cancelAppointment(deps.temporal, current.workflowId).catch(refusal);
        return { body: { appointment: await inTenant(() => dtoOf(params.id)) } };
      },
    }),
  ];
}

function unavailable(reason: string, alternatives: unknown[]): LocalizedHttpError {
  const messages = REASON_MESSAGES[reason] ?? REASON_MESSAGES.taken!;
  // taken: 409 with alternatives; any other rule: 422 with the reason (and alternatives where there are some).
  return new LocalizedHttpError(reason === 'taken' ? 409 : 422, reason === 'taken' ? 'slot_taken' : 'outside_rules', messages, { reason, alternatives });
}
