import { fail } from '@sveltejs/kit';
import { businessSettingsBody } from '$api/services/businesses';
import {
	bookingRulesBody,
	closedDatesBody,
	reminderOffsetsBody,
	setBookingRules,
	setClosedDates,
	setReminderOffsets,
	setWeeklyHours,
	updateBusinessProfile,
	weeklyHoursBody,
	type SettingsContext
} from '$api/services/business-settings';
import { toBusinessDto } from '$api/routes/schemas';
import { Business, businessRulesOf } from '$data';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { fieldErrors, formValues } from '$lib/server/forms';
import { formNumber, refusal } from '$lib/server/failures';
import { hoursFromForm, hoursToForm } from '$lib/server/settings-forms';
import type { Actions, PageServerLoad } from './$types';

/** Time zones offered in the profile form (the business's own is added when missing). */
const TIME_ZONES = ['Asia/Jerusalem', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

export const load: PageServerLoad = async () => {
	const auth = requireTenant('settings.read');
	const business = await db().withTenant(tenantIdentity(auth), () => Business.findByPk(auth.businessId, { rejectOnEmpty: true }));
	const rules = businessRulesOf(business);
	return {
		profile: toBusinessDto(business),
		timeZones: TIME_ZONES.includes(business.timezone) ? TIME_ZONES : [business.timezone, ...TIME_ZONES],
		hours: hoursToForm(business.weeklyHours),
		closedDates: [...(rules.closedDates ?? [])],
		rules: {
			slotLengthMinutes: rules.slotLengthMinutes,
			slotIntervalMinutes: rules.slotIntervalMinutes,
			minimumNoticeMinutes: rules.minimumNoticeMinutes,
			bookingWindowDays: rules.bookingWindowDays,
			maxBookingsPerDay: rules.maxBookingsPerDay
		},
		reminderHours: business.reminderOffsetsMinutes.map((minutes) => minutes / 60)
	};
};

function context(auth: TenantAuth): SettingsContext {
	return { auth, businessId: auth.businessId, audit };
}

/** Runs a settings change in the business's tenant transaction; the rules' refusals come back as messages. */
async function change<T>(auth: TenantAuth, section: string, fn: (ctx: SettingsContext) => Promise<T>) {
	try {
		await db().withTenant(tenantIdentity(auth), () => fn(context(auth)));
	} catch (error) {
		return refusal(error, { section });
	}
	return { section, saved: true as const };
}

export const actions: Actions = {
	/** PATCH /business: the same schema (name, language, time zone, recording). */
	profile: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const form = await request.formData();
		const { recordingRetentionDays, ...values } = formValues(form, ['name', 'locale', 'timezone', 'recordingRetentionDays'] as const);
		const parsed = businessSettingsBody.safeParse({
			...values,
			recordingEnabled: form.get('recordingEnabled') === 'on',
			// Empty: the platform's default retention (RECORDING_RETENTION_DAYS).
			recordingRetentionDays: formNumber(recordingRetentionDays) ?? null
		});
		if (!parsed.success) return fail(400, { section: 'profile', values: { ...values, recordingRetentionDays }, errors: fieldErrors(parsed.error) });
		const body = parsed.data;
		return change(auth, 'profile', (ctx) => updateBusinessProfile(ctx, body));
	},

	hours: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const { body, values } = hoursFromForm(await request.formData());
		const parsed = weeklyHoursBody.safeParse(body);
		if (!parsed.success) return fail(400, { section: 'hours', hours: values, errors: fieldErrors(parsed.error) });
		return change(auth, 'hours', (ctx) => setWeeklyHours(ctx, parsed.data));
	},

	addClosedDate: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const date = formValues(await request.formData(), ['date'] as const).date;
		return closedDates(auth, (current) => [...current, date], date);
	},

	removeClosedDate: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const date = formValues(await request.formData(), ['date'] as const).date;
		return closedDates(auth, (current) => current.filter((existing) => existing !== date), '');
	},

	rules: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), ['slotLengthMinutes', 'slotIntervalMinutes', 'minimumNoticeMinutes', 'bookingWindowDays', 'maxBookingsPerDay'] as const);
		const parsed = bookingRulesBody.safeParse({
			slotLengthMinutes: formNumber(values.slotLengthMinutes),
			slotIntervalMinutes: formNumber(values.slotIntervalMinutes),
			minimumNoticeMinutes: formNumber(values.minimumNoticeMinutes),
			bookingWindowDays: formNumber(values.bookingWindowDays),
			maxBookingsPerDay: formNumber(values.maxBookingsPerDay) ?? null
		});
		if (!parsed.success) return fail(400, { section: 'rules', values, errors: fieldErrors(parsed.error) });
		return change(auth, 'rules', (ctx) => setBookingRules(ctx, parsed.data));
	},

	reminders: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const typed = (await request.formData()).getAll('reminderHours').map((value) => String(value).trim());
		const offsets = typed.filter((value) => value !== '').map((value) => Math.round((formNumber(value) ?? Number.NaN) * 60));
		const parsed = reminderOffsetsBody.safeParse({ reminderOffsetsMinutes: offsets });
		if (!parsed.success) return fail(400, { section: 'reminders', reminderHours: typed, errors: { reminderHours: true } as Record<string, true> });
		return change(auth, 'reminders', (ctx) => setReminderOffsets(ctx, parsed.data.reminderOffsetsMinutes));
	}
};

/** Reads the stored closed dates, applies the edit, validates the whole list with the schema, stores it. */
async function closedDates(auth: TenantAuth, edit: (current: string[]) => string[], typed: string) {
	try {
		return await db().withTenant(tenantIdentity(auth), async () => {
			const business = await Business.findByPk(auth.businessId, { rejectOnEmpty: true });
			const next = [...new Set(edit(business.bookingRules.closedDates ?? []))];
			const parsed = closedDatesBody.safeParse({ closedDates: next });
			if (!parsed.success) return fail(400, { section: 'closedDates', date: typed, errors: { date: true } as Record<string, true> });
			await setClosedDates(context(auth), parsed.data.closedDates);
			return { section: 'closedDates', saved: true as const };
		});
	} catch (error) {
		return refusal(error, { section: 'closedDates' });
	}
}

