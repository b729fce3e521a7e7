import type { NextFunction, Request, Response } from 'express';
import type { Database } from '../../data';
import { resolveApiKey } from './api-keys';
import { SESSION_COOKIE, readCookie, type RequestAuth } from './context';
import type { SessionStore } from './sessions';

const INVALID_KEY = {
  he: 'מפתח ה-API שגוי או בוטל',
  en: 'The API key is invalid or revoked',
};

/**
 * Decides who is calling, once per request: `Authorization: Bearer psk_…` (API key)
 * or the session cookie. Sets req.auth, or leaves it unset for an anonymous caller.
 */
export function authenticate(db: Database, sessions: SessionStore) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const authorization = req.header('authorization');
      if (authorization !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        const key = match ? await resolveApiKey(db, match[1]!) : null;
        if (!key) {
          res.setHeader('www-authenticate', 'Bearer realm="prosaas"');
          res.status(401).json({ error: { code: 'invalid_api_key', message: INVALID_KEY.en, messages: INVALID_KEY, requestId: req.requestId } });
          return;
        }
        req.auth = {
          userId: key.id,
          role: 'admin',
          businessId: key.businessId,
          impersonatorUserId: null,
          via: 'api_key',
          scopes: key.scopes,
          realUserId: null,
          sessionId: null,
          csrfToken: null,
          apiKeyId: key.id,
        } satisfies RequestAuth;
        return next();
      }
      const token = readCookie(req, SESSION_COOKIE);
      if (token) {
        const session = await sessions.resolve(token);
        if (session) {
          const acting = session.impersonated ?? session.user;
          req.auth = {
            userId: acting.id,
            role: acting.role,
            businessId: acting.businessId,
            impersonatorUserId: session.impersonated ? session.user.id : null,
            via: 'session',
            realUserId: session.user.id,
            sessionId: session.sessionId,
            csrfToken: session.csrfToken,
            apiKeyId: null,
          } satisfies RequestAuth;
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
