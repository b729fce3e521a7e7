import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived token that authorises one media stream: the voice webhook mints it
 * into TwiML <Parameter name="token">, the realtime service verifies it on the
 * stream's `start` message against the start's callSid before opening a model socket.
 * Format: v1.<base64url JSON {b,c,e}>.<base64url HMAC-SHA256>.
 */
export interface StreamTokenClaims {
  businessId: string;
  callSid: string;
  /** Unix time in seconds after which the token is refused. */
  expiresAt: number;
}

const VERSION = 'v1';
const MAX_TOKEN_LENGTH = 1024;

function sign(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest();
}

export function signStreamToken(
  claims: { businessId: string; callSid: string },
  secret: string,
  ttlSeconds: number,
  nowMs: number = Date.now(),
): string {
  if (!secret) throw new Error('signStreamToken needs a secret');
  const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
  const payload = Buffer.from(JSON.stringify({ b: claims.businessId, c: claims.callSid, e: expiresAt })).toString('base64url');
  return `${VERSION}.${payload}.${sign(payload, secret).toString('base64url')}`;
}

export type StreamTokenFailure = 'malformed' | 'bad_signature' | 'expired';

/** Total: returns the claims or the reason it was refused; never throws on input. */
export function verifyStreamToken(
  token: unknown,
  secret: string,
  nowMs: number = Date.now(),
): { ok: true; claims: StreamTokenClaims } | { ok: false; reason: StreamTokenFailure } {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = parts as [string, string, string];
  const expected = sign(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { b, c, e } = (decoded ?? {}) as { b?: unknown; c?: unknown; e?: unknown };
  if (typeof b !== 'string' || typeof c !== 'string' || typeof e !== 'number' || !Number.isSafeInteger(e)) {
    return { ok: false, reason: 'malformed' };
  }
  if (Math.floor(nowMs / 1000) > e) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { businessId: b, callSid: c, expiresAt: e } };
}
