/**
 * Slot computation for a busy business: 90 days of 15-minute slots with 2,000 existing bookings,
 * the engine's sweep next to a naive minute-by-minute baseline run in the same process, checked
 * to produce the same slots. Run: npx tsx bench/slots.bench.ts
 */
import { DateTime } from 'luxon';
import { getAvailableSlots } from '../domain/availability/slots';
import type { BusinessRules, LocalTimeRange, TimeRange, Weekday } from '../domain/availability/types';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WINDOW_DAYS = 90;
const BOOKING_COUNT = 2_000;
const ENGINE_RUNS = 50;
const NAIVE_RUNS = 5;
const ENGINE_FLOOR_MS = 2;

export interface SlotsBenchResult {
  readonly slots: number;
  readonly bookings: number;
  readonly engineMeanMs: number;
  readonly naiveMeanMs: number;
  readonly speedup: number;
  readonly engineFloorMs: number;
  readonly sameSlots: boolean;
  readonly pass: boolean;
}

const ZONE = 'Asia/Jerusalem';
const WEEKDAY_HOURS: readonly LocalTimeRange[] = [
  { start: '08:00', end: '13:00' },
  { start: '14:00', end: '20:00' },
];
const RULES: BusinessRules = {
  timeZone: ZONE,
  weeklyHours: { 0: WEEKDAY_HOURS, 1: WEEKDAY_HOURS, 2: WEEKDAY_HOURS, 3: WEEKDAY_HOURS, 4: WEEKDAY_HOURS, 5: [{ start: '08:00', end: '14:00' }] },
  closedDates: ['2026-04-02', '2026-04-08'],
  dateOverrides: [{ date: '2026-04-01', ranges: [{ start: '08:00', end: '12:00' }] }],
  slotLengthMinutes: 15,
  slotIntervalMinutes: 15,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 5,
  minimumNoticeMinutes: 60,
  bookingWindowDays: WINDOW_DAYS,
  maxBookingsPerDay: 32,
};
// Sunday 1 March 2026, 07:30 in Jerusalem; the 90 days include the spring-forward of 27 March.
const NOW = DateTime.fromISO('2026-03-01T07:30', { zone: ZONE }).toMillis();

/** A fixed pseudo-random sequence (mulberry32), so every run books the same 2,000 appointments. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function makeBookings(): TimeRange[] {
  const random = seededRandom(20260301);
  const firstDay = DateTime.fromMillis(NOW, { zone: ZONE }).startOf('day');
  const bookings: TimeRange[] = [];
  for (let index = 0; index < BOOKING_COUNT; index++) {
    const day = firstDay.plus({ days: Math.floor(random() * WINDOW_DAYS) });
    const start = day.set({ hour: 8 + Math.floor(random() * 12), minute: 5 * Math.floor(random() * 12) }).toMillis();
    bookings.push({ start, end: start + (15 + 15 * Math.floor(random() * 2)) * MINUTE_MS });
  }
  return bookings;
}

/**
 * The baseline: one flag per minute of the 90 days for "open" and one for "busy", filled minute by
 * minute, then every grid start checked minute by minute. Same rules, no sweep, no ranges.
 */
