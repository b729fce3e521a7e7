import type { MigrationContext } from './types';
import { SYSTEM_ROLE, ident } from './0001_app_role_and_tenancy_functions';

/**
 * WhatsApp: the Baileys auth state (creds and every signal key) per business,
 * the connection each business asked for and its live status, and the leases
 * that put each Baileys session in exactly one whatsapp process.
 */
export async function up({ sql, appRole }: MigrationContext): Promise<void> {
  // One row per creds document or signal key; values are Baileys' BufferJSON text.
  await sql(`
    CREATE TABLE whatsapp_auth_keys (
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      category text NOT NULL CHECK (length(category) BETWEEN 1 AND 64),
      key_id text NOT NULL CHECK (length(key_id) <= 512),
      value text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (business_id, category, key_id)
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('whatsapp_auth_keys')");

  await sql(`
    CREATE TABLE whatsapp_connections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL UNIQUE REFERENCES businesses(id) ON DELETE CASCADE,
      provider text NOT NULL DEFAULT 'baileys' CHECK (provider IN ('baileys', 'twilio')),
      wanted boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'disconnected'
        CHECK (status IN ('disconnected', 'connecting', 'qr', 'open', 'logged_out', 'failed')),
      qr text,
      pairing_phone_e164 text,
      pairing_code text,
      linked_e164 text,
      last_error text,
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      outbound_per_minute integer NOT NULL DEFAULT 30 CHECK (outbound_per_minute BETWEEN 1 AND 6000),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('whatsapp_connections')");

  // The lease managers work across businesses, inside withSystemScope.
  await sql(`
    CREATE TABLE whatsapp_session_leases (
      business_id uuid PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
      owner_id text NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 200),
      expires_at timestamptz NOT NULL,
      acquired_at timestamptz NOT NULL DEFAULT now(),
      renewed_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX whatsapp_session_leases_owner_idx ON whatsapp_session_leases (owner_id)');
  // Like every table with a business_id: a tenant sees only its own lease; the managers use the system scope.
  await sql("SELECT prosaas_enable_tenant_rls('whatsapp_session_leases')");
  const roles = [ident(SYSTEM_ROLE), ...(appRole ? [ident(appRole.name)] : [])].join(', ');
  await sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON whatsapp_auth_keys, whatsapp_connections, whatsapp_session_leases TO ${roles}`);

  await sql('ALTER TABLE conversations ADD COLUMN unread_count integer NOT NULL DEFAULT 0');
  // The message as the provider gave it (Baileys WAMessage), so getMessage can answer retries.
  await sql('ALTER TABLE messages ADD COLUMN provider_payload jsonb');
  await sql('ALTER TABLE messages ADD COLUMN provider text');
  await sql('ALTER TABLE messages ADD COLUMN attempts integer NOT NULL DEFAULT 0');
  await sql('ALTER TABLE messages ADD COLUMN last_error text');
  await sql('CREATE INDEX conversations_business_last_message_idx ON conversations (business_id, last_message_at DESC NULLS LAST)');
}
