import type { LocalDateString, Weekday } from '../time/civil';
import type { EpochMs } from '../time/zone';

export type { EpochMs, LocalDateString, Weekday };

/**
 * Half-open span of time [start, end) between two instants in epoch milliseconds (UTC).
 * Every instant that enters or leaves the availability engine is epoch ms; wall-clock time
 * appears only in the business rules.
 */
export interface TimeRange {
  readonly start: EpochMs;
  readonly end: EpochMs;
}

/** Local wall-clock hours 'HH:MM'–'HH:MM' within one day; end may be '24:00'. */
export interface LocalTimeRange {
  readonly start: string;
  readonly end: string;
}

/** A date with its own hours (short Friday, holiday eve); empty ranges mean closed that day. */
export interface DateOverride {
  readonly date: LocalDateString;
  readonly ranges: readonly LocalTimeRange[];
}

export interface BusinessRules {
  /** IANA zone the hours below are written in, e.g. 'Asia/Jerusalem'. */
  readonly timeZone: string;
  /** Hours per weekday (0 = Sunday … 6 = Saturday); several ranges leave breaks between them; a missing day is closed. */
  readonly weeklyHours: Readonly<Partial<Record<Weekday, readonly LocalTimeRange[]>>>;
  /** Dates closed all day. A closed date wins over an override for the same date. */
  readonly closedDates?: readonly LocalDateString[];
  /** Dates whose hours replace that weekday's hours. */
  readonly dateOverrides?: readonly DateOverride[];
  readonly slotLengthMinutes: number;
  /** Distance between consecutive slot starts, counted from each opening time. */
  readonly slotIntervalMinutes: number;
  /**
   * Every booking, existing or new, occupies [start − before, end + after). Occupied spans may not
   * overlap, so two appointments stand at least before + after minutes apart; the slot itself must
   * lie within opening hours, its buffers need not.
   */
  readonly bufferBeforeMinutes: number;
  readonly bufferAfterMinutes: number;
  /** A slot must start at least this long after `now`. */
  readonly minimumNoticeMinutes: number;
  /** The last bookable local date is today + this many days (0 = today only). */
  readonly bookingWindowDays: number;
  /** Bookings starting on one local date, at most; null for no cap. */
  readonly maxBookingsPerDay: number | null;
}

/** What the engine needs besides the rules: existing bookings and the current instant. */
export interface ScheduleState {
  readonly rules: BusinessRules;
  /** Existing bookings as [start, end) in epoch ms; each counts as busy and towards the daily cap. */
  readonly bookings: readonly TimeRange[];
  readonly now: EpochMs;
}

/** A stretch of opening hours on one local date, or a free piece of it after subtracting busy time. */
export interface OpeningRange extends TimeRange {
  readonly date: LocalDateString;
  /** When the opening hours this range belongs to begin; slots start at opensAt + k·interval. */
  readonly opensAt: EpochMs;
}

export type UnbookableReason = 'closed' | 'outside_hours' | 'too_soon' | 'too_far' | 'taken' | 'daily_cap' | 'invalid';

export type BookableResult = { readonly ok: true } | { readonly ok: false; readonly reason: UnbookableReason };
