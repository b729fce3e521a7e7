import type { Client } from '@temporalio/client';
import { QueryTypes } from 'sequelize';
import type { Database } from '../data';
import { deliverInboundMessage } from '../orchestration';
import type { Logger } from '../platform/logger';
import { reconnectDelayMs } from './backoff';
import { markInboundDelivered, type StoredInbound } from './message-store';

export interface InboundDeliveryOptions {
  db: Database;
  logger: Logger;
  client: Client;
  /** The main worker's queue, where conversation workflows run. */
  taskQueue: string;
  /** First retry delay of a failed hand-over; doubles per failure (with jitter) up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Longest one signal-with-start may take before it counts as failed. */
  deliveryTimeoutMs?: number;
  /** Messages one sweep claims. */
  batchSize?: number;
  /** Only these businesses' messages (as the session leases' own filter); absent: every business. */
  onlyBusinessIds?: readonly string[];
}

/** A stored inbound message and where it goes. */
export interface PendingInbound {
  messageId: string;
  businessId: string;
  conversationId: string;
  contactE164: string;
  body: string | null;
  receivedAt: string;
}

/**
 * The inbound inbox: a stored message is delivered to its conversation workflow
 * (signal-with-start) and marked delivered only once that succeeded. A failed
 * hand-over (Temporal unreachable) leaves it undelivered with a next attempt
 * time; the sweeper claims due messages across businesses (SKIP LOCKED, so
 * several whatsapp processes share the work) and retries with backoff. A message
 * may reach its workflow twice (a success whose mark was lost); the workflow
 * dedupes by message id, so it is answered once.
 */
export class InboundDelivery {
  readonly #options: InboundDeliveryOptions;
  #timer: NodeJS.Timeout | null = null;
  #sweeping: Promise<unknown> | null = null;

  constructor(options: InboundDeliveryOptions) {
    this.#options = options;
  }

  /** Hands freshly stored messages on now; each one that fails waits for the sweeper. Never throws. */
  async deliver(businessId: string, messages: StoredInbound[]): Promise<void> {
    for (const message of messages) {
      await this.#deliverOne(
        { messageId: message.messageId, businessId, conversationId: message.conversationId, contactE164: message.contactE164, body: message.body, receivedAt: message.receivedAt },
        0,
      );
    }
  }

  /** One pass: claims the due undelivered messages and hands them on. */
  async sweep(): Promise<{ claimed: number; delivered: number }> {
    const { db, retryBaseMs, retryMaxMs } = this.#options;
    const only = this.#options.onlyBusinessIds;
    if (only && only.length === 0) return { claimed: 0, delivered: 0 };
    const claimed = await db.withSystemScope(
      'whatsapp inbox: claim undelivered inbound messages',
      (transaction) =>
        db.sequelize.query<{ id: string; business_id: string; conversation_id: string; contact_e164: string; body: string | null; created_at: Date; delivery_attempts: number }>(
          // The claim moves the next attempt out of reach (as if this one failed), so no other sweeper takes it meanwhile.
          `UPDATE messages m
              SET delivery_attempts = m.delivery_attempts + 1,
                  next_delivery_at = now() + make_interval(secs => LEAST(:maxSeconds, :baseSeconds * power(2, LEAST(m.delivery_attempts, 20))) * (0.5 + random() / 2))
             FROM conversations c
            WHERE c.id = m.conversation_id
              AND m.id IN (SELECT id FROM messages
                            WHERE direction = 'inbound' AND delivered_at IS NULL AND next_delivery_at <= now()
                              ${only ? 'AND business_id IN (:businessIds)' : ''}
                            ORDER BY next_delivery_at LIMIT :batch FOR UPDATE SKIP LOCKED)
          RETURNING m.id, m.business_id, m.conversation_id, c.contact_e164, m.body, m.created_at, m.delivery_attempts`,
          {
            replacements: {
              batch: this.#options.batchSize ?? 100,
              baseSeconds: retryBaseMs / 1000,
              maxSeconds: retryMaxMs / 1000,
              businessIds: only ? [...only] : [],
            },
            type: QueryTypes.SELECT,
            transaction,
          },
        ),
      { logLevel: 'debug' },
    );
    let delivered = 0;
    for (const row of claimed) {
      const ok = await this.#deliverOne(
        { messageId: row.id, businessId: row.business_id, conversationId: row.conversation_id, contactE164: row.contact_e164, body: row.body, receivedAt: new Date(row.created_at).toISOString() },
        null,
      );
      // Temporal is unreachable: the rest would each wait out the deadline too. Their claim already
      // counted an attempt and set the next one, so the next sweeps take them up.
      if (!ok) break;
      delivered++;
    }
    if (claimed.length) this.#options.logger.info({ claimed: claimed.length, delivered }, 'whatsapp inbox swept');
    return { claimed: claimed.length, delivered };
  }

  /** Sweeps every `everyMs` until stop(). */
  start(everyMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#sweeping) return;
      this.#sweeping = this.sweep()
        .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'whatsapp inbox sweep failed'))
        .finally(() => (this.#sweeping = null));
    }, everyMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#sweeping;
  }

  /** `failedAttempts` is the number of failures so far when this attempt fails (null: the sweeper's claim already counted it). */
  async #deliverOne(message: PendingInbound, failedAttempts: number | null): Promise<boolean> {
    const { db, client, taskQueue, logger } = this.#options;
    try {
      await client.withDeadline(Date.now() + (this.#options.deliveryTimeoutMs ?? 10_000), () =>
        deliverInboundMessage(
          client,
          { taskQueue, businessId: message.businessId, conversationId: message.conversationId, contactE164: message.contactE164 },
          { messageId: message.messageId, body: message.body, receivedAt: message.receivedAt },
        ),
      );
    } catch (error) {
      logger.warn({ err: error, businessId: message.businessId, messageId: message.messageId }, 'inbound message not handed to its conversation yet; the inbox retries it');
      if (failedAttempts !== null) await this.#recordFailure(message, failedAttempts).catch((err: unknown) => logger.error({ err }, 'inbox failure not recorded'));
      return false;
    }
    await markInboundDelivered(db, message.businessId, message.messageId).catch((error: unknown) => logger.error({ err: error, messageId: message.messageId }, 'inbound message delivered but not marked; the workflow dedupes a second delivery'));
    return true;
  }

  #recordFailure(message: PendingInbound, failedAttempts: number): Promise<unknown> {
    const delayMs = reconnectDelayMs(failedAttempts, { baseDelayMs: this.#options.retryBaseMs, maxDelayMs: this.#options.retryMaxMs }, Math.random());
    return this.#options.db.withTenant({ businessId: message.businessId }, (transaction) =>
      this.#options.db.sequelize.query(
        'UPDATE messages SET delivery_attempts = delivery_attempts + 1, next_delivery_at = now() + make_interval(secs => :seconds) WHERE id = :id AND delivered_at IS NULL',
        { replacements: { id: message.messageId, seconds: delayMs / 1000 }, transaction },
      ),
    );
  }
}
