export interface BackoffSettings {
  /** First retry delay. */
  baseDelayMs: number;
  /** No retry waits longer than this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped delay is fixed, the
 * other half random, so processes that lost WhatsApp at the same moment do not
 * come back in lockstep, and no retry is ever immediate.
 * `attempt` counts from 0; `random` is in [0, 1).
 */
export function reconnectDelayMs(attempt: number, settings: BackoffSettings, random: number): number {
  const capped = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(capped / 2 + (capped / 2) * Math.min(Math.max(random, 0), 1));
}
