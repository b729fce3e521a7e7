import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { Op } from 'sequelize';
import { formatWhen, notificationText } from '../activities/notification-texts';
import { Appointment, Business, Conversation, Lead, Notification, businessRulesOf, type Database } from '../data';
import { extractPhoneNumber, getAvailableSlots, parseHebrewDateTime } from '../domain';
import { applicationFailureOf, bookAppointment, cancelAppointment, captureLead, rescheduleAppointment } from '../orchestration';
import type { Logger } from '../platform/logger';
import { FAILURE_TYPES, ID_POLICIES, workflowIds } from '../temporal-config';
import { callTransfer } from '../workflows';
import { StaticAssistantTools, TOOL_DEFINITIONS, type AssistantTools, type FaqEntry, type ToolCallContext, type ToolDefinition, type ToolResult } from './assistant-tools';

export interface TemporalAssistantToolsOptions {
  client: Client;
  taskQueue: string;
  db: Database;
  logger: Logger;
  /** Longest a tool may take before the caller hears an apology. */
  timeoutMs: number;
  /** Given to lead capture: a lead without an appointment after this long gets a follow-up task. */
  leadFollowUpAfterMs: number;
  faq?: FaqEntry[];
  /** The clock (tests). */
  now?: () => number;
}

const SLOTS_OFFERED = 6;
const ZONE_CACHE_MS = 60_000;
const ACTIVE_STATUSES = ['held', 'confirmed'];
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;
const APOLOGY = {
  ok: false,
  error: 'temporarily_unavailable',
  say: 'סליחה, יש לי כרגע תקלה קטנה במערכת ולא הצלחתי לבצע את זה. מישהו מהעסק יחזור אליך בהקדם.',
  instruction: 'Apologise in Hebrew with the sentence in `say` (or close to it). Do not claim that anything was booked, changed or saved.',
};

/** Tool descriptions for the Temporal-backed tools: times and phones may be given as the caller said them. */
export const TEMPORAL_TOOL_DEFINITIONS: ToolDefinition[] = TOOL_DEFINITIONS.map((tool) => {
  if (tool.name === 'check_availability') {
    return {
      ...tool,
      parameters: {
        type: 'object',
        properties: {
          service: { type: 'string' },
          date: { type: 'string', description: "YYYY-MM-DD, or the caller's words (e.g. 'מחר', 'יום שלישי הבא')" },
          time: { type: 'string', description: "HH:MM or the caller's words (e.g. 'בעשר'), optional" },
        },
        required: ['date'],
      },
    };
  }
  if (tool.name === 'book_appointment') {
    return {
      ...tool,
      description: 'Book an appointment after the caller confirmed name, phone and time. Say it is booked only when the result has booked: true.',
      parameters: {
        type: 'object',
        properties: {
          slotStart: { type: 'string', description: "slotStart from check_availability, or the caller's words (e.g. 'מחר בעשר')" },
          service: { type: 'string' },
          name: { type: 'string' },
          phone: { type: 'string', description: 'As the caller said it; digits or Hebrew number words' },
        },
        required: ['slotStart', 'name', 'phone'],
      },
    };
  }
  return tool;
});

type ToolHandler = (args: Record<string, unknown>, context: ToolCallContext) => Promise<Record<string, unknown>>;

/**
 * The phone assistant's tools through Temporal: bookings by Update-with-Start of
 * the booking workflow (an idempotency key per call and request, so a caller who
 * repeats himself books once), moves and cancels by updates of that workflow,
 * leads by signal-with-start of lead capture. Each tool has a deadline and
 * answers a polite Hebrew apology when it cannot finish.
 */
export class TemporalAssistantTools implements AssistantTools {
  readonly #options: TemporalAssistantToolsOptions;
  readonly #static: StaticAssistantTools;
  readonly #handlers: Record<string, ToolHandler>;
  readonly #zones = new Map<string, { zone: string; until: number }>();

