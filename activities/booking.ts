import { ApplicationFailure } from '@temporalio/activity';
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { checkBookable, extractPhoneNumber, findAlternatives, type BusinessRules, type TimeRange } from '../domain';
import { Appointment, Business, Lead, businessRulesOf, type Database } from '../data';
import type { LeadSource } from '../data/models';
import { FAILURE_TYPES } from '../temporal-config';
import type { ActivityDependencies } from './dependencies';

export interface BookingRequest {
  businessId: string;
  /** The client's Idempotency-Key: the same request retried books once. */
  idempotencyKey: string;
  customer: { fullName: string; phone: string };
  /** ISO instant. */
  startsAt: string;
  durationMinutes?: number;
  notes?: string | null;
  source: LeadSource;
  resourceKey?: string;
}

export interface HeldAppointment {
  appointmentId: string;
  leadId: string;
  leadCreated: boolean;
  startsAt: string;
  endsAt: string;
  status: string;
  notes: string | null;
  source: string;
  customerName: string;
  customerPhone: string;
  businessName: string;
  reminderOffsetsMinutes: number[];
}

/** Why a requested time cannot be booked; the receptionist offers the alternatives instead. */
export interface SlotRefusal {
  reason: string;
  alternatives: Array<{ startsAt: string; endsAt: string }>;
}

export const SLOT_UNAVAILABLE = FAILURE_TYPES.slotUnavailable;
export const INVALID_BOOKING = FAILURE_TYPES.invalidBooking;
const ALTERNATIVES_OFFERED = 3;
const DAY_MS = 86_400_000;
const CHECK_DAYS_AFTER = 1;
const ALTERNATIVES_DAYS_AFTER = 14;
const EXCLUSION_VIOLATION = '23P01';

