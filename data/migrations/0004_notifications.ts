import type { MigrationContext } from './types';

/**
 * Every outgoing message (confirmation, reminder, owner alert) is recorded under
 * its idempotency key before it is sent, so a retried activity sends it once.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      idempotency_key text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('sms', 'whatsapp', 'log', 'in_app')),
      recipient text NOT NULL,
      sender text,
      kind text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      provider text NOT NULL,
      provider_message_id text,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      sent_at timestamptz,
      appointment_id uuid REFERENCES appointments(id) ON DELETE SET NULL,
      lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, idempotency_key)
    )`);
  await sql('CREATE INDEX notifications_business_created_idx ON notifications (business_id, created_at DESC)');
  await sql("SELECT prosaas_enable_tenant_rls('notifications')");
  // Where owner alerts go by SMS; without it they are kept in notifications for the CRM only.
  await sql('ALTER TABLE businesses ADD COLUMN alert_phone_e164 text');
}
