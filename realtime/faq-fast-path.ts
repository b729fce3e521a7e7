import { FaqMatcher, verbatimAnswerInstructions, type FaqEmbedder, type FaqEntry, type FaqMatch } from './faq-matcher';

/** response.metadata key of an FAQ fast-path answer (response.created echoes it). */
export const FAQ_METADATA_KEY = 'prosaas_faq';

/**
 * The FAQ fast path of one call: which answer the caller's current turn got,
 * and the answer's own response.create until the model has taken it.
 *
 * The bridge owns the model's response slot (one response at a time) and asks
 * this object what to do at each step: whether a match may still be answered
 * in this turn, whether a created response is the answer, whether an error
 * refused the answer's request and it should be sent again.
 */
export class FaqFastPath {
  readonly #embedder: FaqEmbedder | null;
  #matcher: FaqMatcher | null = null;
  /** The answer waiting to be spoken, until a response carrying it is created. */
  #pending: FaqMatch | null = null;
  #requested = false;
  #requests = 0;
  #eventId: string | null = null;
  /** The answer given in the caller's current turn (an answer_faq call then needs no round trip). */
  #answeredThisTurn: string | null = null;
  /** The model already looked the question up with answer_faq in this turn: the fast path stays out. */
  #lookedUpThisTurn = false;

  constructor(embedder: FaqEmbedder | null = null) {
    this.#embedder = embedder;
  }

  load(entries: readonly FaqEntry[]): void {
    this.#matcher = entries.length > 0 ? new FaqMatcher(entries, { embedder: this.#embedder }) : null;
  }

  /** Looks the caller's question up: a local match answers at once, the semantic fallback when it resolves. */
  lookUp(question: string, onMatch: (match: FaqMatch) => void): void {
    const matcher = this.#matcher;
    if (!matcher) return;
    const local = matcher.matchLocal(question);
    if (local) return onMatch(local);
    void matcher.match(question).then((match) => {
      if (match) onMatch(match);
    });
  }

  /** Takes the match as this turn's answer; false when the turn has one already or the model looked it up itself. */
  accept(match: FaqMatch): boolean {
    if (this.#answeredThisTurn !== null || this.#lookedUpThisTurn) return false;
    this.#answeredThisTurn = match.entry.answer;
    this.#pending = match;
    return true;
  }

  /** An answer is waiting for its response to be created. */
  get pending(): boolean {
    return this.#pending !== null;
  }

  /** An answer is waiting and its response.create is not out yet. */
  get unrequested(): boolean {
    return this.#pending !== null && !this.#requested;
  }

  /** The response.create that speaks the waiting answer verbatim, or null when none waits. */
  request(callSid: string): Record<string, unknown> | null {
    const match = this.#pending;
    if (!match) return null;
    this.#requested = true;
    this.#eventId = `faq_${callSid}_${(this.#requests += 1)}`;
    return {
      type: 'response.create',
      event_id: this.#eventId,
      response: { instructions: verbatimAnswerInstructions(match.entry.answer), tool_choice: 'none', metadata: { [FAQ_METADATA_KEY]: match.entry.id ?? 'faq' } },
    };
  }

  /** response.created: true when the response is the answer (it is no longer waiting). */
  isAnswer(metadata: Record<string, unknown> | undefined): boolean {
    if (!metadata || !(FAQ_METADATA_KEY in metadata)) return false;
    this.#pending = null;
    this.#requested = false;
    return true;
  }

  /** The model refused the answer's request (another response was active): true when it should be sent again. */
  refused(eventId: unknown): boolean {
    if (!this.#requested || eventId !== this.#eventId) return false;
    this.#requested = false;
    return true;
  }

  /** The answer already spoken in this turn, for an answer_faq call that follows it. */
  get answeredThisTurn(): string | null {
    return this.#answeredThisTurn;
  }

  /** The model runs answer_faq itself in this turn. */
  lookedUpByModel(): void {
    this.#lookedUpThisTurn = true;
  }

  /** The caller starts speaking again: a new question may get a new answer. */
  newTurn(): void {
    this.#answeredThisTurn = null;
    this.#lookedUpThisTurn = false;
  }
}
