import { TwilioSmsProvider, type TwilioSmsOptions } from './twilio-sms';
import { PermanentSendError } from './types';

export type WhatsappProviderName = 'baileys' | 'twilio';

export interface WhatsappOutgoing {
  businessId: string;
  /** The business's WhatsApp number (Twilio); null for a linked device, which sends as itself. */
  from: string | null;
  /** E.164. */
  to: string;
  body: string;
  /** Our id for this message, derived from its idempotency key: Baileys sends under it, so a resend is the same message. */
  messageId: string;
}

export interface WhatsappSendResult {
  providerMessageId: string;
  /** JSON-safe copy of what was sent (Baileys WAMessage), kept for getMessage. */
  payload?: unknown;
}

/** One way out to WhatsApp. Throws PermanentSendError when retrying cannot help. */
export interface WhatsappSender {
  readonly provider: WhatsappProviderName;
  /**
   * True when findSent sees every message the provider took (Twilio's message list), so a miss
   * means sending again is safe; false when a miss proves nothing (a linked device), and a send
   * attempt cut off by a crash is left unconfirmed rather than sent twice.
   */
  readonly findSentIsComplete: boolean;
  /** Sends once. Throws PermanentSendError when retrying cannot help, NotSentError when nothing went out. */
  send(message: WhatsappOutgoing): Promise<WhatsappSendResult>;
  /** After a send attempt whose outcome was not recorded: did the provider take it? null when unknown or not sent. */
  findSent(message: WhatsappOutgoing, since: Date): Promise<{ providerMessageId: string } | null>;
}

/**
 * WhatsApp through Twilio's Messages REST resource: the same endpoint as SMS with
 * `whatsapp:`-prefixed numbers, so the crash reconciliation (look the message up
 * before sending again) is Twilio's own message list.
 */
export class TwilioWhatsappSender implements WhatsappSender {
  readonly provider = 'twilio' as const;
  readonly findSentIsComplete = true;
  readonly #rest: TwilioSmsProvider;

  constructor(options: TwilioSmsOptions) {
    this.#rest = new TwilioSmsProvider(options);
  }

  async send(message: WhatsappOutgoing): Promise<WhatsappSendResult> {
    if (!message.from) throw new PermanentSendError('the business has no Twilio WhatsApp number');
    const sent = await this.#rest.send(toTwilio(message));
    return { providerMessageId: sent.providerMessageId };
  }

  findSent(message: WhatsappOutgoing, since: Date): Promise<{ providerMessageId: string } | null> {
    if (!message.from) return Promise.resolve(null);
    return this.#rest.findSent(toTwilio(message), since);
  }
}

function toTwilio(message: WhatsappOutgoing) {
  return { to: `whatsapp:${message.to}`, from: message.from ? `whatsapp:${message.from}` : null, body: message.body };
}
