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
