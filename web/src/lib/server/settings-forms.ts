import { WEEKDAYS, type WeekdayKey, type WeeklyHoursBody } from '$api/services/business-settings';
import type { WeeklyHoursRule } from '$data';
import type { TimeRange } from '$data/models';

/** One weekday as the hours form shows it: open or closed, opening and closing time, an optional break. */
export interface DayHoursForm {
	day: WeekdayKey;
	open: boolean;
	start: string;
	end: string;
	breakStart: string;
	breakEnd: string;
}

/**
 * Stored ranges → the form: the first range's start, the last range's end, and the gap
 * between the first two ranges as the break.
 */
export function hoursToForm(weeklyHours: WeeklyHoursRule): DayHoursForm[] {
	return WEEKDAYS.map((day) => {
		const ranges: TimeRange[] = weeklyHours[day] ?? [];
		const first = ranges[0];
		const second = ranges[1];
		const last = ranges[ranges.length - 1];
		return {
			day,
			open: ranges.length > 0,
			start: first?.start ?? '09:00',
			end: last?.end ?? '18:00',
			breakStart: second ? first!.end : '',
			breakEnd: second ? second.start : ''
		};
	});
}

/**
 * The form → the schema's body: an open day with a break becomes two ranges (start → break,
 * break end → close). Whatever was typed comes back as `values` to refill the form.
 */
export function hoursFromForm(form: FormData): { body: WeeklyHoursBody; values: DayHoursForm[] } {
	const text = (name: string) => {
		const value = form.get(name);
		return typeof value === 'string' ? value.trim() : '';
	};
	const values = WEEKDAYS.map((day) => ({
		day,
		open: form.get(`open-${day}`) === 'on',
		start: text(`start-${day}`),
		end: text(`end-${day}`),
		breakStart: text(`breakStart-${day}`),
		breakEnd: text(`breakEnd-${day}`)
	}));
	const body: WeeklyHoursBody = {};
	for (const day of values) {
		if (!day.open) continue;
		const hasBreak = day.breakStart !== '' || day.breakEnd !== '';
		body[day.day] = hasBreak
			? [
					{ start: day.start, end: day.breakStart },
					{ start: day.breakEnd, end: day.end }
				]
			: [{ start: day.start, end: day.end }];
	}
	return { body, values };
}
