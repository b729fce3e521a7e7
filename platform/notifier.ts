import type { Logger } from './logger';

/** One message to a person, addressed by email for now (SMS/WhatsApp channels plug in here later). */
export interface Notification {
  to: string;
  kind: 'password_reset' | 'invite';
  locale: 'he' | 'en';
  subject: string;
  text: string;
  /** Machine-readable payload (e.g. the link), for channels and tests. */
  data: Record<string, string>;
}

/** The notification interface account flows deliver through. */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/** Development delivery: writes the message to the log. Never used in production. */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async send(notification: Notification): Promise<void> {
    this.logger.info({ notification: { to: notification.to, kind: notification.kind, ...notification.data } }, `notification: ${notification.subject}`);
  }
}

/** Keeps messages in memory (tests). */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];

  async send(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}
