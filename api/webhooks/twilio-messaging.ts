import { Router, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import twilio from 'twilio';
import { Business, PhoneNumber, type Database } from '../../data';
import { deliverInboundMessage } from '../../orchestration';
import type { AppConfig } from '../../platform/config';
import { markInboundDelivered, storeInbound, type InboundMessage } from '../../whatsapp/message-store';
import { normalizeDialedNumber, signedRequestUrl } from './twilio-voice';

export const TWILIO_MESSAGING_PATH = '/webhooks/twilio/messaging';

/** Twilio retries a webhook for a few minutes; a replay inside this window is handed to the workflow again (it dedupes). */
const REDELIVERY_WINDOW_MS = 10 * 60_000;
const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const MAX_MEDIA_ITEMS = 10;

const MESSAGES = {
  messageSid: { he: 'MessageSid חסר או לא תקין', en: 'MessageSid is missing or invalid' },
  from: { he: 'השולח (From) חייב להיות whatsapp:+מספר בינלאומי', en: 'From must be whatsapp:+<international number>' },
  to: { he: 'הנמען (To) חייב להיות whatsapp:+מספר בינלאומי', en: 'To must be whatsapp:+<international number>' },
  body: { he: 'ההודעה ריקה: אין טקסט ואין מדיה', en: 'The message is empty: no text and no media' },
  tooLong: { he: 'ההודעה ארוכה מדי', en: 'The message is too long' },
  unknownNumber: { he: 'אף עסק לא מקבל וואטסאפ במספר הזה', en: 'No business receives WhatsApp on this number' },
  unavailable: { he: 'העסק אינו זמין כרגע', en: 'The business is unavailable right now' },
} as const;

export interface TwilioMessagingDependencies {
  db: Database;
  config: Pick<AppConfig, 'PUBLIC_BASE_URL' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_VALIDATE_SIGNATURES' | 'WHATSAPP_MAX_MESSAGE_CHARS'>;
  /** Conversation workflows; without it messages are stored only (the CRM still shows them). */
  temporal?: { client: Client; taskQueue: string };
}

/**
 * POST /webhooks/twilio/messaging: an inbound WhatsApp message through Twilio.
 * Signature checked like the voice webhook; the message is stored once per
 * MessageSid on the contact's conversation, then handed to its conversation
 * workflow. Twilio gets an empty TwiML answer: the reply goes out through the
 * outbound queue, not in this response.
 */
export function createTwilioMessagingRouter(deps: TwilioMessagingDependencies): Router {
  const { config, db } = deps;
  const router = Router();

  router.all(TWILIO_MESSAGING_PATH, async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).set('Allow', 'POST').json({ error: { code: 'method_not_allowed', message: 'Use POST', requestId: req.requestId } });
      return;
    }
    const params = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
    if (!checkSignature(req, res, deps, params)) return;

    const fields: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    const messageSid = typeof params.MessageSid === 'string' && MESSAGE_SID.test(params.MessageSid) ? params.MessageSid : null;
    if (!messageSid) fields.MessageSid = [`${MESSAGES.messageSid.en} / ${MESSAGES.messageSid.he}`];
    const from = whatsappNumber(params.From);
    if (!from) fields.From = [`${MESSAGES.from.en} / ${MESSAGES.from.he}`];
    const to = whatsappNumber(params.To);
    if (!to) fields.To = [`${MESSAGES.to.en} / ${MESSAGES.to.he}`];
    const body = typeof params.Body === 'string' ? params.Body : '';
    const mediaCount = Math.min(MAX_MEDIA_ITEMS, Math.max(0, Number.parseInt(String(params.NumMedia ?? '0'), 10) || 0));
    if (!body.trim() && mediaCount === 0) fields.Body = [`${MESSAGES.body.en} / ${MESSAGES.body.he}`];
    if (Object.keys(fields).length) return reject(req, res, 400, 'validation_failed', 'The webhook has invalid fields', fields);
    if (body.length > config.WHATSAPP_MAX_MESSAGE_CHARS) {
      return reject(req, res, 413, 'message_too_long', `${MESSAGES.tooLong.en} (max ${config.WHATSAPP_MAX_MESSAGE_CHARS}) / ${MESSAGES.tooLong.he}`, {
        Body: [`${MESSAGES.tooLong.en} / ${MESSAGES.tooLong.he}`],
      });
    }

    const found = await db.withSystemScope(
      'messaging webhook: business of the WhatsApp number',
      () => PhoneNumber.findOne({ where: { e164: to! }, include: [{ model: Business, required: true }] }),
      { logLevel: 'debug' },
    );
    const business = (found as (PhoneNumber & { Business?: Business }) | null)?.Business;
    if (!found || !business || !found.channels.includes('whatsapp')) {
      req.log.warn({ to: params.To }, 'WhatsApp message to a number no business receives WhatsApp on');
      return reject(req, res, 404, 'unknown_number', `${MESSAGES.unknownNumber.en} / ${MESSAGES.unknownNumber.he}`);
    }
    if (business.lockedDown) return reject(req, res, 403, 'business_unavailable', `${MESSAGES.unavailable.en} / ${MESSAGES.unavailable.he}`);

    const inbound: InboundMessage = {
      providerMessageId: messageSid!,
      contactE164: from!,
      contactName: typeof params.ProfileName === 'string' ? params.ProfileName.slice(0, 200) : null,
      body: body.trim() ? body : null,
      mediaType: mediaCount > 0 && typeof params.MediaContentType0 === 'string' ? params.MediaContentType0.slice(0, 100) : null,
      mediaSizeBytes: null,
      receivedAt: new Date(),
      payload: { numMedia: mediaCount, mediaUrl0: typeof params.MediaUrl0 === 'string' ? params.MediaUrl0.slice(0, 500) : null },
    };
    const [stored] = await storeInbound(db, business.id, 'twilio', [inbound]);
    const fresh = stored!.isNew || Date.now() - Date.parse(stored!.receivedAt) < REDELIVERY_WINDOW_MS;
    if (deps.temporal && fresh) {
      try {
        await deliverInboundMessage(
          deps.temporal.client,
          { taskQueue: deps.temporal.taskQueue, businessId: business.id, conversationId: stored!.conversationId, contactE164: from! },
          { messageId: stored!.messageId, body: stored!.body, receivedAt: stored!.receivedAt },
        );
        await markInboundDelivered(db, business.id, stored!.messageId);
      } catch (error) {
        // Stored, so not lost: the whatsapp service's inbox sweeper hands it on once Temporal answers.
        req.log.warn({ err: error, businessId: business.id, messageSid }, 'WhatsApp message stored but not handed to its conversation yet; the inbox retries it');
      }
    }
    req.log.info({ businessId: business.id, messageSid, duplicate: !stored!.isNew }, 'WhatsApp message received through Twilio');
    res.status(200).type('text/xml').send(new twilio.twiml.MessagingResponse().toString());
  });

  return router;
}

