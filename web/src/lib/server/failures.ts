import { fail, type ActionFailure } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import { LocalizedHttpError } from '$api/routes/registry';
import { PermissionDeniedError, PolicyConflictError } from '$domain/policy';

/**
 * The rules' own refusals (policy denials, invariants such as "the last owner", not found),
 * turned into a form failure carrying the message in the user's language — the same text
 * the API answers with. Anything else is not a refusal and is rethrown.
 */
export function refusal<E extends Record<string, unknown> = Record<never, never>>(error: unknown, extra?: E): ActionFailure<E & { refusal: string }> {
	const locale = getRequestEvent().locals.locale;
	if (error instanceof PermissionDeniedError) return fail(403, { ...(extra as E), refusal: error.messages[locale] });
	if (error instanceof PolicyConflictError) return fail(409, { ...(extra as E), refusal: error.messages[locale] });
	if (error instanceof LocalizedHttpError) return fail(error.status, { ...(extra as E), refusal: error.messages[locale] });
	throw error;
}

/** A number typed into a form: '' is absent (undefined), anything unparsable NaN (refused by the schema). */
export function formNumber(value: string): number | undefined {
	if (value === '') return undefined;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : Number.NaN;
}
