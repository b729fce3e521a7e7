import type { MigrationContext } from './types';

/**
 * Inbound WhatsApp messages are an inbox: stored first, then handed to their
 * conversation workflow, and marked delivered only once signal-with-start has
 * succeeded. A message whose hand-over failed (Temporal unreachable) waits for
 * the whatsapp service's sweeper, which retries it with backoff.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql('ALTER TABLE messages ADD COLUMN delivered_at timestamptz');
  await sql('ALTER TABLE messages ADD COLUMN delivery_attempts integer NOT NULL DEFAULT 0');
  await sql('ALTER TABLE messages ADD COLUMN next_delivery_at timestamptz');
  // Messages stored before this migration were handed on (or their hand-over is long moot): never sweep them.
  await sql("UPDATE messages SET delivered_at = created_at WHERE direction = 'inbound'");
  await sql("CREATE INDEX messages_undelivered_idx ON messages (next_delivery_at) WHERE direction = 'inbound' AND delivered_at IS NULL");
}
