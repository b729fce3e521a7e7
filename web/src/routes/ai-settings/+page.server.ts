import { error, fail } from '@sveltejs/kit';
import { ASSISTANT_VOICES, assistantSettingsBody, effectiveSettings, faqCreateBody, instructionsBody, restoreBody, transferPhoneE164 } from '$api/routes/assistant';
import {
	addAssistantInstructions,
	changeAssistantSettings,
	createFaqEntry,
	deleteFaqEntry,
	restoreAssistantInstructions,
	updateFaqEntry,
	type AssistantChangeContext
} from '$api/services/assistant-changes';
import { ASSISTANT_CHANNELS, findAssistantConfig, listInstructionVersions } from '$data';
import { can } from '$domain/policy';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity, type TenantAuth } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { refusal } from '$lib/server/failures';
import { fieldErrors, formValues, isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const SETTINGS_FIELDS = ['assistantName', 'greeting', 'voice', 'vadThreshold', 'vadPrefixPaddingMs', 'vadSilenceDurationMs', 'transferPhone'] as const;

export const load: PageServerLoad = async ({ locals }) => {
	const auth = requireTenant('settings.read');
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const [config, voice, whatsapp] = await Promise.all([findAssistantConfig(), listInstructionVersions('voice'), listInstructionVersions('whatsapp')]);
		return { config, versions: { voice, whatsapp } };
	});
	return {
		settings: effectiveSettings(found.config.settings, auth.businessId),
		versions: found.versions,
		faq: found.config.faq,
		voices: [...ASSISTANT_VOICES],
		channels: [...ASSISTANT_CHANNELS],
		canEdit: locals.auth ? can(locals.auth, 'settings.update').allowed : false
	};
};

/** Form numbers arrive as text: numbers for the API's schema, or the text itself so the schema refuses it. */
function numeric(value: string): number | string {
	return value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

/** Runs one audited change in the business's tenant transaction. */
function change<T>(auth: TenantAuth, fn: (ctx: AssistantChangeContext) => Promise<T>): Promise<T> {
	return db().withTenant(tenantIdentity(auth), () => fn({ businessId: auth.businessId, userId: auth.userId, audit }));
}

function channelsOf(form: FormData): string[] {
	return form.getAll('channels').filter((value): value is string => typeof value === 'string');
}

export const actions: Actions = {
	settings: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), SETTINGS_FIELDS);
		const parsed = assistantSettingsBody.safeParse({
			...values,
			vadThreshold: numeric(values.vadThreshold),
			vadPrefixPaddingMs: numeric(values.vadPrefixPaddingMs),
			vadSilenceDurationMs: numeric(values.vadSilenceDurationMs)
		});
		if (!parsed.success) return fail(400, { settingsValues: values, settingsErrors: fieldErrors(parsed.error) });
		const { transferPhone, ...rest } = parsed.data;
		const transfer = transferPhoneE164(transferPhone);
		if (transfer === undefined) return fail(400, { settingsValues: values, settingsErrors: { transferPhone: true } as Record<string, true> });
		await change(auth, (ctx) => changeAssistantSettings(ctx, { ...rest, transferPhoneE164: transfer }));
		return { saved: 'settings' as const };
	},

	instructions: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), ['channel', 'body'] as const);
		const parsed = instructionsBody.safeParse(values);
		if (!parsed.success) return fail(400, { instructionsChannel: values.channel, instructionsErrors: fieldErrors(parsed.error) });
		const version = await change(auth, (ctx) => addAssistantInstructions(ctx, parsed.data.channel, parsed.data.body));
		return { saved: 'instructions' as const, version: version.version, channel: version.channel };
	},

	restore: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const values = formValues(await request.formData(), ['channel', 'version'] as const);
		const parsed = restoreBody.safeParse({ channel: values.channel, version: numeric(values.version) });
		if (!parsed.success) return fail(400, { restoreError: true });
		const version = await change(auth, (ctx) => restoreAssistantInstructions(ctx, parsed.data.channel, parsed.data.version));
		if (!version) return fail(404, { restoreError: true });
		return { saved: 'restored' as const, version: version.version, restoredFrom: parsed.data.version, channel: version.channel };
	},

	faqAdd: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const form = await request.formData();
		const values = formValues(form, ['question', 'answer'] as const);
		const parsed = faqCreateBody.safeParse({ ...values, channels: channelsOf(form) });
		if (!parsed.success) return fail(400, { faqValues: values, faqErrors: fieldErrors(parsed.error) });
		try {
			await change(auth, (ctx) => createFaqEntry(ctx, { question: parsed.data.question, answer: parsed.data.answer, channels: parsed.data.channels }));
		} catch (failure) {
			return refusal(failure, { faqValues: values });
		}
		return { saved: 'faq' as const };
	},

	faqUpdate: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const form = await request.formData();
		const id = form.get('id');
		if (!isUuid(id)) error(404, 'faq entry not found');
		const values = formValues(form, ['question', 'answer'] as const);
		const parsed = faqCreateBody.pick({ question: true, answer: true, channels: true }).safeParse({ ...values, channels: channelsOf(form) });
		if (!parsed.success) return fail(400, { faqEditId: id, faqErrors: fieldErrors(parsed.error) });
		const updated = await change(auth, (ctx) => updateFaqEntry(ctx, id, { question: parsed.data.question, answer: parsed.data.answer, channels: parsed.data.channels }));
		if (!updated) error(404, 'faq entry not found');
		return { saved: 'faq' as const };
	},

	faqDelete: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const id = (await request.formData()).get('id');
		if (!isUuid(id)) error(404, 'faq entry not found');
		const deleted = await change(auth, (ctx) => deleteFaqEntry(ctx, id));
		if (!deleted) error(404, 'faq entry not found');
		return { saved: 'faqDeleted' as const };
	}
};

