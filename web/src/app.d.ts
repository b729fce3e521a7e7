import type { Locale } from '$lib/i18n/locales';
import type { WebAuth } from '$lib/server/auth';
// the API modules the server reuses augment express's Request (requestId, log)
import type {} from '$api/http/request-context';

declare global {
	namespace App {
		interface Locals {
			/** Assigned in hooks.server.ts; echoed in the x-request-id response header and in every log line. */
			requestId: string;
			/** From the `lang` cookie, Hebrew when absent. */
			locale: Locale;
			/** Set in hooks.server.ts from the session cookie; null for a visitor. */
			auth: WebAuth | null;
		}
		interface Error {
			/** Quoted by users to support; every error passes through handleError, which sets it. */
			requestId?: string;
		}
		interface PageData {
			locale: Locale;
		}
	}
}

export {};
