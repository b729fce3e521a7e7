import { normalizeHebrewWord, normalizeUnmarkedWord, stripNiqqud } from './normalize';

/** A Hebrew word, normalized (see normalizeHebrewWord); `abbreviated` when a geresh followed it (א׳, ה'). */
export interface WordToken {
  readonly kind: 'word';
  readonly text: string;
  readonly abbreviated: boolean;
}

/**
 * Digits, possibly joined by separators without spaces: '10', '14:30', '20.3', '2/4/2026', '050-1234567'.
 * `prefix` holds Hebrew prefix letters written before it ('ב' in 'ב-10', 'וב' in 'וב10').
 */
export interface NumberToken {
  readonly kind: 'number';
  readonly prefix: string;
  readonly parts: readonly string[];
  readonly separators: readonly string[];
}

export interface PunctuationToken {
  readonly kind: 'punctuation';
  readonly mark: string;
}

export type Token = WordToken | NumberToken | PunctuationToken;

const PREFIX_LETTERS = 'ובלהמכש';
export const MAX_PREFIX_LENGTH = 3;

/** ו ב ל ה מ כ ש: the letters Hebrew writes in front of a word as "and", "in", "to", "the", "from", "as", "that". */
export function isPrefixLetter(letter: string): boolean {
  return PREFIX_LETTERS.includes(letter);
}

/** Prefix letters written apart from their word ('ב 15/03', 'ב- 10'); not 'שש' (six) or 'מה' (what). */
const DETACHED_PREFIXES = new Set(['ב', 'ל', 'ה', 'ו', 'מ', 'כ', 'וב', 'ול', 'וה', 'ומ', 'בה', 'לה', 'ובה', 'ולה']);

export function isDetachedPrefix(word: string): boolean {
  return DETACHED_PREFIXES.has(word);
}

/**
 * The ways a word may split into prefix letters and a stem, the whole word first:
 * 'ובשלוש' → ['', 'ובשלוש'], ['ו', 'בשלוש'], ['וב', 'שלוש'], ['ובש', 'לוש'].
 */
export function prefixSplits(word: string): { prefix: string; stem: string }[] {
  const splits = [{ prefix: '', stem: word }];
  for (let length = 1; length <= MAX_PREFIX_LENGTH && length < word.length - 1; length++) {
    if (!isPrefixLetter(word[length - 1]!)) break;
    splits.push({ prefix: word.slice(0, length), stem: word.slice(length) });
  }
  return splits;
}

const DAY_WORD_FORMS = new Set(['יום', 'ביום', 'וביום', 'ליום', 'מיום', 'עדיום'].map(normalizeHebrewWord));

const DASHES = /[\u05BE\u2010-\u2015\u2212]/g; // maqaf, hyphens, en/em dashes, minus
const SINGLE_QUOTES = /[`´\u05F3\u2018\u2019\u201A\u201B\u2032]/g;
const DOUBLE_QUOTES = /[\u05F4\u201C\u201D\u201E\u201F\u2033]|''/g;
const TOKEN_PATTERN = /(\d+(?:[:./-]\d+)*)|([\u05D0-\u05EA]+(?:["'][\u05D0-\u05EA]+)*'?)|(\S)/gu;

interface RawToken {
  readonly token: Token;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits caller text into words, numbers and punctuation. Hyphens between words split them
 * (שתיים-עשרה); prefix letters before a number join it ('ב-20', 'ב 15/03', 'וב10') and prefix
 * letters standing alone before a word join that word ('ב שלוש' → 'בשלוש').
 */
export function tokenize(text: string): Token[] {
  const cleaned = stripNiqqud(text).replace(DASHES, '-').replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"');
  const raw: RawToken[] = [];
  for (const match of cleaned.matchAll(TOKEN_PATTERN)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[1] !== undefined) {
      const parts = match[1].split(/[:./-]/);
      const separators = match[1].match(/[:./-]/g) ?? [];
      raw.push({ token: { kind: 'number', prefix: '', parts, separators }, start, end });
    } else if (match[2] !== undefined) {
      const abbreviated = match[2].endsWith("'");
      raw.push({ token: { kind: 'word', text: normalizeUnmarkedWord(match[2]), abbreviated }, start, end });
    } else {
      raw.push({ token: { kind: 'punctuation', mark: match[0] }, start, end });
    }
  }
  return attachPrefixes(raw);
}

function attachPrefixes(raw: readonly RawToken[]): Token[] {
  const tokens: Token[] = [];
  for (let index = 0; index < raw.length; index++) {
    const current = raw[index]!.token;
    const previous = tokens[tokens.length - 1];
    const attachable =
      current.kind === 'word' &&
      !current.abbreviated &&
      isDetachedPrefix(current.text) &&
      !(previous?.kind === 'word' && DAY_WORD_FORMS.has(previous.text)); // 'יום ב 10:00': ב is Monday
    if (attachable) {
      let next = index + 1;
      if (raw[next]?.token.kind === 'punctuation' && (raw[next]!.token as PunctuationToken).mark === '-') next++;
      const target = raw[next]?.token;
      if (target?.kind === 'number') {
        tokens.push({ ...target, prefix: current.text + target.prefix });
        index = next;
        continue;
      }
      if (target?.kind === 'word' && !target.abbreviated) {
        tokens.push({ ...target, text: current.text + target.text });
        index = next;
        continue;
      }
    }
    tokens.push(current);
  }
  return tokens;
}
