/**
 * Cost of the FAQ fast path's local matching (normalizer, then trigram fallback) per caller
 * utterance, against a business with the largest FAQ allowed (500 entries), for questions that
 * match, near misses and unrelated requests. The matcher is built once per call.
 * Floor: p99 ≤ 2 ms per utterance (it runs on the bridge's event loop).
 * Run: npx tsx bench/faq-match.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { FAQ_LIMIT } from '../api/services/assistant-changes';
import { FaqMatcher, type FaqEntry } from '../realtime/faq-matcher';

const TOPICS = ['חניה', 'שעות הפתיחה', 'מחיר תספורת', 'תספורת ילדים', 'צבע לשיער', 'החלקה', 'תשלום בביט', 'נגישות', 'חדר המתנה', 'שוברי מתנה'];
const FRAMES = ['יש לכם {t}?', 'מה {t} אצלכם?', 'כמה עולה {t}?', 'איפה {t}?', 'אפשר לקבל מידע על {t}?'];
const FLOOR_P99_MICROS = 2_000;
const ROUNDS = 20;

function faq(): FaqEntry[] {
  const entries: FaqEntry[] = [];
  for (let i = 0; entries.length < FAQ_LIMIT; i += 1) {
    const topic = `${TOPICS[i % TOPICS.length]} ${i >= TOPICS.length ? `סניף ${Math.floor(i / TOPICS.length)}` : ''}`.trim();
    entries.push({ id: String(i), question: FRAMES[i % FRAMES.length]!.replace('{t}', topic), answer: `תשובה ${i}` });
  }
  return entries;
}

const UTTERANCES = [
  'שלום, רציתי לשאול מה שעות הפתיחה שלכם?',
  'יש לכם חניה?',
  'יש לכם חנות נוספת בעיר?',
  'אני רוצה לקבוע תור למחר בעשר בבוקר על שם דנה כהן',
  'כמה עולה תספורת ילדים סניף 3',
  'תגיד, אפשר לשלם בביט או רק במזומן?',
  'מה הכתובת המדויקת של המספרה',
  'אוקיי תודה רבה, להתראות',
];

export async function run(): Promise<{ meanMicros: number; p99Micros: number; pass: boolean }> {
  const entries = faq();
  const buildStart = performance.now();
  const matcher = new FaqMatcher(entries);
  const buildMs = performance.now() - buildStart;
  for (let i = 0; i < 50; i += 1) for (const text of UTTERANCES) matcher.matchLocal(text);
  await new Promise((resolve) => setImmediate(resolve));
  const samples: number[] = [];
  let matched = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const text of UTTERANCES) {
      const start = performance.now();
      const match = matcher.matchLocal(text);
      samples.push((performance.now() - start) * 1000);
      if (match) matched += 1;
    }
  }
  samples.sort((a, b) => a - b);
  const meanMicros = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const p99Micros = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))]!;
  const pass = p99Micros <= FLOOR_P99_MICROS;
  console.log(`FAQ matcher over ${entries.length} entries: built in ${buildMs.toFixed(1)} ms; per utterance mean ${meanMicros.toFixed(0)} µs, p99 ${p99Micros.toFixed(0)} µs (${samples.length} matches, ${matched / ROUNDS} of ${UTTERANCES.length} utterances matched)`);
  console.log(`floor: p99 <= ${FLOOR_P99_MICROS} µs per utterance: ${pass ? 'MET' : 'NOT MET'}`);
  return { meanMicros, p99Micros, pass };
}

if (require.main === module) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
