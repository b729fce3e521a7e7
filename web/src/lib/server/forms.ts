import type { z } from 'zod';

/** The named fields of a form post, as trimmed strings ('' when absent). */
export function formValues<const K extends string>(form: FormData, names: readonly K[]): Record<K, string> {
	const values = {} as Record<K, string>;
	for (const name of names) {
		const value = form.get(name);
		values[name] = typeof value === 'string' ? value.trim() : '';
	}
	return values;
}

/** Blank optional fields are absent, as a JSON client would send them. */
export function withoutBlanks<T extends Record<string, string>>(values: T): Partial<T> {
	return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== '')) as Partial<T>;
}

/**
 * Which fields a zod schema refused, keyed by field name. The page shows each field's
 * message from the dictionaries (`fields.<name>`), so errors appear in the user's language.
 */
export function fieldErrors(error: z.ZodError): Record<string, true> {
	const errors: Record<string, true> = {};
	for (const issue of error.issues) {
		const field = issue.path[0];
		errors[typeof field === 'string' ? field : 'form'] = true;
	}
	return errors;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
	return typeof value === 'string' && UUID.test(value);
}
