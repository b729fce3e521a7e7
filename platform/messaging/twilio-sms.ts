import { PermanentSendError, type MessageProvider, type OutgoingMessage } from './types';

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com in production; a local fake in tests. */
  apiBaseUrl: string;
  timeoutMs?: number;
}

interface TwilioMessageResource {
  sid: string;
  to: string;
  from: string;
  body: string;
  date_created?: string;
}

/**
 * SMS through Twilio's Programmable Messaging REST API (2010-04-01 Messages
 * resource): form-encoded POST with HTTP basic auth, exactly as Twilio's own
 * SDK sends it.
 */
export class TwilioSmsProvider implements MessageProvider {
  readonly name = 'twilio';
  readonly channel = 'sms' as const;

  constructor(private readonly options: TwilioSmsOptions) {}

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string }> {
    if (!message.from) throw new PermanentSendError('the business has no SMS number to send from');
    const response = await fetch(this.messagesUrl(), {
      method: 'POST',
      headers: { authorization: this.authorization(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: message.to, From: message.from, Body: message.body }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const payload = (await response.json().catch(() => ({}))) as Partial<TwilioMessageResource> & { code?: number; message?: string };
    if (response.status === 400 || response.status === 404) {
      throw new PermanentSendError(`Twilio refused the message: ${payload.code ?? response.status} ${payload.message ?? ''}`.trim());
    }
    if (!response.ok || !payload.sid) throw new Error(`Twilio answered HTTP ${response.status}: ${payload.message ?? 'no message sid'}`);
    return { providerMessageId: payload.sid };
  }

  async findSent(message: OutgoingMessage, since: Date): Promise<{ providerMessageId: string } | null> {
    const query = new URLSearchParams({ To: message.to, 'DateSent>': since.toISOString().slice(0, 10), PageSize: '100' });
    if (message.from) query.set('From', message.from);
    const response = await fetch(`${this.messagesUrl()}?${query.toString()}`, {
      headers: { authorization: this.authorization() },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new Error(`Twilio message lookup answered HTTP ${response.status}`);
    const page = (await response.json()) as { messages?: TwilioMessageResource[] };
    const match = (page.messages ?? []).find((sent) => sent.body === message.body);
    return match ? { providerMessageId: match.sid } : null;
  }

  private messagesUrl(): string {
    const base = this.options.apiBaseUrl.replace(/\/+$/, '');
    return `${base}/2010-04-01/Accounts/${encodeURIComponent(this.options.accountSid)}/Messages.json`;
  }

  private authorization(): string {
    return `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
  }
}
