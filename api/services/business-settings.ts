import { z } from 'zod';
import { Business, type BookingRules, type WeeklyHoursRule } from '../../data';
import { requirePermission, type Actor } from '../../domain/policy';
import { LocalizedHttpError, notFound } from '../routes/registry';
import type { AuditWriter } from './audit-writer';
import { BUSINESS_NOT_FOUND, type BusinessSettingsBody } from './businesses';

/**
 * The business's booking settings (weekly hours with breaks, closed dates, booking rules,
 * reminder times): the schemas a client's input must pass and the functions that store it,
 * inside the caller's tenant transaction, audited with before and after. The CRM's settings
 * page uses them; a REST route would use the same.
 */

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const timeRangeSchema = z
  .strictObject({ start: z.string().regex(HH_MM), end: z.string().regex(HH_MM) })
  .refine((range) => range.start < range.end, { message: 'A range must end after it starts', path: ['end'] });

/** One weekday's opening ranges, in order, not overlapping (a gap between two ranges is a break). */
const dayRangesSchema = z
  .array(timeRangeSchema)
  .max(4)
  .refine((ranges) => ranges.every((range, i) => i === 0 || ranges[i - 1]!.end <= range.start), { message: 'Ranges must be in order and must not overlap' });

const WEEKDAYS = ['0', '1', '2', '3', '4', '5', '6'] as const;
export type WeekdayKey = (typeof WEEKDAYS)[number];
export { WEEKDAYS };

/** Keyed "0" (Sunday) … "6" (Saturday); an absent or empty day is closed. */
export const weeklyHoursBody = z.strictObject(Object.fromEntries(WEEKDAYS.map((day) => [day, dayRangesSchema.optional()])) as Record<WeekdayKey, z.ZodOptional<typeof dayRangesSchema>>);
export type WeeklyHoursBody = z.infer<typeof weeklyHoursBody>;

export const isoDateSchema = z
  .string()
  .regex(ISO_DATE)
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'Not a calendar date');

export const closedDatesBody = z.strictObject({
  closedDates: z
    .array(isoDateSchema)
    .max(366)
    .refine((dates) => new Set(dates).size === dates.length, 'Dates must not repeat'),
});

export const bookingRulesBody = z.strictObject({
  slotLengthMinutes: z.number().int().min(5).max(480),
  slotIntervalMinutes: z.number().int().min(5).max(480),
  minimumNoticeMinutes: z.number().int().min(0).max(30 * 24 * 60),
  bookingWindowDays: z.number().int().min(1).max(365),
  maxBookingsPerDay: z.number().int().min(1).max(500).nullable(),
});
export type BookingRulesBody = z.infer<typeof bookingRulesBody>;

export const reminderOffsetsBody = z.strictObject({
  reminderOffsetsMinutes: z
    .array(z.number().int().min(5).max(14 * 24 * 60))
    .max(5)
    .refine((offsets) => new Set(offsets).size === offsets.length, 'Reminder times must not repeat'),
});

export interface SettingsContext {
  auth: Actor;
  businessId: string;
  audit: AuditWriter;
}

async function loadBusiness(ctx: SettingsContext): Promise<Business> {
  requirePermission(ctx.auth, 'settings.update');
  const business = await Business.findByPk(ctx.businessId, { lock: true });
  if (!business) throw notFound(BUSINESS_NOT_FOUND);
  return business;
}

async function recordChange(ctx: SettingsContext, area: string, before: unknown, after: unknown): Promise<void> {
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'business', targetId: ctx.businessId, details: { area, before, after } });
}

/** Name, language, time zone, recording (PATCH /business). */
export async function updateBusinessProfile(ctx: SettingsContext, body: BusinessSettingsBody): Promise<Business> {
  const business = await loadBusiness(ctx);
  const before = Object.fromEntries(Object.keys(body).map((key) => [key, business.get(key)]));
  await business.update(body);
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'business', targetId: ctx.businessId, details: { before, after: body } });
  return business;
}

export async function setWeeklyHours(ctx: SettingsContext, body: WeeklyHoursBody): Promise<WeeklyHoursRule> {
  const business = await loadBusiness(ctx);
  const weeklyHours: WeeklyHoursRule = {};
  for (const day of WEEKDAYS) {
    const ranges = body[day];
    if (ranges?.length) weeklyHours[day] = ranges.map((range) => ({ start: range.start, end: range.end }));
  }
  const before = business.weeklyHours;
  await business.update({ weeklyHours });
  await recordChange(ctx, 'weekly_hours', before, weeklyHours);
  return weeklyHours;
}

/** Replaces the closed dates (sorted); the other booking rules stay as they are. */
export async function setClosedDates(ctx: SettingsContext, closedDates: string[]): Promise<string[]> {
  const business = await loadBusiness(ctx);
  const sorted = [...closedDates].sort();
  const before = business.bookingRules.closedDates ?? [];
  await business.update({ bookingRules: { ...business.bookingRules, closedDates: sorted } });
  await recordChange(ctx, 'closed_dates', before, sorted);
  return sorted;
}

export async function setBookingRules(ctx: SettingsContext, body: BookingRulesBody): Promise<BookingRules> {
  const business = await loadBusiness(ctx);
  const before = business.bookingRules;
  const bookingRules: BookingRules = { ...business.bookingRules, ...body };
  await business.update({ bookingRules });
  await recordChange(ctx, 'booking_rules', before, body);
  return bookingRules;
}

/** Minutes before an appointment at which its reminders go out; new bookings use them. */
export async function setReminderOffsets(ctx: SettingsContext, offsets: number[]): Promise<number[]> {
  const business = await loadBusiness(ctx);
  const sorted = [...offsets].sort((a, b) => b - a);
  const before = business.reminderOffsetsMinutes;
  await business.update({ reminderOffsetsMinutes: sorted });
  await recordChange(ctx, 'reminders', before, sorted);
  return sorted;
}

/** A refusal with the text both clients show. */
export function settingsConflict(code: string, messages: { he: string; en: string }): LocalizedHttpError {
  return new LocalizedHttpError(409, code, messages);
}
