import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { MessageProvider, OutgoingMessage } from './types';

/** Development delivery without Twilio credentials: the message goes to the log. */
export class LogMessageProvider implements MessageProvider {
  readonly name = 'log';
  readonly channel = 'log' as const;

  constructor(private readonly logger: Logger) {}

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string }> {
    const providerMessageId = `log-${randomUUID()}`;
    this.logger.info({ to: message.to, from: message.from, providerMessageId }, `message: ${message.body}`);
    return { providerMessageId };
  }

  async findSent(): Promise<null> {
    // The log keeps no index; a resend after a crash shows up twice in the log, never to a person.
    return null;
  }
}
