import { zoneOffsetMs } from '../time/zone';

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDateOf(isoInstant: string, timeZone: string): string {
  const instant = Date.parse(isoInstant);
  return new Date(instant + zoneOffsetMs(timeZone, instant)).toISOString().slice(0, 10);
}
