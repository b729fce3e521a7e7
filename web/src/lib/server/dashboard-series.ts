import { DateTime } from 'luxon';
import { QueryTypes } from 'sequelize';
import { Lead } from '$data';

/** Days the dashboard's charts cover, ending today (business time). */
export const SERIES_DAYS = 14;

export interface DailySeries {
	/** ISO dates (business time zone), oldest first. */
	days: string[];
	appointments: number[];
	newLeads: number[];
	calls: number[];
	/** Of the leads that came in that day, the share (0–100) that have an appointment now; null without leads. */
	conversion: Array<number | null>;
	/** The same over all fourteen days. */
	conversionOverall: number | null;
	/** AI cost of that day's calls, in shekels. */
	aiCostIls: number[];
}

interface DayRow {
	day: string;
	value: string | number | null;
}

/**
 * Per-day figures of the last SERIES_DAYS days for the dashboard's charts. Call inside withTenant:
 * every table read here is under row-level security. Days are cut in the business's time zone.
 */
export async function dailySeries(timeZone: string, ilsPerUsd: number): Promise<DailySeries> {
	const today = DateTime.now().setZone(timeZone).startOf('day');
	const first = today.minus({ days: SERIES_DAYS - 1 });
	const days = Array.from({ length: SERIES_DAYS }, (_, i) => first.plus({ days: i }).toISODate()!);
	const replacements = { from: first.toJSDate(), to: today.plus({ days: 1 }).toJSDate(), zone: timeZone };
	const perDay = async (sql: string): Promise<Map<string, number>> => {
		const rows = await Lead.sequelize!.query<DayRow>(sql, { replacements, type: QueryTypes.SELECT });
		return new Map(rows.map((row) => [String(row.day), Number(row.value ?? 0)]));
	};
	const day = (column: string) => `to_char(${column} AT TIME ZONE :zone, 'YYYY-MM-DD')`;
	const [appointments, newLeads, converted, calls, costUsd] = await Promise.all([
		perDay(`SELECT ${day('starts_at')} AS day, count(*) AS value FROM appointments
			WHERE starts_at >= :from AND starts_at < :to AND status <> 'cancelled' GROUP BY 1`),
		perDay(`SELECT ${day('created_at')} AS day, count(*) AS value FROM leads WHERE created_at >= :from AND created_at < :to GROUP BY 1`),
		perDay(`SELECT ${day('l.created_at')} AS day, count(*) AS value FROM leads l
			WHERE l.created_at >= :from AND l.created_at < :to
			AND EXISTS (SELECT 1 FROM appointments a WHERE a.lead_id = l.id AND a.status <> 'cancelled') GROUP BY 1`),
		perDay(`SELECT ${day('created_at')} AS day, count(*) AS value FROM calls WHERE created_at >= :from AND created_at < :to GROUP BY 1`),
		perDay(`SELECT ${day('created_at')} AS day, sum(cost_usd) AS value FROM calls WHERE created_at >= :from AND created_at < :to GROUP BY 1`)
	]);
	const at = (values: Map<string, number>) => days.map((date) => values.get(date) ?? 0);
	const leads = at(newLeads);
	const booked = at(converted);
	return {
		days,
		appointments: at(appointments),
		newLeads: leads,
		calls: at(calls),
		conversion: leads.map((count, i) => percentOf(booked[i]!, count)),
		conversionOverall: percentOf(sum(booked), sum(leads)),
		aiCostIls: at(costUsd).map((usd) => Math.round(usd * ilsPerUsd * 100) / 100)
	};
}

function sum(values: number[]): number {
	return values.reduce((total, value) => total + value, 0);
}

function percentOf(part: number, whole: number): number | null {
	return whole === 0 ? null : Math.round((part / whole) * 100);
}
