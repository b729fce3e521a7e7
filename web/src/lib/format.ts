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

/** An amount in shekels, in the user's language (₪ 12.40 / ‏12.40 ₪). */
export function formatCurrencyIls(value: number, locale: Locale): string {
	return new Intl.NumberFormat(LOCALE_TAGS[locale], { style: 'currency', currency: 'ILS' }).format(value);
}

/** A whole percentage (0–100). */
export function formatPercent(value: number, locale: Locale): string {
	return new Intl.NumberFormat(LOCALE_TAGS[locale], { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

/** A calendar day given as an ISO date (2026-03-05), short: 5.3 / 5/3. */
export function formatShortDate(isoDate: string, locale: Locale): string {
	return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { timeZone: 'UTC', day: 'numeric', month: 'numeric' }).format(new Date(`${isoDate}T12:00:00Z`));
}
