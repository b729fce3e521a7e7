/**
 * Hebrew text normalization: one strong form for matching free text (FAQ questions) and one
 * light form for the words the date/time and phone parsers look up.
 */

// Cantillation marks (U+0591–U+05AF) and vowel points (U+05B0–U+05C7), except the maqaf
// (U+05BE), paseq (U+05C0) and sof pasuq (U+05C3), which are punctuation.
const HEBREW_MARKS = /[\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]/g;
const COMBINING_MARKS = /[\u0300-\u036F]/g;
const FINAL_LETTERS: Readonly<Record<string, string>> = { ך: 'כ', ם: 'מ', ן: 'נ', ף: 'פ', ץ: 'צ' };
const FINAL_LETTER_PATTERN = /[ךםןףץ]/g;
// Geresh, gershayim and every quote a keyboard or phone may produce in their place.
const QUOTE_MARKS = /['"`´\u05F3\u05F4\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F\u2032\u2033]/g;

// Plain ASCII and unpointed Hebrew letters need no Unicode normalization, and are most input.
const NEEDS_NO_NORMALIZATION = /^[\s!-~\u05D0-\u05EA\u05BE\u05F3\u05F4\u2013\u2014\u2019\u201D]*$/;

/** Removes niqqud and cantillation, and decomposes presentation forms (שּׁ → ש) and full-width digits. */
export function stripNiqqud(text: string): string {
  if (NEEDS_NO_NORMALIZATION.test(text)) return text;
  return text.normalize('NFKD').replace(HEBREW_MARKS, '').replace(COMBINING_MARKS, '').normalize('NFC');
}

/** ך ם ן ף ץ → כ מ נ פ צ, so a word matches however its last letter was typed. */
export function toRegularLetters(text: string): string {
  return text.replace(FINAL_LETTER_PATTERN, (letter) => FINAL_LETTERS[letter] ?? letter);
}

/** Doubled vav and yod are an optional spelling ("שתיים"/"שתים", "צהריים"/"צהרים"): keep one. */
export function collapseDoubledVavYod(text: string): string {
  if (!text.includes('וו') && !text.includes('יי')) return text;
  return text.replace(/וו+/g, 'ו').replace(/יי+/g, 'י');
}

/** One word as the parsers' lexicons spell it: no marks, no quotes, regular letters, single vav/yod. */
export function normalizeHebrewWord(word: string): string {
  return normalizeUnmarkedWord(stripNiqqud(word));
}

/** normalizeHebrewWord for a word whose niqqud is already gone. */
export function normalizeUnmarkedWord(word: string): string {
  return collapseDoubledVavYod(toRegularLetters(word.replace(QUOTE_MARKS, '')));
}

/**
 * Text for matching a question against FAQ entries: niqqud and cantillation removed, final letters
 * made regular, quotes inside acronyms dropped (אחה״צ → אחהצ), other punctuation turned into
 * spaces, doubled vav/yod collapsed, Latin lower-cased, whitespace collapsed and trimmed.
 */
export function normalizeHebrewText(text: string): string {
  return collapseDoubledVavYod(toRegularLetters(stripNiqqud(text)))
    .toLowerCase()
    .replace(QUOTE_MARKS, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
