import { extractPhoneNumber } from '../phone/phone';
import { parseHebrewDateTime, type ParsedDateTime } from './datetime';

/**
 * Scores the Hebrew parsers against fixture lines (shared/fixtures/*.jsonl). Pure: the caller
 * reads the file. A line with `expect.e164` is a phone case; one with `expect.date`/`expect.time`
 * is a date/time case (with `now` and `tz`).
 */

export interface Mismatch {
  readonly line: number;
  readonly text: string;
  readonly expected: unknown;
  readonly got: unknown;
}

export interface EvaluationReport {
  readonly passed: number;
  readonly failed: number;
  readonly mismatches: readonly Mismatch[];
}

type FixtureCase =
  | { readonly kind: 'datetime'; readonly text: string; readonly now: string; readonly tz: string; readonly expect: ParsedDateTime }
  | { readonly kind: 'phone'; readonly text: string; readonly expect: { readonly e164: string | null } };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';

/** One fixture line as a case, or a sentence saying why it is not one. */
export function parseFixtureLine(line: string): FixtureCase | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (!isRecord(value) || typeof value.text !== 'string' || !isRecord(value.expect)) return 'needs "text" and "expect"';
  const { text, expect } = value;
  if ('e164' in expect) {
    if (!isStringOrNull(expect.e164)) return '"expect.e164" must be a string or null';
    return { kind: 'phone', text, expect: { e164: expect.e164 } };
  }
  if ('date' in expect || 'time' in expect) {
    const date = expect.date ?? null;
    const time = expect.time ?? null;
    if (!isStringOrNull(date) || !isStringOrNull(time)) return '"expect.date"/"expect.time" must be strings or null';
    if (typeof value.now !== 'string' || typeof value.tz !== 'string') return 'a date/time case needs "now" and "tz"';
    return { kind: 'datetime', text, now: value.now, tz: value.tz, expect: { date, time } };
  }
  return '"expect" has neither e164 nor date/time';
}

function actualFor(fixture: FixtureCase): unknown {
  if (fixture.kind === 'phone') return extractPhoneNumber(fixture.text);
  const parsed = parseHebrewDateTime(fixture.text, { now: fixture.now, timeZone: fixture.tz });
  return { date: parsed.date, time: parsed.time };
}

function sameResult(fixture: FixtureCase, got: unknown): boolean {
  return JSON.stringify(got) === JSON.stringify(fixture.expect);
}

/** Runs every non-blank line of a JSONL fixture file's content; a malformed line counts as failed. */
export function evaluateFixtures(jsonl: string): EvaluationReport {
  const mismatches: Mismatch[] = [];
  let passed = 0;
  jsonl.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const fixture = parseFixtureLine(line);
    if (typeof fixture === 'string') {
      mismatches.push({ line: index + 1, text: line, expected: 'a fixture case', got: fixture });
      return;
    }
    let got: unknown;
    try {
      got = actualFor(fixture);
    } catch (error) {
      got = `threw ${error instanceof Error ? error.message : String(error)}`;
    }
    if (sameResult(fixture, got)) passed++;
    else mismatches.push({ line: index + 1, text: fixture.text, expected: fixture.expect, got });
  });
  return { passed, failed: mismatches.length, mismatches };
}