function checkSignature(req: Request, res: Response, deps: TwilioMessagingDependencies, params: Record<string, unknown>): boolean {
  const { config } = deps;
  if (!config.TWILIO_VALIDATE_SIGNATURES) return true;
  if (!config.TWILIO_AUTH_TOKEN) {
    req.log.error('twilio messaging webhook: TWILIO_AUTH_TOKEN is not set, cannot validate signatures');
    res.status(503).json({ error: { code: 'not_configured', message: 'Webhook validation is not configured', requestId: req.requestId } });
    return false;
  }
  const signature = req.get('x-twilio-signature');
  const url = signedRequestUrl(req, config.PUBLIC_BASE_URL);
  if (!url) {
    res.status(403).json({ error: { code: 'forbidden', message: 'Request signature cannot be validated', requestId: req.requestId } });
    return false;
  }
  if (!signature || !twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, params)) {
    req.log.warn({ url, signed: Boolean(signature) }, 'twilio messaging webhook refused: bad or missing X-Twilio-Signature');
    res.status(403).json({ error: { code: 'forbidden', message: 'Invalid request signature', requestId: req.requestId } });
    return false;
  }
  return true;
}

/** 'whatsapp:+972501234567' → '+972501234567'; anything else → null. */
function whatsappNumber(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('whatsapp:')) return null;
  return normalizeDialedNumber(value.slice('whatsapp:'.length));
}

function reject(req: Request, res: Response, status: number, code: string, message: string, fields?: Record<string, string[]>): void {
  res.status(status).json({ error: { code, message, ...(fields ? { fields } : {}), requestId: req.requestId } });
}
