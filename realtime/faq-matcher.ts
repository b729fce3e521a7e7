/**
 * The assistant core's FAQ matcher, shared by the phone bridge (fast path) and
 * the written channels (answer_faq): the Domain core's Hebrew normalizer first
 * (content words, one-letter prefixes, both directions covered), then a
 * semantic fallback — embeddings when a provider is configured, otherwise a
 * deterministic character-trigram similarity of the content words.
 */
import { normalizeHebrewText } from '../domain';

export interface FaqEntry {
  id?: string;
  question: string;
  answer: string;
}

export type FaqMatchMethod = 'normalized' | 'trigram' | 'embedding';

export interface FaqMatch {
  entry: FaqEntry;
  score: number;
  method: FaqMatchMethod;
}

/** Turns texts into vectors (an embeddings model); the matcher compares them by cosine. */
export interface FaqEmbedder {
  embed(texts: string[]): Promise<number[][]>;
}

export interface FaqMatchThresholds {
  /** Share of the FAQ question's content words the caller said. */
  questionCoverage: number;
  /** Share of the caller's content words the FAQ question explains (keeps "parking? and book me tomorrow" out). */
  callerCoverage: number;
  /** Trigram cosine of the content words, for the fallback without an embedder. */
  trigram: number;
  /** Embedding cosine, for the fallback with an embedder. */
  embedding: number;
}

export const DEFAULT_FAQ_THRESHOLDS: Readonly<FaqMatchThresholds> = Object.freeze({ questionCoverage: 0.75, callerCoverage: 0.34, trigram: 0.72, embedding: 0.86 });

// Words that carry no topic in a spoken question (normalized like the text they are compared with).
const FILLER_WORDS = new Set(
  [
    'מה', 'מי', 'יש', 'אין', 'לכם', 'אצלכם', 'שלכם', 'אתם', 'אני', 'אנחנו', 'את', 'אתה', 'זה', 'זו', 'של', 'על', 'עם', 'אם', 'האם', 'גם', 'כן', 'לא',
    'רק', 'בבקשה', 'שלום', 'היי', 'הי', 'רציתי', 'רוצה', 'לשאול', 'לדעת', 'שאלה', 'תגיד', 'תגידי', 'תגידו', 'אפשר', 'אולי', 'בעצם', 'טוב', 'אוקיי',
    'כאילו', 'נו', 'אה', 'אמ', 'אז', 'פה', 'שם', 'הוא', 'היא', 'הם', 'לי', 'לו', 'לה', 'לנו', 'ו', 'ה', 'ש', 'ב', 'ל', 'מ', 'כ',
    'the', 'a', 'an', 'is', 'are', 'do', 'you', 'i', 'to', 'of', 'what', 'please',
  ].map(normalizeHebrewText),
);
const PREFIX_LETTERS = new Set(['ה', 'ו', 'ב', 'ל', 'מ', 'ש', 'כ']);

/** The topic words of a question, in the normalizer's form. */
export function contentWords(text: string): string[] {
  return normalizeHebrewText(text)
    .split(' ')
    .filter((word) => word.length > 0 && !FILLER_WORDS.has(word));
}

/** A word and its forms without up to two leading prefix letters ("והחניה" → "החניה" → "חניה"). */
function wordForms(word: string): string[] {
  const forms = [word];
  let current = word;
  for (let i = 0; i < 2 && current.length >= 4 && PREFIX_LETTERS.has(current[0]!); i += 1) {
    current = current.slice(1);
    forms.push(current);
  }
  return forms;
}

/** Each word's forms, and every form of every word: two words match when their forms meet. */
interface WordSet {
  forms: string[][];
  all: Set<string>;
}

function wordSet(words: string[]): WordSet {
  const forms = words.map(wordForms);
  return { forms, all: new Set(forms.flat()) };
}

/** Share of `of`'s words that match some word of `by`. */
function coverage(of: WordSet, by: WordSet): number {
  if (of.forms.length === 0) return 0;
  return of.forms.filter((forms) => forms.some((form) => by.all.has(form))).length / of.forms.length;
}

function trigramVector(words: string[]): Map<string, number> {
  const vector = new Map<string, number>();
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      const gram = padded.slice(i, i + 3);
      vector.set(gram, (vector.get(gram) ?? 0) + 1);
    }
  }
  return vector;
}

interface TrigramVector {
  counts: Map<string, number>;
  norm: number;
}

function trigrams(words: string[]): TrigramVector {
  const counts = trigramVector(words);
  let squares = 0;
  for (const count of counts.values()) squares += count * count;
  return { counts, norm: Math.sqrt(squares) };
}


export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA && normB ? dot / Math.sqrt(normA * normB) : 0;
}

