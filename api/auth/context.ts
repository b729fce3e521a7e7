import type { Request } from 'express';
import type { Actor } from '../../domain/policy';

/** Who is calling, decided once per request by authenticate() (session cookie or API key). */
export interface RequestAuth extends Actor {
  /** The signed-in user behind a session (the system_admin while impersonating). */
  realUserId: string | null;
  sessionId: string | null;
  csrfToken: string | null;
  apiKeyId: string | null;
}

/** The user behind the request, for columns that reference users; null for an API key (its id is not a user). */
export function actingUserId(auth: RequestAuth): string | null {
  return auth.via === 'session' ? auth.userId : null;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: RequestAuth;
  }
}

export const SESSION_COOKIE = 'prosaas_session';
export const CSRF_HEADER = 'x-csrf-token';

export type Language = 'he' | 'en';

/** Hebrew first: English only when the client asks for it. */
export function requestLanguage(req: Request): Language {
  const header = req.header('accept-language') ?? '';
  return /^\s*en\b/i.test(header) ? 'en' : 'he';
}

export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return null;
}