export function createBookingActivities({ db }: ActivityDependencies) {
  return {
    /** Validates against the business's rules and holds the slot; the same idempotency key returns the same hold. */
    async holdAppointment(input: BookingRequest & { workflowId: string }): Promise<HeldAppointment> {
      const phone = extractPhoneNumber(input.customer.phone).e164;
      if (!phone) throw ApplicationFailure.nonRetryable('the phone number is not valid', INVALID_BOOKING, { field: 'phone' });
      const fullName = input.customer.fullName.trim();
      if (!fullName) throw ApplicationFailure.nonRetryable('a name is required', INVALID_BOOKING, { field: 'name' });
      const start = Date.parse(input.startsAt);
      if (!Number.isFinite(start)) throw ApplicationFailure.nonRetryable('the start time is not valid', INVALID_BOOKING, { field: 'start' });

      try {
        // One transaction from the idempotency lookup to the insert: every round trip here is on the caller's clock.
        return await db.withTenant({ businessId: input.businessId }, async (transaction) => {
          // A retry whose first attempt committed finds its own hold: in the way of its slot (or
          // refused for another reason, e.g. the time has passed since), or as a duplicate key on
          // insert. Looking for it only then keeps the lookup off every first attempt.
          const unlessAlreadyHeld = async (refuse: () => Promise<ApplicationFailure>) =>
            (await heldByKey(input.businessId, input.idempotencyKey, transaction)) ?? Promise.reject(await refuse());
          const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true, transaction });
          if (business.lockedDown) {
            return unlessAlreadyHeld(async () => ApplicationFailure.nonRetryable('the business is not taking bookings', SLOT_UNAVAILABLE, refusal('closed', [])));
          }
          const rules = withDuration(businessRulesOf(business), input.durationMinutes);
          const resourceKey = input.resourceKey ?? 'default';
          const bookings = await busyAround(resourceKey, start, CHECK_DAYS_AFTER, transaction);
          const verdict = checkBookable({ rules, bookings, now: Date.now(), start });
          if (!verdict.ok) return unlessAlreadyHeld(() => slotUnavailable(verdict.reason, rules, start, resourceKey, transaction));

          const lead = await upsertLeadByPhone(input.businessId, { fullName, phone, source: input.source, statusKeyIfNew: 'appointment_set' }, transaction);
          const appointment = await Appointment.create(
            {
              businessId: input.businessId,
              leadId: lead.lead.id,
              resourceKey,
              startsAt: new Date(start),
              endsAt: new Date(start + rules.slotLengthMinutes * 60_000),
              status: 'held',
              notes: input.notes ?? null,
              source: input.source,
              idempotencyKey: input.idempotencyKey,
              workflowId: input.workflowId,
            },
            { transaction },
          );
          if (!lead.created && ['new', 'contacted', 'qualified'].includes(lead.lead.statusKey)) {
            await lead.lead.update({ statusKey: 'appointment_set' }, { transaction });
          }
          return held(appointment, lead.lead, lead.created, business);
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError) {
          const raced = await findByKey(db, input.businessId, input.idempotencyKey);
          if (raced) return raced;
        }
        if (isExclusionViolation(error)) {
          // Another booking took the slot between our check and our insert.
          throw await db.withTenant({ businessId: input.businessId }, async (transaction) => {
            const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true, transaction });
            return slotUnavailable('taken', withDuration(businessRulesOf(business), input.durationMinutes), start, input.resourceKey ?? 'default', transaction);
          });
        }
        throw error;
      }
    },

    async confirmAppointment(input: { businessId: string; appointmentId: string }): Promise<void> {
      await db.withTenant({ businessId: input.businessId }, () =>
        Appointment.update({ status: 'confirmed' }, { where: { id: input.appointmentId, status: 'held' } }),
      );
    },

    async cancelAppointment(input: { businessId: string; appointmentId: string }): Promise<void> {
      await db.withTenant({ businessId: input.businessId }, () =>
        Appointment.update({ status: 'cancelled' }, { where: { id: input.appointmentId, status: { [Op.in]: ['held', 'confirmed'] } } }),
      );
    },

    /** Moves the appointment; the rules are checked without the appointment's own current time. */
    async rescheduleAppointment(input: { businessId: string; appointmentId: string; startsAt: string; durationMinutes?: number }): Promise<{ startsAt: string; endsAt: string }> {
      const start = Date.parse(input.startsAt);
      if (!Number.isFinite(start)) throw ApplicationFailure.nonRetryable('the start time is not valid', INVALID_BOOKING, { field: 'start' });
      try {
        return await db.withTenant({ businessId: input.businessId }, async (transaction) => {
          const appointment = await Appointment.findByPk(input.appointmentId, { rejectOnEmpty: true, transaction });
          if (appointment.startsAt.getTime() === start && !input.durationMinutes) {
            return { startsAt: appointment.startsAt.toISOString(), endsAt: appointment.endsAt.toISOString() };
          }
          const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true, transaction });
          const rules = withDuration(businessRulesOf(business), input.durationMinutes ?? (appointment.endsAt.getTime() - appointment.startsAt.getTime()) / 60_000);
          const bookings = await busyAround(appointment.resourceKey, start, CHECK_DAYS_AFTER, transaction, appointment.id);
          const verdict = checkBookable({ rules, bookings, now: Date.now(), start });
          if (!verdict.ok) throw await slotUnavailable(verdict.reason, rules, start, appointment.resourceKey, transaction, appointment.id);
          await appointment.update({ startsAt: new Date(start), endsAt: new Date(start + rules.slotLengthMinutes * 60_000) }, { transaction });
          return { startsAt: appointment.startsAt.toISOString(), endsAt: appointment.endsAt.toISOString() };
        });
      } catch (error) {
        if (isExclusionViolation(error)) throw ApplicationFailure.nonRetryable('the new time is taken', SLOT_UNAVAILABLE, refusal('taken', []));
        throw error;
      }
    },
  };
}

export async function upsertLeadByPhone(
  businessId: string,
  details: { fullName: string; phone: string; source: LeadSource; email?: string | null; need?: string | null; statusKeyIfNew?: string },
  /** Omitted inside withTenant: the tenant transaction is picked up from the context. */
  transaction?: Transaction,
): Promise<{ lead: Lead; created: boolean }> {
  const existing = await Lead.findOne({ where: { phoneE164: details.phone }, transaction });
  if (existing) {
    const changes: Partial<Pick<Lead, 'fullName' | 'email' | 'need' | 'lastContactAt'>> = { lastContactAt: new Date() };
    if (details.fullName && details.fullName !== existing.fullName) changes.fullName = details.fullName;
    if (details.email && !existing.email) changes.email = details.email;
    if (details.need) changes.need = existing.need && !existing.need.includes(details.need) ? `${existing.need}; ${details.need}` : details.need;
    await existing.update(changes, { transaction });
    return { lead: existing, created: false };
  }
  const lead = await Lead.create(
    {
      businessId,
      fullName: details.fullName,
      phoneE164: details.phone,
      email: details.email ?? null,
      need: details.need ?? null,
      source: details.source,
      ...(details.statusKeyIfNew ? { statusKey: details.statusKeyIfNew } : {}),
      lastContactAt: new Date(),
    },
    { transaction },
  );
  return { lead, created: true };
}

