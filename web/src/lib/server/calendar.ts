import { DateTime } from 'luxon';

export type CalendarView = 'day' | 'week';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The first day of the week that holds `day`: Sunday, as Israeli calendars count. */
export function weekStart(day: DateTime): DateTime {
	return day.minus({ days: day.weekday % 7 }).startOf('day');
}

/** The days a view shows and the instants bounding them, in the business's time zone. */
export function calendarRange(view: CalendarView, dateParam: string | null, timeZone: string) {
	const today = DateTime.now().setZone(timeZone).startOf('day');
	const parsed = dateParam && DATE.test(dateParam) ? DateTime.fromISO(dateParam, { zone: timeZone }) : null;
	const anchor = parsed?.isValid ? parsed.startOf('day') : today;
	const from = view === 'week' ? weekStart(anchor) : anchor;
	const dayCount = view === 'week' ? 7 : 1;
	const days = Array.from({ length: dayCount }, (_, i) => from.plus({ days: i }));
	const to = from.plus({ days: dayCount });
	return {
		date: anchor.toISODate()!,
		today: today.toISODate()!,
		from,
		to,
		days,
		previous: anchor.minus(view === 'week' ? { weeks: 1 } : { days: 1 }).toISODate()!,
		next: anchor.plus(view === 'week' ? { weeks: 1 } : { days: 1 }).toISODate()!
	};
}

/** A wall-clock date and time in the business's zone as an ISO instant with its offset, or null. */
export function zonedInstant(date: string, time: string, timeZone: string): string | null {
	if (!DATE.test(date) || !TIME.test(time)) return null;
	const instant = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
	if (!instant.isValid) return null;
	// a wall time skipped by the DST change moves forward; refuse it instead of booking another hour
	if (instant.toFormat('HH:mm') !== time) return null;
	return instant.toISO({ suppressMilliseconds: true });
}

/** An instant as the business's wall-clock date and time (for form fields). */
export function wallClock(iso: string, timeZone: string): { date: string; time: string } {
	const instant = DateTime.fromISO(iso, { zone: timeZone });
	return { date: instant.toISODate()!, time: instant.toFormat('HH:mm') };
}