  constructor(options: TemporalAssistantToolsOptions) {
    this.#options = options;
    this.#static = new StaticAssistantTools(options.faq ?? []);
    this.#handlers = {
      check_availability: (args, context) => this.#checkAvailability(args, context),
      book_appointment: (args, context) => this.#book(args, context),
      move_appointment: (args, context) => this.#move(args, context),
      cancel_appointment: (args, context) => this.#cancel(args, context),
      create_or_update_lead: (args, context) => this.#saveLead(args, context),
      transfer_to_human: (args, context) => this.#transfer(context, args),
    };
  }

  definitions(): ToolDefinition[] {
    return TEMPORAL_TOOL_DEFINITIONS;
  }

  async invoke(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    const handler = this.#handlers[name];
    if (!handler) return this.#static.invoke(name, args, context);
    let timer: NodeJS.Timeout | undefined;
    // On timeout the Temporal calls in flight are aborted too, so none lingers (and retries) after
    // the caller has heard the apology.
    const abort = new AbortController();
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve('timeout');
      }, this.#options.timeoutMs);
    });
    try {
      const work = this.#options.client.withAbortSignal(abort.signal, () => handler(args, context));
      work.catch(() => undefined);
      const output = await Promise.race([work, deadline]);
      if (output === 'timeout') {
        this.#options.logger.warn({ tool: name, callSid: context.callSid, timeoutMs: this.#options.timeoutMs }, 'tool timed out: the caller hears an apology');
        return { output: { ...APOLOGY, error: 'timeout' } };
      }
      return { output };
    } catch (error) {
      this.#options.logger.error({ err: error, tool: name, callSid: context.callSid }, 'tool failed: the caller hears an apology');
      return { output: APOLOGY };
    } finally {
      clearTimeout(timer);
    }
  }

  async #checkAvailability(args: Record<string, unknown>, { businessId }: ToolCallContext): Promise<Record<string, unknown>> {
    const now = this.#now();
    return this.#options.db.withTenant({ businessId }, async (transaction) => {
      const business = await Business.findByPk(businessId, { rejectOnEmpty: true, transaction });
      const rules = businessRulesOf(business);
      const zone = rules.timeZone;
      const dateText = text(args.date);
      const timeText = text(args.time);
      let date = LOCAL_DATE.test(dateText) ? dateText : null;
      let time = /^\d{1,2}:\d{2}$/.test(timeText) ? timeText.padStart(5, '0') : null;
      if (!date || (timeText && !time)) {
        const parsed = parseHebrewDateTime(`${dateText} ${timeText}`.trim(), { now, timeZone: zone });
        date ??= parsed.date;
        time ??= parsed.time;
      }
      if (!date) return { ok: false, error: 'date_not_understood', instruction: 'Ask the caller again for the day they want.' };
      const dayStart = DateTime.fromISO(date, { zone }).startOf('day');
      const busy = await Appointment.findAll({
        attributes: ['startsAt', 'endsAt'],
        where: { status: { [Op.in]: ACTIVE_STATUSES }, startsAt: { [Op.lt]: dayStart.plus({ days: 2 }).toJSDate() }, endsAt: { [Op.gt]: dayStart.minus({ days: 1 }).toJSDate() } },
        transaction,
      });
      const slots = getAvailableSlots({
        rules,
        bookings: busy.map((b) => ({ start: b.startsAt.getTime(), end: b.endsAt.getTime() })),
        now,
        from: dayStart.toMillis(),
        to: dayStart.plus({ days: 1 }).toMillis(),
      });
      const wanted = time ? DateTime.fromISO(`${date}T${time}`, { zone }).toMillis() : dayStart.toMillis();
      const nearest = [...slots].sort((a, b) => Math.abs(a.start - wanted) - Math.abs(b.start - wanted)).slice(0, SLOTS_OFFERED).sort((a, b) => a.start - b.start);
      const requestedFree = time ? slots.some((slot) => slot.start === wanted) : null;
      return {
        ok: true,
        date,
        time,
        requestedTimeFree: requestedFree,
        slots: nearest.map((slot) => ({ slotStart: new Date(slot.start).toISOString(), time: DateTime.fromMillis(slot.start, { zone }).toFormat('HH:mm'), when: formatWhen(new Date(slot.start).toISOString(), zone, 'he') })),
        instruction: nearest.length ? 'Offer these times; book only one the caller chose.' : 'Nothing is free that day: suggest another day.',
      };
    });
  }

  async #book(args: Record<string, unknown>, { businessId, callSid, channel }: ToolCallContext): Promise<Record<string, unknown>> {
    const name = text(args.name);
    const phone = extractPhoneNumber(text(args.phone)).e164;
    if (!name) return { ok: false, booked: false, error: 'name_missing', instruction: 'Ask for the caller\'s name; nothing is booked yet.' };
    if (!phone) return { ok: false, booked: false, error: 'phone_not_understood', instruction: 'Ask the caller to repeat the phone number digit by digit; nothing is booked yet.' };
    const zone = await this.#timeZone(businessId);
    const start = this.#resolveInstant(text(args.slotStart), zone);
    if (start === null) return { ok: false, booked: false, error: 'time_not_understood', instruction: 'Ask for the day and the time again; nothing is booked yet.' };
    const startsAt = new Date(start).toISOString();
    const idempotencyKey = callKey(callSid, 'book', [phone, startsAt]);
    const service = text(args.service);
    const outcome = await bookAppointment(this.#options.client, {
      taskQueue: this.#options.taskQueue,
      request: { businessId, idempotencyKey, customer: { fullName: name, phone }, startsAt, notes: service || null, source: channel ?? 'call' },
    });
    switch (outcome.kind) {
      case 'held':
        return {
          ok: true,
          booked: true,
          appointmentId: outcome.appointment.appointmentId,
          leadId: outcome.appointment.leadId,
          startsAt: outcome.appointment.startsAt,
          when: formatWhen(outcome.appointment.startsAt, zone, 'he'),
          instruction: 'The appointment is booked. Confirm the day and time to the caller; a confirmation message (WhatsApp or SMS) is on its way.',
        };
      case 'closed':
      case 'idempotency_mismatch': {
        // The same caller, phone and time under this call's key: answer from the stored appointment.
        const stored = await this.#options.db.withTenant({ businessId }, () => Appointment.findOne({ where: { idempotencyKey } }));
        if (stored && ACTIVE_STATUSES.includes(stored.status)) {
          const iso = stored.startsAt.toISOString();
          return { ok: true, booked: true, appointmentId: stored.id, leadId: stored.leadId, startsAt: iso, when: formatWhen(iso, zone, 'he'), instruction: 'The appointment is booked (it already was).' };
        }
        return { ...APOLOGY, booked: false };
      }
      case 'unavailable':
        return {
          ok: false,
          booked: false,
          error: 'slot_unavailable',
          reason: outcome.refusal.reason,
          alternatives: outcome.refusal.alternatives.map((slot) => ({ slotStart: slot.startsAt, when: formatWhen(slot.startsAt, zone, 'he') })),
          instruction: 'That time cannot be booked. Nothing is booked. Offer the alternatives and book only the one the caller picks.',
        };
      case 'invalid':
        return { ok: false, booked: false, error: 'invalid', field: outcome.field, instruction: `Ask again for the ${outcome.field ?? 'details'}; nothing is booked yet.` };
    }
  }

  async #move(args: Record<string, unknown>, { businessId, callSid }: ToolCallContext): Promise<Record<string, unknown>> {
    const found = await this.#upcoming(businessId, args.phone);
    if ('error' in found) return found.error;
    const zone = await this.#timeZone(businessId);
    const start = this.#resolveInstant(text(args.newSlotStart), zone);
    if (start === null) return { ok: false, moved: false, error: 'time_not_understood', instruction: 'Ask for the new day and time again; nothing changed yet.' };
    const startsAt = new Date(start).toISOString();
    try {
      const view = await rescheduleAppointment(this.#options.client, found.workflowId, { startsAt }, callKey(callSid, 'move', [found.appointmentId, startsAt]));
      return { ok: true, moved: true, appointmentId: found.appointmentId, startsAt: view.startsAt, when: formatWhen(view.startsAt!, zone, 'he'), instruction: 'The appointment moved. Confirm the new day and time.' };
    } catch (error) {
      const failure = applicationFailureOf(error);
      if (failure?.type === FAILURE_TYPES.slotUnavailable) {
        const refusal = (failure.details?.[0] ?? { alternatives: [] }) as { alternatives?: Array<{ startsAt: string }> };
        return {
          ok: false,
          moved: false,
          error: 'slot_unavailable',
          alternatives: (refusal.alternatives ?? []).map((slot) => ({ slotStart: slot.startsAt, when: formatWhen(slot.startsAt, zone, 'he') })),
          instruction: 'The new time is not free; the appointment did not move. Offer the alternatives.',
        };
      }
      if (failure) return { ok: false, moved: false, error: failure.type ?? 'refused', instruction: 'The appointment could not be moved. Apologise; nothing changed.' };
      throw error;
    }
  }

  async #cancel(args: Record<string, unknown>, { businessId, callSid, channel }: ToolCallContext): Promise<Record<string, unknown>> {
    const found = await this.#upcoming(businessId, args.phone);
    if ('error' in found) return found.error;
    try {
      const view = await cancelAppointment(this.#options.client, found.workflowId, channel === 'whatsapp' ? 'cancelled on WhatsApp' : 'cancelled by phone', callKey(callSid, 'cancel', [found.appointmentId]));
      return { ok: view.status === 'cancelled', cancelled: view.status === 'cancelled', appointmentId: found.appointmentId, instruction: 'Tell the caller the appointment is cancelled.' };
    } catch (error) {
      const failure = applicationFailureOf(error);
      if (failure) return { ok: false, cancelled: false, error: failure.type ?? 'refused', instruction: 'The appointment could not be cancelled. Apologise; nothing changed.' };
      throw error;
    }
  }

  async #saveLead(args: Record<string, unknown>, { businessId, channel }: ToolCallContext): Promise<Record<string, unknown>> {
    const name = text(args.name);
    const phone = extractPhoneNumber(text(args.phone)).e164;
    if (!name || !phone) {
      return { ok: false, saved: false, error: name ? 'phone_not_understood' : 'name_missing', instruction: 'Ask for the missing name or phone number; nothing is saved yet.' };
    }
    await captureLead(this.#options.client, {
      taskQueue: this.#options.taskQueue,
      details: { businessId, fullName: name, phone, need: text(args.need) || null, source: channel ?? 'call' },
      followUpAfterMs: this.#options.leadFollowUpAfterMs,
    });
    return { ok: true, saved: true, instruction: 'The details are saved; someone from the business will follow up.' };
  }

  async #transfer(context: ToolCallContext, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (context.channel === 'whatsapp') return this.#handOffChat(context, text(args.reason));
    const { businessId, callSid } = context;
    const result = await this.#options.client.workflow.execute(callTransfer, {
      workflowId: workflowIds.callTransfer(businessId, callSid),
      taskQueue: this.#options.taskQueue,
      args: [{ businessId, callSid }],
      ...ID_POLICIES.callTransfer,
    });
    if (result.transferred) return { ok: true, transferred: true, instruction: 'Say in one short sentence that you are transferring the caller to a person now.' };
    return {
      ok: false,
      transferred: false,
      reason: result.reason,
      instruction: 'Nobody can take the call right now. Apologise, offer to take a message (name, phone, what it is about) and save it with create_or_update_lead.',
    };
  }

  /**
   * In a WhatsApp chat there is no call to redirect: the business's people get an alert in the CRM
   * (at most one an hour per conversation), take the conversation over there and answer in the chat.
   */
  async #handOffChat({ businessId, conversationId }: ToolCallContext, reason: string): Promise<Record<string, unknown>> {
    if (!conversationId) return { ok: false, transferred: false, error: 'no_conversation', instruction: 'Offer to take a message instead.' };
    const hour = Math.floor(this.#now() / 3_600_000);
    await this.#options.db.withTenant({ businessId }, async (transaction) => {
      const business = await Business.findByPk(businessId, { rejectOnEmpty: true, transaction });
      const conversation = await Conversation.findByPk(conversationId, { rejectOnEmpty: true, transaction });
      const idempotencyKey = `whatsapp-handoff/${conversationId}/${hour}`;
      await Notification.findOrCreate({
        where: { idempotencyKey },
        defaults: {
          businessId,
          idempotencyKey,
          kind: 'owner_whatsapp_handoff',
          channel: 'in_app',
          recipient: 'owner',
          provider: 'crm',
          status: 'sent',
          sentAt: new Date(),
          body: notificationText('owner_whatsapp_handoff', { businessName: business.name, customerName: conversation.contactName ?? '', customerPhone: conversation.contactE164, title: reason }, business.locale, business.timezone),
        },
        transaction,
      });
    });
    return {
      ok: true,
      transferred: false,
      handedToPerson: true,
      instruction: 'Tell the customer in one short sentence that a person from the business will answer here in this chat soon. Do not promise a phone call.',
    };
  }

  /** The caller's next active appointment, found by phone. */
  async #upcoming(businessId: string, rawPhone: unknown): Promise<{ appointmentId: string; workflowId: string } | { error: Record<string, unknown> }> {
    const phone = extractPhoneNumber(text(rawPhone)).e164;
    if (!phone) return { error: { ok: false, error: 'phone_not_understood', instruction: 'Ask for the phone number the appointment was booked with.' } };
    const appointment = await this.#options.db.withTenant({ businessId }, async (transaction) => {
      const lead = await Lead.findOne({ where: { phoneE164: phone }, transaction });
      if (!lead) return null;
      return Appointment.findOne({
        where: { leadId: lead.id, status: { [Op.in]: ACTIVE_STATUSES }, startsAt: { [Op.gt]: new Date(this.#now()) } },
        order: [['startsAt', 'ASC']],
        transaction,
      });
    });
    if (!appointment?.workflowId) return { error: { ok: false, error: 'no_appointment', instruction: 'No upcoming appointment was found for this phone number. Tell the caller and ask whether it was booked under another number.' } };
    return { appointmentId: appointment.id, workflowId: appointment.workflowId };
  }

  /** The business's zone, remembered for a minute: it is read on every booking and changes almost never. */
  async #timeZone(businessId: string): Promise<string> {
    const cached = this.#zones.get(businessId);
    if (cached && cached.until > Date.now()) return cached.zone;
    const business = await this.#options.db.withTenant({ businessId }, () => Business.findByPk(businessId, { rejectOnEmpty: true }));
    this.#zones.set(businessId, { zone: business.timezone, until: Date.now() + ZONE_CACHE_MS });
    return business.timezone;
  }

  /** An ISO instant, a local 'YYYY-MM-DDTHH:MM' in the business's zone, or Hebrew words ("מחר בעשר"); null when there is no day and time. */
  #resolveInstant(value: string, zone: string): number | null {
    if (!value) return null;
    if (LOCAL_DATE_TIME.test(value)) return DateTime.fromISO(value, { zone }).toMillis();
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
      const instant = Date.parse(value);
      return Number.isFinite(instant) ? instant : null;
    }
    const parsed = parseHebrewDateTime(value, { now: this.#now(), timeZone: zone });
    if (!parsed.date || !parsed.time) return null;
    const local = DateTime.fromISO(`${parsed.date}T${parsed.time}`, { zone });
    return local.isValid ? local.toMillis() : null;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** Idempotency keys of a call's tool actions: the call sid, the action and what it was asked, so the same request maps to the same key. */
function callKey(callSid: string, action: string, parts: string[]): string {
  return `call-${callSid}-${action}-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;
}
