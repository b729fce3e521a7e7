import { addMessages, init, locale } from 'svelte-i18n';
import en from './en.json';
import he from './he.json';
import { DEFAULT_LOCALE, type Locale } from './locales';

// Both dictionaries are small and bundled, so switching the locale is synchronous:
// no loader, no waitLocale(), no flash of untranslated keys.
addMessages('he', he);
addMessages('en', en);
init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: DEFAULT_LOCALE });

/**
 * Makes `locale` the language of what renders next. The root layout calls it while it
 * renders: on the server a render is synchronous, so no other request can change the
 * shared svelte-i18n store between this call and the end of this request's markup.
 */
export function useLocale(next: Locale): void {
	void locale.set(next);
}

export { _ } from 'svelte-i18n';
