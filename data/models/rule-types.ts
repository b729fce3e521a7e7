/**
 * Stored shapes of a business's rules, as JSON on the businesses row. They use
 * the availability engine's own names (domain/availability/types.ts), so the
 * mapping in data/business-rules.ts is a copy with defaults, not a translation.
 */
export interface TimeRange {
  start: string; // "09:00"
  end: string; // "18:00"
}

/** Keyed by weekday, "0" = Sunday ... "6" = Saturday; a missing or empty day is closed. */
export type WeeklyHoursRule = Partial<Record<'0' | '1' | '2' | '3' | '4' | '5' | '6', TimeRange[]>>;

export interface BookingRules {
  slotLengthMinutes?: number;
  slotIntervalMinutes?: number;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  minimumNoticeMinutes?: number;
  bookingWindowDays?: number;
  maxBookingsPerDay?: number | null;
  closedDates?: string[];
  dateOverrides?: Array<{ date: string; ranges: TimeRange[] }>;
}
