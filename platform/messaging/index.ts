import type { Logger } from '../logger';
import { LogMessageProvider } from './log-provider';
import { TwilioSmsProvider } from './twilio-sms';
import type { MessageProvider } from './types';

export { LogMessageProvider } from './log-provider';
export { TwilioSmsProvider, type TwilioSmsOptions } from './twilio-sms';
export { NotSentError, PermanentSendError, type MessageProvider, type OutgoingMessage } from './types';

export interface MessagingConfig {
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_BASE_URL: string;
}

/** Twilio SMS when credentials are configured, else the log (development). */
export function createMessageProvider(config: MessagingConfig, logger: Logger): MessageProvider {
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN) {
    return new TwilioSmsProvider({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
    });
  }
  return new LogMessageProvider(logger);
}
export { TwilioWhatsappSender, type WhatsappSender, type WhatsappOutgoing, type WhatsappSendResult, type WhatsappProviderName } from './whatsapp';
export { createEmailProvider, LogEmailProvider, SmtpEmailProvider, type EmailAttachment, type EmailProvider, type OutgoingEmail } from './email';