function appendTo<V>(index: Map<string, V[]>, key: string, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

interface PreparedEntry {
  entry: FaqEntry;
  words: WordSet;
  trigrams: TrigramVector;
}

/**
 * One business's FAQ for one channel, prepared once (per call or per reply).
 * `matchLocal` is synchronous and deterministic; `match` adds the embeddings
 * fallback when an embedder is given (its failures fall through to "no match").
 */
export class FaqMatcher {
  readonly #entries: PreparedEntry[];
  readonly #thresholds: FaqMatchThresholds;
  readonly #embedder: FaqEmbedder | null;
  #entryVectors: Promise<number[][]> | null = null;
  /** Inverted indexes (word form → entries, trigram → entries and counts): only entries sharing something are scored. */
  readonly #byForm = new Map<string, number[]>();
  readonly #byTrigram = new Map<string, Array<[number, number]>>();

  constructor(entries: readonly FaqEntry[], options: { embedder?: FaqEmbedder | null; thresholds?: Partial<FaqMatchThresholds> } = {}) {
    this.#entries = entries.map((entry) => {
      const words = contentWords(entry.question);
      return { entry, words: wordSet(words), trigrams: trigrams(words) };
    });
    this.#thresholds = { ...DEFAULT_FAQ_THRESHOLDS, ...options.thresholds };
    this.#embedder = options.embedder ?? null;
    this.#entries.forEach((prepared, index) => {
      for (const form of prepared.words.all) appendTo(this.#byForm, form, index);
      for (const [gram, count] of prepared.trigrams.counts) appendTo(this.#byTrigram, gram, [index, count]);
    });
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The normalizer, then (without an embedder) the trigram fallback. */
  matchLocal(question: string): FaqMatch | null {
    const words = contentWords(question);
    if (words.length === 0 || this.#entries.length === 0) return null;
    const normalized = this.#bestNormalized(wordSet(words));
    if (normalized) return normalized;
    if (this.#embedder) return null;
    return this.#bestTrigram(words);
  }

  async match(question: string): Promise<FaqMatch | null> {
    const local = this.matchLocal(question);
    if (local || !this.#embedder || this.#entries.length === 0 || contentWords(question).length === 0) return local;
    try {
      this.#entryVectors ??= this.#embedder.embed(this.#entries.map((prepared) => prepared.entry.question));
      const [entryVectors, [questionVector]] = await Promise.all([this.#entryVectors, this.#embedder.embed([question])]);
      let best: FaqMatch | null = null;
      entryVectors.forEach((vector, index) => {
        const score = cosine(vector, questionVector ?? []);
        if (score >= this.#thresholds.embedding && score > (best?.score ?? 0)) best = { entry: this.#entries[index]!.entry, score, method: 'embedding' };
      });
      return best;
    } catch {
      this.#entryVectors = null;
      return null;
    }
  }

  #bestNormalized(words: WordSet): FaqMatch | null {
    const candidates = new Set<number>();
    for (const form of words.all) for (const index of this.#byForm.get(form) ?? []) candidates.add(index);
    let best: FaqMatch | null = null;
    for (const index of candidates) {
      const prepared = this.#entries[index]!;
      const ofQuestion = coverage(prepared.words, words);
      const ofCaller = coverage(words, prepared.words);
      if (ofQuestion < this.#thresholds.questionCoverage || ofCaller < this.#thresholds.callerCoverage) continue;
      const score = (ofQuestion + ofCaller) / 2;
      if (score > (best?.score ?? 0)) best = { entry: prepared.entry, score, method: 'normalized' };
    }
    return best;
  }

  #bestTrigram(words: string[]): FaqMatch | null {
    const vector = trigrams(words);
    if (!vector.norm) return null;
    const dots = new Map<number, number>();
    for (const [gram, count] of vector.counts) for (const [index, entryCount] of this.#byTrigram.get(gram) ?? []) dots.set(index, (dots.get(index) ?? 0) + count * entryCount);
    let best: FaqMatch | null = null;
    for (const [index, dot] of dots) {
      const prepared = this.#entries[index]!;
      const score = prepared.trigrams.norm ? dot / (vector.norm * prepared.trigrams.norm) : 0;
      if (score >= this.#thresholds.trigram && score > (best?.score ?? 0)) best = { entry: prepared.entry, score, method: 'trigram' };
    }
    return best;
  }
}

/** The entries the business enabled for one channel. */
export function faqForChannel<C extends string>(entries: ReadonlyArray<FaqEntry & { channels: readonly C[] }>, channel: C): FaqEntry[] {
  return entries.filter((entry) => entry.channels.includes(channel)).map(({ id, question, answer }) => ({ id, question, answer }));
}

/** The response.create instructions that make the model say an FAQ answer word for word. */
export function verbatimAnswerInstructions(answer: string): string {
  return `ענה ללקוח עכשיו במשפט הבא בדיוק, מילה במילה, בלי להוסיף ובלי לשנות דבר: "${answer}"`;
}
