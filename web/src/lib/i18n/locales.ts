/** The languages the CRM speaks. Hebrew first: it is the default and reads right to left. */
export const LOCALES = ['he', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'he';

/** Name of the cookie that remembers the chosen language. */
export const LOCALE_COOKIE = 'lang';

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function resolveLocale(cookieValue: string | undefined): Locale {
	return isLocale(cookieValue) ? cookieValue : DEFAULT_LOCALE;
}

export function textDirection(locale: Locale): 'rtl' | 'ltr' {
	return locale === 'he' ? 'rtl' : 'ltr';
}