function naiveSlots(rules: BusinessRules, bookings: readonly TimeRange[], now: number, from: number, to: number): TimeRange[] {
  const zone = rules.timeZone;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const origin = today.toMillis();
  const minutes = (rules.bookingWindowDays + 2) * 1440;
  const open = new Uint8Array(minutes);
  const busy = new Uint8Array(minutes);
  const minuteIndex = (instant: number): number => Math.floor((instant - origin) / MINUTE_MS);
  const marginMs = (rules.bufferBeforeMinutes + rules.bufferAfterMinutes) * MINUTE_MS;
  for (const booking of bookings) {
    for (let instant = booking.start - marginMs; instant < booking.end + marginMs; instant += MINUTE_MS) {
      const at = minuteIndex(instant);
      if (at >= 0 && at < minutes) busy[at] = 1;
    }
  }
  const bookingsPerDate = new Map<string, number>();
  for (const booking of bookings) {
    const date = DateTime.fromMillis(booking.start, { zone }).toISODate()!;
    bookingsPerDate.set(date, (bookingsPerDate.get(date) ?? 0) + 1);
  }
  const slots: TimeRange[] = [];
  for (let offset = 0; offset <= rules.bookingWindowDays; offset++) {
    const day = today.plus({ days: offset });
    const date = day.toISODate()!;
    if (rules.closedDates?.includes(date)) continue;
    const override = rules.dateOverrides?.find((candidate) => candidate.date === date);
    const hours = override ? override.ranges : (rules.weeklyHours[(day.weekday % 7) as Weekday] ?? []);
    if (rules.maxBookingsPerDay !== null && (bookingsPerDate.get(date) ?? 0) >= rules.maxBookingsPerDay) continue;
    for (const range of hours) {
      const [startHour, startMinute] = range.start.split(':').map(Number) as [number, number];
      const [endHour, endMinute] = range.end.split(':').map(Number) as [number, number];
      const opensAt = day.set({ hour: startHour, minute: startMinute }).toMillis();
      const closesAt = day.set({ hour: endHour, minute: endMinute }).toMillis();
      for (let instant = opensAt; instant < closesAt; instant += MINUTE_MS) open[minuteIndex(instant)] = 1;
      for (let start = opensAt; start < closesAt; start += rules.slotIntervalMinutes * MINUTE_MS) {
        const end = start + rules.slotLengthMinutes * MINUTE_MS;
        if (start < now + rules.minimumNoticeMinutes * MINUTE_MS || start < from || start >= to) continue;
        let free = true;
        for (let instant = start; instant < end && free; instant += MINUTE_MS) {
          const at = minuteIndex(instant);
          free = open[at] === 1 && busy[at] === 0 && instant < closesAt;
        }
        if (free) slots.push({ start, end });
      }
    }
  }
  return slots.sort((a, b) => a.start - b.start);
}

function meanMs(runs: number, work: () => unknown): number {
  const started = process.hrtime.bigint();
  for (let run = 0; run < runs; run++) work();
  return Number(process.hrtime.bigint() - started) / 1e6 / runs;
}

/** Lets pending callbacks and timers run before measuring, so they do not land inside the timings. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function run(): Promise<SlotsBenchResult> {
  const bookings = makeBookings();
  const from = NOW;
  const to = NOW + (WINDOW_DAYS + 1) * DAY_MS;
  const engine = () => getAvailableSlots({ rules: RULES, bookings, now: NOW, from, to });
  const naive = () => naiveSlots(RULES, bookings, NOW, from, to);

  const engineSlots = engine();
  const naiveResult = naive();
  const sameSlots =
    engineSlots.length === naiveResult.length &&
    engineSlots.every((slot, index) => slot.start === naiveResult[index]!.start && slot.end === naiveResult[index]!.end);
  for (let warmUp = 0; warmUp < 20; warmUp++) engine();
  await settle();

  const engineMeanMs = meanMs(ENGINE_RUNS, engine);
  const naiveMeanMs = meanMs(NAIVE_RUNS, naive);
  const speedup = naiveMeanMs / engineMeanMs;
  const pass = sameSlots && engineMeanMs <= ENGINE_FLOOR_MS;
  console.log(
    `slots: ${engineSlots.length} slots over ${WINDOW_DAYS} days with ${BOOKING_COUNT} bookings: ` +
      `engine ${engineMeanMs.toFixed(2)} ms, naive ${naiveMeanMs.toFixed(1)} ms, ${speedup.toFixed(0)}x faster; ` +
      `same slots: ${sameSlots ? 'yes' : 'NO'} (floor: engine ≤ ${ENGINE_FLOOR_MS} ms) ${pass ? 'PASS' : 'FAIL'}`,
  );
  return { slots: engineSlots.length, bookings: BOOKING_COUNT, engineMeanMs, naiveMeanMs, speedup, engineFloorMs: ENGINE_FLOOR_MS, sameSlots, pass };
}

if (require.main === module) {
  run().then(
    (result) => {
      process.exitCode = result.pass ? 0 : 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
