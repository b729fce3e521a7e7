import type { Locale } from './i18n/locales';

const LOCALE_TAGS: Record<Locale, string> = { he: 'he-IL', en: 'en-IL' };

/** Date and time of an instant, in the business's time zone, in the user's language. */
export function formatDateTime(iso: string, locale: Locale, timeZone: string): string {
	return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale, timeZone: string): string {
	return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatDay(iso: string, locale: Locale, timeZone: string): string {
	return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso));
}

export function formatNumber(value: number, locale: Locale): string {
	return new Intl.NumberFormat(LOCALE_TAGS[locale]).format(value);
}

/** A lead status's label in the user's language. */
export function statusLabel(status: { labelHe: string; labelEn: string } | undefined, locale: Locale, fallback: string): string {
	if (!status) return fallback;
	return locale === 'he' ? status.labelHe : status.labelEn;
}