function withDuration(rules: BusinessRules, durationMinutes: number | undefined): BusinessRules {
  return durationMinutes ? { ...rules, slotLengthMinutes: durationMinutes } : rules;
}

/**
 * Active bookings of the resource from a day before `start` to `daysAfter` days after it. A day on
 * each side covers the daily cap of start's local date in any zone and any buffer, so checking one
 * start reads a few rows, however many bookings the business has.
 */
async function busyAround(resourceKey: string, start: number, daysAfter: number, transaction: Transaction, excludeId?: string): Promise<TimeRange[]> {
  const rows = await Appointment.findAll({
    attributes: ['id', 'startsAt', 'endsAt'],
    where: {
      resourceKey,
      status: { [Op.in]: ['held', 'confirmed'] },
      startsAt: { [Op.lt]: new Date(start + (daysAfter + 1) * DAY_MS) },
      endsAt: { [Op.gt]: new Date(start - DAY_MS) },
      ...(excludeId ? { id: { [Op.ne]: excludeId } } : {}),
    },
    transaction,
  });
  return rows.map((row) => ({ start: row.startsAt.getTime(), end: row.endsAt.getTime() }));
}

/** The refusal with the nearest bookable alternatives within the next two weeks. */
async function slotUnavailable(reason: string, rules: BusinessRules, start: number, resourceKey: string, transaction: Transaction, excludeId?: string): Promise<ApplicationFailure> {
  const bookings = await busyAround(resourceKey, start, ALTERNATIVES_DAYS_AFTER, transaction, excludeId);
  // Past the loaded bookings a slot would only look free, so alternatives stop there.
  const horizon = start + ALTERNATIVES_DAYS_AFTER * DAY_MS;
  const alternatives = findAlternatives({ rules, bookings, now: Date.now(), requestedStart: start, count: ALTERNATIVES_OFFERED })
    .filter((slot) => slot.end <= horizon)
    .map((slot) => ({ startsAt: new Date(slot.start).toISOString(), endsAt: new Date(slot.end).toISOString() }));
  return ApplicationFailure.nonRetryable(`the requested time cannot be booked: ${reason}`, SLOT_UNAVAILABLE, refusal(reason, alternatives));
}

function refusal(reason: string, alternatives: SlotRefusal['alternatives']): SlotRefusal {
  return { reason, alternatives };
}

function isExclusionViolation(error: unknown): boolean {
  return (error as { parent?: { code?: string } }).parent?.code === EXCLUSION_VIOLATION;
}

async function findByKey(db: Database, businessId: string, idempotencyKey: string): Promise<HeldAppointment | null> {
  return db.withTenant({ businessId }, (transaction) => heldByKey(businessId, idempotencyKey, transaction));
}

async function heldByKey(businessId: string, idempotencyKey: string, transaction: Transaction): Promise<HeldAppointment | null> {
  const appointment = await Appointment.findOne({ where: { idempotencyKey }, transaction });
  if (!appointment) return null;
  const [lead, business] = await Promise.all([
    Lead.findByPk(appointment.leadId ?? '', { transaction }),
    Business.findByPk(businessId, { rejectOnEmpty: true, transaction }),
  ]);
  if (!lead) return null;
  return held(appointment, lead, false, business);
}

function held(appointment: Appointment, lead: Lead, leadCreated: boolean, business: Business): HeldAppointment {
  return {
    appointmentId: appointment.id,
    leadId: lead.id,
    leadCreated,
    startsAt: appointment.startsAt.toISOString(),
    endsAt: appointment.endsAt.toISOString(),
    status: appointment.status,
    notes: appointment.notes,
    source: appointment.source,
    customerName: lead.fullName,
    customerPhone: lead.phoneE164 ?? '',
    businessName: business.name,
    reminderOffsetsMinutes: business.reminderOffsetsMinutes,
  };
}
