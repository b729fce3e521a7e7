import { BILLING_REMINDER_HOURS, BILLING_SIGNING_LINK_HOURS } from '$app/env/private';
import type { DealTimers } from '$orchestration';

/** The deal timers the CRM starts deals with (the same variables as the API). */
export const dealTimers: DealTimers = {
	signingTtlMs: BILLING_SIGNING_LINK_HOURS * 3_600_000,
	reminderOffsetsMs: BILLING_REMINDER_HOURS.map((hours) => hours * 3_600_000)
};
