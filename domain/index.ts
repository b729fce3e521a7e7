// Pure domain logic: no I/O, no clock, no environment. Workflows import this file, so it
// re-exports functions and types by name and runs nothing on import.

export type {
  BookableResult,
  BusinessRules,
  DateOverride,
  EpochMs,
  LocalDateString,
  LocalTimeRange,
  OpeningRange,
  ScheduleState,
  TimeRange,
  UnbookableReason,
  Weekday,
} from './availability/types';
export { validateBusinessRules } from './availability/rules';
export { buildOpeningRanges, expandByBuffers, mergeRanges, subtractRanges } from './availability/date-ranges';
export { cutIntoSlots, getAvailableSlots } from './availability/slots';
export { checkBookable } from './availability/bookable';
export { findAlternatives } from './availability/alternatives';

export type { DateTimeContext, ParsedDateTime } from './hebrew/datetime';
export { parseHebrewDateTime } from './hebrew/datetime';
export type { DateTimeLlmParser, DateTimeParseOutcome } from './hebrew/llm-fallback';
export { looksLikeDateTime, parseDateTimeWithFallback } from './hebrew/llm-fallback';
export { parseHebrewNumber } from './hebrew/numbers';
export { normalizeHebrewText, stripNiqqud } from './hebrew/normalize';

export type { CountryCode, ParsedPhone } from './phone/phone';
export { extractPhoneNumber } from './phone/phone';
