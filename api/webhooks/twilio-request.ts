import type { Request, Response } from 'express';
import twilio from 'twilio';
import type { AppConfig } from '../../platform/config';

export type TwilioWebhookConfig = Pick<AppConfig, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_VALIDATE_SIGNATURES'>;

/**
 * The URL Twilio signed: the configured public base URL wins; otherwise the
 * URL as the trusted proxy forwarded it (X-Forwarded-Proto/Host through
 * express `trust proxy`); a request that came neither way gets null.
 */
export function signedRequestUrl(req: Request, publicBaseUrl: string | undefined): string | null {
  if (publicBaseUrl) return `${publicBaseUrl.replace(/\/+$/, '')}${req.originalUrl}`;
  const trust = req.app.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined;
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.get('x-forwarded-proto') !== undefined || req.get('x-forwarded-host') !== undefined;
  if (!trust || !forwarded || !trust(peer, 0)) return null;
  const host = req.host; // express 5: X-Forwarded-Host when the peer is trusted, port included
  return host ? `${req.protocol}://${host}${req.originalUrl}` : null;
}

/** Where Twilio should call us back (status, recording): the public base URL, else the origin this request came to. */
export function publicCallbackUrl(req: Request, publicBaseUrl: string | undefined, path: string): string {
  if (publicBaseUrl) return `${publicBaseUrl.replace(/\/+$/, '')}${path}`;
  const signed = signedRequestUrl(req, undefined);
  const origin = signed ? new URL(signed).origin : `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`;
  return `${origin}${path}`;
}

function refuse(req: Request, res: Response, status: number, code: string, message: string): false {
  res.status(status).json({ error: { code, message, requestId: req.requestId } });
  return false;
}

/**
 * The checks every Twilio webhook starts with: POST only (405 with Allow), then
 * X-Twilio-Signature over the URL Twilio called and the form parameters.
 * Answers the request itself and returns false when it must stop.
 */
export function acceptTwilioRequest(req: Request, res: Response, config: TwilioWebhookConfig, label: string): Record<string, unknown> | false {
  if (req.method !== 'POST') {
    res.set('Allow', 'POST');
    return refuse(req, res, 405, 'method_not_allowed', 'Use POST');
  }
  const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  if (!config.TWILIO_VALIDATE_SIGNATURES) return params;
  if (!config.TWILIO_AUTH_TOKEN) {
    req.log.error(`${label}: TWILIO_AUTH_TOKEN is not set, cannot validate signatures`);
    return refuse(req, res, 503, 'not_configured', 'Webhook validation is not configured');
  }
  const signature = req.get('x-twilio-signature');
  const url = signedRequestUrl(req, config.PUBLIC_BASE_URL);
  if (!url) {
    req.log.warn({ remote: req.socket.remoteAddress }, `${label} refused: no PUBLIC_BASE_URL and not through a trusted proxy`);
    return refuse(req, res, 403, 'forbidden', 'Request signature cannot be validated');
  }
  if (!signature || !twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, params)) {
    req.log.warn({ url, signed: Boolean(signature), remote: req.socket.remoteAddress }, `${label} refused: bad or missing X-Twilio-Signature`);
    return refuse(req, res, 403, 'forbidden', 'Invalid request signature');
  }
  return params;
}

export const SID = {
  call: /^CA[0-9a-zA-Z]{2,64}$/,
  recording: /^RE[0-9a-zA-Z]{2,64}$/,
  account: /^AC[0-9a-zA-Z]{2,64}$/,
};

/** 400 with the fields that are wrong, in both languages. */
export function refuseMalformed(req: Request, res: Response, fields: Record<string, { he: string; en: string }>): void {
  res.status(400).json({
    error: {
      code: 'validation_failed',
      message: 'The request has invalid fields',
      fields: Object.fromEntries(Object.entries(fields).map(([name, text]) => [name, [`${text.en} / ${text.he}`]])),
      requestId: req.requestId,
    },
  });
}
