import { Router, type Response } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import twilio from 'twilio';
import { Business, PhoneNumber, type Database } from '../../data';
import type { AppConfig } from '../../platform/config';
import { signStreamToken } from '../../platform/stream-token';
import { acceptTwilioRequest, publicCallbackUrl } from './twilio-request';

export { signedRequestUrl } from './twilio-request';

export const TWILIO_VOICE_PATH = '/webhooks/twilio/voice';
export const TWILIO_RECORDING_PATH = '/webhooks/twilio/recording';

const SAY = { language: 'he-IL' } as const;
const UNKNOWN_NUMBER_MESSAGE = 'מצטערים, המספר שחייגתם אינו פעיל כרגע. תודה ולהתראות.';
const UNAVAILABLE_MESSAGE = 'מצטערים, לא ניתן לקבל שיחות במספר הזה כרגע. נסו שוב מאוחר יותר. תודה ולהתראות.';
const TECHNICAL_MESSAGE = 'מצטערים, יש לנו תקלה זמנית. נסו שוב בעוד כמה דקות. תודה ולהתראות.';
/** Israel first: a number without a country code is read as Israeli. */
const DEFAULT_REGION = 'IL';

export interface TwilioVoiceDependencies {
  db: Database;
  config: Pick<
    AppConfig,
    'PUBLIC_BASE_URL' | 'PUBLIC_REALTIME_URL' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_VALIDATE_SIGNATURES' | 'STREAM_TOKEN_SECRET' | 'STREAM_TOKEN_TTL_SECONDS'
  >;
  now?: () => number;
}

export function normalizeDialedNumber(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 32) return null;
  const parsed = parsePhoneNumberFromString(value, DEFAULT_REGION);
  return parsed?.isValid() ? parsed.number : null;
}

function sendTwiml(res: Response, twiml: twilio.twiml.VoiceResponse): void {
  res.status(200).type('text/xml').send(twiml.toString());
}

function politeHangup(message: string): twilio.twiml.VoiceResponse {
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.say(SAY, message);
  twiml.hangup();
  return twiml;
}

/**
 * POST /webhooks/twilio/voice: an inbound call. Validates X-Twilio-Signature,
 * finds the business by the dialed number and answers with
 * <Connect><Stream> to the realtime service, carrying a short-lived signed
 * token for this CallSid. Read-only, so a replayed webhook gets the same answer
 * (with a fresh token).
 */
export function createTwilioVoiceRouter(deps: TwilioVoiceDependencies): Router {
  const { config, db } = deps;
  const now = deps.now ?? Date.now;
  const router = Router();

  router.all(TWILIO_VOICE_PATH, async (req, res) => {
    const params = acceptTwilioRequest(req, res, config, 'twilio voice webhook');
    if (!params) return;

    const callSid = typeof params.CallSid === 'string' && /^[A-Za-z0-9]{2,64}$/.test(params.CallSid) ? params.CallSid : null;
    if (!callSid) {
      res.status(400).json({ error: { code: 'validation_failed', message: 'CallSid is required', requestId: req.requestId } });
      return;
    }
    const log = req.log.child({ callSid });
    // An outbound call we placed (REST Calls API) comes back here when answered: the business is the caller.
    const outbound = typeof params.Direction === 'string' && params.Direction.startsWith('outbound');
    const dialed = normalizeDialedNumber(outbound ? params.From : params.To);
    const found = dialed
      ? await db.withSystemScope(
          'voice webhook: business of the dialed number',
          () => PhoneNumber.findOne({ where: { e164: dialed }, include: [{ model: Business, required: true }] }),
          { logLevel: 'debug' },
        )
      : null;
    const business = (found as (PhoneNumber & { Business?: Business }) | null)?.Business;
    if (!found || !business || !found.channels.includes('voice')) {
      log.warn({ to: params.To, from: params.From, outbound, normalized: dialed }, 'call to or from a number no business answers by voice');
      sendTwiml(res, politeHangup(UNKNOWN_NUMBER_MESSAGE));
      return;
    }
    if (business.lockedDown) {
      log.warn({ businessId: business.id }, 'inbound call to a locked-down business');
      sendTwiml(res, politeHangup(UNAVAILABLE_MESSAGE));
      return;
    }
    if (!config.PUBLIC_REALTIME_URL) {
      log.error({ businessId: business.id }, 'PUBLIC_REALTIME_URL is not set: cannot connect the call to the assistant');
      sendTwiml(res, politeHangup(TECHNICAL_MESSAGE));
      return;
    }
    const token = signStreamToken({ businessId: business.id, callSid }, config.STREAM_TOKEN_SECRET, config.STREAM_TOKEN_TTL_SECONDS, now());
    const twiml = new twilio.twiml.VoiceResponse();
    if (business.recordingEnabled) {
      // Recorded by Twilio from here on; the finished recording is announced at /webhooks/twilio/recording.
      twiml.start().recording({
        recordingStatusCallback: publicCallbackUrl(req, config.PUBLIC_BASE_URL, TWILIO_RECORDING_PATH),
        recordingStatusCallbackMethod: 'POST',
        recordingStatusCallbackEvent: ['completed', 'absent'],
        channels: 'dual',
        trim: 'do-not-trim',
      });
    }
    const stream = twiml.connect().stream({ url: config.PUBLIC_REALTIME_URL });
    stream.parameter({ name: 'businessId', value: business.id });
    stream.parameter({ name: 'callSid', value: callSid });
    stream.parameter({ name: 'token', value: token });
    log.info({ businessId: business.id, outbound, recording: business.recordingEnabled }, 'call connected to the assistant');
    sendTwiml(res, twiml);
  });

  return router;
}
