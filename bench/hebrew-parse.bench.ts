/**
 * Per-utterance cost of the Hebrew parsers over the fixture samples (date/time and phone),
 * repeated after a warm-up. Run: npx tsx bench/hebrew-parse.bench.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseHebrewDateTime } from '../domain/hebrew/datetime';
import { extractPhoneNumber } from '../domain/phone/phone';

const FIXTURES_DIR = path.resolve(__dirname, '../../shared/fixtures');
const SAMPLE_FILES = ['hebrew-datetime.sample.jsonl', 'hebrew-phone.sample.jsonl'];
const WARM_UP_ROUNDS = 200;
const MEASURED_ROUNDS = 500;
const MEAN_FLOOR_MICROS = 50;

export interface HebrewParseBenchResult {
  readonly utterances: number;
  readonly meanMicros: number;
  readonly p99Micros: number;
  readonly meanFloorMicros: number;
  readonly pass: boolean;
}

type Utterance = () => unknown;

function loadUtterances(): Utterance[] {
  const utterances: Utterance[] = [];
  for (const file of SAMPLE_FILES) {
    for (const line of readFileSync(path.join(FIXTURES_DIR, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const fixture = JSON.parse(line) as { text: string; now?: string; tz?: string; expect: Record<string, unknown> };
      const { text, now, tz } = fixture;
      if ('e164' in fixture.expect) utterances.push(() => extractPhoneNumber(text));
      else if (now && tz) utterances.push(() => parseHebrewDateTime(text, { now, timeZone: tz }));
    }
  }
  return utterances;
}

/** Lets pending callbacks and timers run before measuring, so they do not land inside the timings. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function run(): Promise<HebrewParseBenchResult> {
  const utterances = loadUtterances();
  for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const parse of utterances) parse();
  await settle();

  const samplesMicros = new Float64Array(utterances.length * MEASURED_ROUNDS);
  let sampleIndex = 0;
  for (let round = 0; round < MEASURED_ROUNDS; round++) {
    for (const parse of utterances) {
      const started = process.hrtime.bigint();
      parse();
      samplesMicros[sampleIndex++] = Number(process.hrtime.bigint() - started) / 1000;
    }
  }
  const sorted = [...samplesMicros].sort((a, b) => a - b);
  const meanMicros = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const p99Micros = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  const result = { utterances: utterances.length, meanMicros, p99Micros, meanFloorMicros: MEAN_FLOOR_MICROS, pass: meanMicros <= MEAN_FLOOR_MICROS };
  console.log(
    `hebrew-parse: ${result.utterances} sample utterances × ${MEASURED_ROUNDS} rounds: ` +
      `mean ${meanMicros.toFixed(1)} µs, p99 ${p99Micros.toFixed(1)} µs per utterance ` +
      `(floor: mean ≤ ${MEAN_FLOOR_MICROS} µs) ${result.pass ? 'PASS' : 'FAIL'}`,
  );
  return result;
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
