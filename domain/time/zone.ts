import { MS_PER_DAY, MS_PER_MINUTE, type LocalDateTime } from './civil';

/** Milliseconds since 1970-01-01T00:00:00Z: the one way this module names an instant. */
export type EpochMs = number;

// One formatter per zone, made on first use: building an Intl.DateTimeFormat costs about as much
// as a thousand offset look-ups with it. It prints only an hour and the offset ("4 AM GMT+02:00").
const offsetFormatters = new Map<string, Intl.DateTimeFormat | null>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', hour: 'numeric' });
    } catch {
      formatter = null; // RangeError: not an IANA zone
    }
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

const GMT_OFFSET = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

export function isValidTimeZone(timeZone: string): boolean {
  return timeZone.length > 0 && offsetFormatter(timeZone) !== null;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds (Jerusalem in summer: +3 h). */
export function zoneOffsetMs(timeZone: string, instant: EpochMs): number {
  const formatter = offsetFormatter(timeZone);
  if (!formatter) throw new RangeError(`Unknown IANA time zone: ${timeZone}`);
  const match = GMT_OFFSET.exec(formatter.format(instant));
  if (!match) throw new RangeError(`Cannot read the UTC offset of ${timeZone}`);
  if (!match[1]) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3] ?? 0) * 60 + Number(match[4] ?? 0);
  return (match[1] === '-' ? -seconds : seconds) * 1000;
}

/**
 * Converts between instants and one zone's wall clock over a window of time, fast enough to
 * convert thousands of wall times (a 90-day schedule) without asking Intl for each one.
 */
export interface ZoneTimeline {
  readonly timeZone: string;
  /** The instant of a wall time; minuteOfDay may be 1440 (the following midnight). */
  toInstant(dayNumber: number, minuteOfDay: number): EpochMs;
  toLocal(instant: EpochMs): LocalDateTime;
}

interface OffsetSegment {
  readonly from: EpochMs; // first instant with this offset
  readonly offsetMs: number; // local wall time = instant + offsetMs
}

// Zone offsets change at most a few times a year; sampling weekly and bisecting between samples
// that differ finds every change, as long as no zone changes twice within one week and back.
const SAMPLE_STEP_MS = 7 * MS_PER_DAY;
const COVERAGE_MARGIN_MS = 2 * MS_PER_DAY;

/**
 * Builds a timeline valid for instants within [windowStart, windowEnd] (plus two days either side);
 * conversions outside that window still work, each building a small timeline of its own.
 */
export function createZoneTimeline(timeZone: string, windowStart: EpochMs, windowEnd: EpochMs): ZoneTimeline {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown IANA time zone: ${timeZone}`);
  const offsetMsAt = (instant: EpochMs): number => zoneOffsetMs(timeZone, instant);

  const coverageStart = Math.floor((windowStart - COVERAGE_MARGIN_MS) / MS_PER_MINUTE) * MS_PER_MINUTE;
  const coverageEnd = windowEnd + COVERAGE_MARGIN_MS;
  const segments: OffsetSegment[] = [{ from: coverageStart, offsetMs: offsetMsAt(coverageStart) }];
  let sampleAt = coverageStart;
  let sampleOffset = segments[0]!.offsetMs;
  while (sampleAt < coverageEnd) {
    const nextSample = Math.min(sampleAt + SAMPLE_STEP_MS, coverageEnd);
    const nextOffset = offsetMsAt(nextSample);
    if (nextOffset !== sampleOffset) {
      segments.push({ from: findChange(offsetMsAt, sampleAt, nextSample, sampleOffset), offsetMs: nextOffset });
    }
    sampleAt = nextSample;
    sampleOffset = nextOffset;
  }

  const covers = (instant: EpochMs): boolean => instant >= coverageStart && instant <= coverageEnd;

  function offsetFor(instant: EpochMs): number {
    let offset = segments[0]!.offsetMs;
    for (const segment of segments) {
      if (segment.from > instant) break;
      offset = segment.offsetMs;
    }
    return offset;
  }

  function toInstant(dayNumber: number, minuteOfDay: number): EpochMs {
    const wallMs = dayNumber * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
    if (!covers(wallMs - segments[0]!.offsetMs)) {
      return createZoneTimeline(timeZone, wallMs - MS_PER_DAY, wallMs + MS_PER_DAY).toInstant(dayNumber, minuteOfDay);
    }
    // A wall time repeated by a fall-back change maps to its first occurrence; one skipped by a
    // spring-forward change moves forward by the size of the gap (02:30 becomes 03:30), as
    // java.time and the TC39 Temporal proposal ("compatible") do.
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index]!;
      const candidate = wallMs - segment.offsetMs;
      const next = segments[index + 1];
      if (candidate >= segment.from && (!next || candidate < next.from)) return candidate;
      if (index === 0 && candidate < segment.from) return candidate;
      if (next && candidate >= next.from && wallMs - next.offsetMs < next.from) return candidate; // in the gap
    }
    return wallMs - segments[segments.length - 1]!.offsetMs;
  }

  function toLocal(instant: EpochMs): LocalDateTime {
    if (!covers(instant)) return createZoneTimeline(timeZone, instant, instant).toLocal(instant);
    const localMs = instant + offsetFor(instant);
    const dayNumber = Math.floor(localMs / MS_PER_DAY);
    return { dayNumber, minuteOfDay: Math.floor((localMs - dayNumber * MS_PER_DAY) / MS_PER_MINUTE) };
  }

  return { timeZone, toInstant, toLocal };
}

/** The first whole minute in (after, atOrBefore] whose offset differs from offsetBefore. */
function findChange(
  offsetMsAt: (instant: EpochMs) => number,
  after: EpochMs,
  atOrBefore: EpochMs,
  offsetBefore: number,
): EpochMs {
  let low = after; // offset here is offsetBefore
  let high = atOrBefore; // offset here differs
  while (high - low > MS_PER_MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    if (middle === low) break;
    if (offsetMsAt(middle) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}
