/** Parsing of the Twilio Media Streams messages the bridge reads: total functions, never a throw. */

/** Base64 as Twilio sends media payloads (the bridge forwards them untouched). */
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The fields of Twilio's `start` message the bridge relies on. */
export interface TwilioStart {
  streamSid: string;
  callSid: string;
  accountSid: string | null;
  customParameters: Record<string, string>;
}

/** A JSON object, or null for anything else (invalid JSON, arrays, scalars). */
export function json(value: unknown): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(value as string);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function base64Bytes(payload: string): number {
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return (payload.length / 4) * 3 - padding;
}

/** Total parser for Twilio's `start` payload. */
export function parseTwilioStart(message: Record<string, unknown>): TwilioStart | null {
  const start = message.start as Record<string, unknown> | undefined;
  if (!start || typeof start !== 'object') return null;
  const streamSid = str(start.streamSid) ?? str(message.streamSid);
  const callSid = str(start.callSid);
  if (!streamSid || !callSid) return null;
  const customParameters: Record<string, string> = {};
  const raw = start.customParameters;
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) if (typeof value === 'string') customParameters[key] = value;
  }
  return { streamSid, callSid, accountSid: str(start.accountSid), customParameters };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const TWILIO_MEDIA_PREFIX = Buffer.from('{"event":"media",');
const PAYLOAD_KEY = Buffer.from('"payload":"');
const DELTA_TYPE = Buffer.from('"type":"response.output_audio.delta",');
/** How far into the message the delta's type may start (after `{` and an `"event_id"`). */
const DELTA_TYPE_WITHIN = 96;
const RESPONSE_ID_KEY = Buffer.from('"response_id":"');
const ITEM_ID_KEY = Buffer.from('"item_id":"');
const DELTA_KEY = Buffer.from('"delta":"');

/** Base64 alphabet by byte ('=' is checked apart: padding only at the end). */
const IS_BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') IS_BASE64[c.charCodeAt(0)] = 1;

interface Span {
  start: number;
  end: number;
}

/**
 * The hot path of a call reads two messages 50 times a second each way: Twilio's `media` and the
 * model's audio delta. They are recognised from their bytes, without building a JSON tree, when
 * they come compact, without escapes and with one payload (Twilio's `media` with `event` first,
 * the delta with `type` within its first keys); anything else returns null and takes the
 * JSON.parse path. Without a backslash, every quote in the message is JSON structure, so a key
 * found by its bytes is a key. Callers pass the frame's bytes as received.
 */
function plainObject(data: Buffer): boolean {
  return data[0] === OPEN_BRACE && data[data.length - 1] === CLOSE_BRACE && data.indexOf(BACKSLASH) === -1;
}

/** The string value of the only occurrence of `key` (a second one: null). */
function onlyString(data: Buffer, key: Buffer): Span | null {
  const at = data.indexOf(key);
  if (at < 0) return null;
  const start = at + key.length;
  const end = data.indexOf(QUOTE, start);
  if (end < 0 || data.indexOf(key, end) !== -1) return null;
  return { start, end };
}

/** Canonical base64: a multiple of 4 characters, padding only at the end. */
function isBase64(data: Buffer, span: Span): boolean {
  const length = span.end - span.start;
  if (length === 0 || length % 4 !== 0) return false;
  let stop = span.end;
  if (data[stop - 1] === 0x3d) stop -= data[stop - 2] === 0x3d ? 2 : 1;
  for (let i = span.start; i < stop; i += 1) if (IS_BASE64[data[i]!] === 0) return false;
  return true;
}

/** Twilio `media`: its payload's base64, or null (then parse the message as JSON). */
export function twilioMediaPayload(data: Buffer): string | null {
  if (data.length <= TWILIO_MEDIA_PREFIX.length || data.compare(TWILIO_MEDIA_PREFIX, 0, TWILIO_MEDIA_PREFIX.length, 0, TWILIO_MEDIA_PREFIX.length) !== 0 || !plainObject(data)) return null;
  const payload = onlyString(data, PAYLOAD_KEY);
  return payload && isBase64(data, payload) ? data.toString('latin1', payload.start, payload.end) : null;
}

export interface AudioDelta {
  responseId: string | null;
  itemId: string;
  /** Base64, not checked here: Buffer.from skips what is not base64 (as for a parsed delta). */
  delta: string;
}

/** Realtime GA `response.output_audio.delta` with its base64 audio, or null (then parse the message as JSON). */
export function audioDelta(data: Buffer): AudioDelta | null {
  const type = data.indexOf(DELTA_TYPE);
  if (type < 1 || type > DELTA_TYPE_WITHIN || !plainObject(data)) return null;
  const responseId = onlyString(data, RESPONSE_ID_KEY);
  const itemId = onlyString(data, ITEM_ID_KEY);
  const delta = onlyString(data, DELTA_KEY);
  if (!responseId || !itemId || itemId.end === itemId.start || !delta || delta.end === delta.start) return null;
  return { responseId: data.toString('utf8', responseId.start, responseId.end), itemId: data.toString('utf8', itemId.start, itemId.end), delta: data.toString('latin1', delta.start, delta.end) };
}
