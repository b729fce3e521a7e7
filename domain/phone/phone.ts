import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { normalizeHebrewWord } from '../hebrew/normalize';
import { readHebrewNumber } from '../hebrew/numbers';
import { tokenize, type Token } from '../hebrew/tokens';

export type { CountryCode };

export interface ParsedPhone {
  /** E.164 ('+972523456789'), or null when the text holds no valid number. */
  readonly e164: string | null;
}

const PLUS_WORDS = new Set(['פלוס', 'פלס'].map(normalizeHebrewWord));
const TWICE_WORDS = new Set(['פעמיים'].map(normalizeHebrewWord));
/** Punctuation that may sit between the digits of one number: 050-123.45 67, (03) 555/1234, "אפס חמש, שתיים". */
const DIGIT_SEPARATORS = new Set(['-', '.', '(', ')', '/', ',', ':', '_', '*', '#']);

interface DigitRun {
  /** Digits as they came: one entry per written group or spoken number ("050", "1234567"; "0", "51", "123"). */
  readonly groups: readonly string[];
  /** Indexes of the groups a comma came before: where one number may end and something else begin. */
  readonly afterComma: ReadonlySet<number>;
  /** Written or said with a leading plus: the digits start with a country code. */
  readonly international: boolean;
}

/**
 * Finds a phone number in caller text, written ("050-1234567", "+1 415 867 5309") or spoken digit by
 * digit or in groups ("אפס חמישים ואחת, מאה עשרים ושלוש, ..."), and returns it in E.164 when
 * libphonenumber-js finds it valid. National numbers are read in `defaultCountry` (Israel unless
 * said otherwise); 00/972/+ prefixes switch to international. Each run of digits and number words
 * is tried whole, then without groups before a trunk 0 ("אני בן 35 054-…") or after a comma
 * ("054-1234567, 3 ילדים"); a number without a plus is read as international ("1 415 …") only as
 * a last resort. Digits are never dropped from inside a group or a spoken digit-by-digit sequence,
 * so a number said with a digit too many is not cut down to some other valid number.
 */
export function extractPhoneNumber(text: string, defaultCountry: CountryCode = 'IL'): ParsedPhone {
  for (const run of digitRuns(tokenize(text))) {
    const e164 = readRun(run, defaultCountry);
    if (e164) return { e164 };
  }
  return { e164: null };
}

function readRun(run: DigitRun, defaultCountry: CountryCode): string | null {
  const digits = run.groups.join('');
  // Without a plus, eleven or more digits not led by a trunk 0 are too long to be national (Israeli
  // numbers have at most ten): another number said before a national one ("מספר 2 054…"), or a
  // country code ("1 415 867 5309").
  if (!run.international && !digits.startsWith('0') && digits.length >= 11) {
    return fromGroupsWithin(run, defaultCountry) ?? validE164(`+${digits}`) ?? toE164(digits, false, defaultCountry);
  }
  return toE164(digits, run.international, defaultCountry) ?? fromGroupsWithin(run, defaultCountry);
}

function fromGroupsWithin(run: DigitRun, defaultCountry: CountryCode): string | null {
  const { groups } = run;
  const firsts = [0, ...groups.keys()].filter((index) => index === 0 || groups[index]!.startsWith('0'));
  const ends = [...groups.keys()].filter((index) => run.afterComma.has(index)).concat(groups.length);
  for (const first of firsts) {
    for (const end of ends) {
      if (end <= first || (first === 0 && end === groups.length)) continue;
      const e164 = toE164(groups.slice(first, end).join(''), run.international && first === 0, defaultCountry);
      if (e164) return e164;
    }
  }
  return null;
}

/** Prefix letters that start a new number: "ב-5 ל-054…" is a time, then a phone number. */
const SEPARATE_NUMBER_PREFIX = /^[^ו]/;

function digitRuns(tokens: readonly Token[]): DigitRun[] {
  const words = tokens.map((token) => (token.kind === 'word' ? token.text : null));
  const runs: DigitRun[] = [];
  let groups: string[] = [];
  let afterComma = new Set<number>();
  let international = false;
  const close = (): void => {
    if (groups.length > 0) runs.push({ groups, afterComma, international });
    groups = [];
    afterComma = new Set();
    international = false;
  };
  for (let index = 0; index < tokens.length; ) {
    const token = tokens[index]!;
    if (token.kind === 'number') {
      if (SEPARATE_NUMBER_PREFIX.test(token.prefix)) close();
      groups.push(...token.parts);
      index++;
    } else if (token.kind === 'punctuation') {
      if (token.mark === '+') {
        close();
        international = true;
      } else if (!DIGIT_SEPARATORS.has(token.mark)) {
        close();
      } else if (token.mark === ',') {
        afterComma.add(groups.length);
      }
      index++;
    } else if (PLUS_WORDS.has(token.text)) {
      close();
      international = true;
      index++;
    } else if (TWICE_WORDS.has(token.text)) {
      // "פעמיים חמש" is 55.
      const repeated = readHebrewNumber(words, index + 1);
      if (repeated?.isSingleDigitWord) {
        groups.push(String(repeated.value).repeat(2));
        index += 1 + repeated.length;
      } else {
        close();
        index++;
      }
    } else {
      const number = readHebrewNumber(words, index, (prefix) => /^[והבל]?$/.test(prefix));
      if (number) {
        if (SEPARATE_NUMBER_PREFIX.test(number.prefix)) close();
        groups.push(String(number.value));
        index += number.length;
      } else {
        close();
        index++;
      }
    }
  }
  close();
  return runs;
}

function validE164(candidate: string, country?: CountryCode): string | null {
  const parsed = parsePhoneNumberFromString(candidate, country);
  if (parsed?.isValid()) return parsed.number;
  // "+972 (0)54 …": a trunk 0 said after the country code.
  const withoutTrunkZero = parsed && country === undefined ? dropTrunkZero(candidate, parsed.countryCallingCode) : null;
  if (!withoutTrunkZero) return null;
  const retried = parsePhoneNumberFromString(withoutTrunkZero);
  return retried?.isValid() ? retried.number : null;
}

function toE164(digits: string, international: boolean, defaultCountry: CountryCode): string | null {
  if (digits.length < 7) return null;
  if (international) return validE164(`+${digits}`);
  if (digits.startsWith('00')) return validE164(`+${digits.slice(2)}`);
  // The home country's code without its plus: "972 54 …" for Israel.
  if (digits.startsWith(getCountryCallingCode(defaultCountry)) && digits.length >= 11) {
    const international = validE164(`+${digits}`);
    if (international) return international;
  }
  return validE164(digits, defaultCountry);
}

function dropTrunkZero(candidate: string, callingCode: string): string | null {
  const afterCode = candidate.slice(1 + callingCode.length);
  return afterCode.startsWith('0') ? `+${callingCode}${afterCode.slice(1)}` : null;
}
