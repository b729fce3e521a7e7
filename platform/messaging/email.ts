import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger';
import { PermanentSendError } from './types';

/**
 * Email, the third way a notification goes out (offers, contracts, invoices and receipts, with
 * their PDFs attached). SMTP in production (SMTP_URL, EMAIL_FROM); the log in development; tests
 * run the SMTP provider against the local fake server in devtools/fakes/smtp-fake.ts.
 *
 * SMTP has no way to ask whether a message went out, so a send retried after a crash may be
 * delivered twice: it carries the same Message-ID (derived from the notification), by which mail
 * clients recognise the copy.
 */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** `<…@…>`, stable for one notification across retries. */
  messageId: string;
  attachments: EmailAttachment[];
}

export interface EmailProvider {
  readonly name: string;
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
}

export class SmtpEmailProvider implements EmailProvider {
  readonly name = 'smtp';
  readonly #transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.#transport = nodemailer.createTransport(smtpUrl);
  }

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    try {
      await this.#transport.sendMail({
        from: this.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: email.messageId,
        attachments: email.attachments.map(({ filename, contentType, content }) => ({ filename, contentType, content })),
      });
    } catch (error) {
      // 5xx: the server refused for good (bad address, message rejected); anything else is worth a retry.
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600) throw new PermanentSendError(`the mail server refused the message: ${(error as Error).message}`);
      throw error;
    }
    return { providerMessageId: email.messageId };
  }

  close(): void {
    this.#transport.close();
  }
}

/** Development without SMTP: the message goes to the log (attachments by name and size). */
export class LogEmailProvider implements EmailProvider {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    this.logger.info(
      { to: email.to, messageId: email.messageId, attachments: email.attachments.map((a) => `${a.filename} (${a.content.length} bytes)`) },
      `email: ${email.subject}\n${email.text}`,
    );
    return { providerMessageId: email.messageId };
  }
}

export function createEmailProvider(config: { SMTP_URL?: string; EMAIL_FROM: string }, logger: Logger): EmailProvider {
  return config.SMTP_URL ? new SmtpEmailProvider(config.SMTP_URL, config.EMAIL_FROM) : new LogEmailProvider(logger);
}
