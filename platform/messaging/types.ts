/** A text message handed to a provider (SMS now, WhatsApp when that channel exists). */
export interface OutgoingMessage {
  to: string;
  from: string | null;
  body: string;
}

export interface MessageProvider {
  /** Stored with each notification, so the CRM shows how a message went out. */
  readonly name: string;
  readonly channel: 'sms' | 'whatsapp' | 'log';
  /** Sends once; resolves with the provider's message id. Throws on failure (Temporal retries). */
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
  /**
   * After a crash between "sending" and "sent", looks the message up at the provider
   * before sending again; null when the provider has no record of it.
   */
  findSent(message: OutgoingMessage, since: Date): Promise<{ providerMessageId: string } | null>;
}

/** A provider refused the message for good (bad number, unsubscribed): retrying will not help. */
export class PermanentSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/**
 * The provider certainly did not take the message (no open connection, refused
 * before anything was written to the wire): the send attempt is undone, and a
 * retry sends it.
 */
export class NotSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotSentError';
  }
}
