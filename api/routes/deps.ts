import type { Request, Response } from 'express';
import type { Database } from '../../data';
import type { Logger } from '../../platform/logger';
import type { Notifier } from '../../platform/notifier';
import type { LocalOutcome } from '../auth/passport';
import type { SessionStore } from '../auth/sessions';
import type { LoginThrottleStore } from '../auth/throttle';
import { SESSION_COOKIE } from '../auth/context';

export interface AccountsDeps {
  db: Database;
  logger: Logger;
  notifier: Notifier;
  sessions: SessionStore;
  throttle: LoginThrottleStore;
  checkPassword: (req: Request, res: Response) => Promise<LocalOutcome>;
  /** 'auto': Secure when the request came over https (req.secure honours TRUST_PROXY). */
  cookieSecure: 'auto' | 'true' | 'false';
  /** Origin the set-password links point at (the CRM). */
  publicBaseUrl: string;
  passwordResetTtlMs: number;
  inviteTtlMs: number;
}

export function setSessionCookie(deps: AccountsDeps, req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.cookieSecure === 'auto' ? req.secure : deps.cookieSecure === 'true',
    path: '/',
    maxAge: deps.sessions.ttlSeconds * 1000,
  });
}

export function clearSessionCookie(deps: AccountsDeps, req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.cookieSecure === 'auto' ? req.secure : deps.cookieSecure === 'true',
    path: '/',
  });
}
