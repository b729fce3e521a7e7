import type { MigrationContext } from './types';
import { SYSTEM_ROLE, ident } from './0001_app_role_and_tenancy_functions';

const TENANT_TABLES = [
  'phone_numbers',
  'users',
  'lead_statuses',
  'leads',
  'notes',
  'tasks',
  'appointments',
  'calls',
  'conversations',
  'messages',
  'audit_logs',
];

export async function up({ sql, appRole }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE businesses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(trim(name)) > 0),
      locale text NOT NULL DEFAULT 'he' CHECK (locale IN ('he', 'en')),
      timezone text NOT NULL DEFAULT 'Asia/Jerusalem',
      currency text NOT NULL DEFAULT 'ILS',
      weekly_hours jsonb NOT NULL DEFAULT '{}',
      booking_rules jsonb NOT NULL DEFAULT '{}',
      reminder_offsets_minutes integer[] NOT NULL DEFAULT '{1440,120}',
      recording_enabled boolean NOT NULL DEFAULT false,
      recording_retention_days integer NOT NULL DEFAULT 2 CHECK (recording_retention_days >= 0),
      locked_down boolean NOT NULL DEFAULT false,
      lockdown_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('businesses', 'id')");

  await sql(`
    CREATE TABLE phone_numbers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      e164 text NOT NULL UNIQUE CHECK (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      channels text[] NOT NULL DEFAULT '{voice,sms}',
      provider text NOT NULL DEFAULT 'twilio',
      label text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX phone_numbers_business_idx ON phone_numbers (business_id)');

  await sql(`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid REFERENCES businesses(id) ON DELETE CASCADE,
      email text NOT NULL,
      full_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('system_admin', 'owner', 'admin', 'agent')),
      password_hash text,
      locale text NOT NULL DEFAULT 'he' CHECK (locale IN ('he', 'en')),
      is_active boolean NOT NULL DEFAULT true,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_platform_role_has_no_business CHECK ((role = 'system_admin') = (business_id IS NULL))
    )`);
  await sql('CREATE UNIQUE INDEX users_email_unique ON users (lower(email))');
  await sql('CREATE INDEX users_business_idx ON users (business_id)');

  await sql(`
    CREATE TABLE lead_statuses (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      key text NOT NULL CHECK (key ~ '^[a-z0-9_]{1,40}$'),
      label_he text NOT NULL,
      label_en text NOT NULL,
      color text NOT NULL DEFAULT '#64748b',
      position integer NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      is_won boolean NOT NULL DEFAULT false,
      is_lost boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, key)
    )`);

  await sql(`
    CREATE TABLE leads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      full_name text NOT NULL,
      phone_e164 text CHECK (phone_e164 IS NULL OR phone_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      email text,
      source text NOT NULL CHECK (source IN ('call', 'whatsapp', 'web', 'api', 'crm', 'import')),
      status_key text NOT NULL DEFAULT 'new',
      need text,
      tags text[] NOT NULL DEFAULT '{}',
      owner_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      last_contact_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE UNIQUE INDEX leads_business_phone_unique ON leads (business_id, phone_e164) WHERE phone_e164 IS NOT NULL');
  await sql('CREATE INDEX leads_business_created_idx ON leads (business_id, created_at DESC)');
  await sql('CREATE INDEX leads_business_status_idx ON leads (business_id, status_key)');

  await sql(`
    CREATE TABLE notes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
      author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX notes_lead_idx ON notes (business_id, lead_id)');

  await sql(`
    CREATE TABLE tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      lead_id uuid REFERENCES leads(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text,
      due_at timestamptz,
      assignee_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      completed_at timestamptz,
      idempotency_key text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, idempotency_key)
    )`);
  await sql('CREATE INDEX tasks_business_due_idx ON tasks (business_id, status, due_at)');

  await sql(`
    CREATE TABLE appointments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
      resource_key text NOT NULL DEFAULT 'default',
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'confirmed', 'cancelled', 'completed', 'no_show')),
      title text,
      notes text,
      source text NOT NULL DEFAULT 'crm',
      idempotency_key text,
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT appointments_ends_after_start CHECK (ends_at > starts_at),
      CONSTRAINT appointments_idempotency_unique UNIQUE (business_id, idempotency_key),
      -- Two active appointments of one business resource can never overlap, whatever the concurrency.
      CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        business_id WITH =,
        resource_key WITH =,
        tstzrange(starts_at, ends_at, '[)') WITH &&
      ) WHERE (status IN ('held', 'confirmed'))
    )`);
  await sql('CREATE INDEX appointments_business_starts_idx ON appointments (business_id, starts_at)');

  await sql(`
    CREATE TABLE calls (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      call_sid text NOT NULL UNIQUE,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      from_e164 text,
      to_e164 text,
      lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'ringing',
      started_at timestamptz,
      ended_at timestamptz,
      duration_seconds integer,
      recording_sid text,
      recording_path text,
      recording_deleted_at timestamptz,
      transcript jsonb NOT NULL DEFAULT '[]',
      summary text,
      outcome text,
      audio_in_seconds double precision NOT NULL DEFAULT 0,
      audio_out_seconds double precision NOT NULL DEFAULT 0,
      input_tokens integer NOT NULL DEFAULT 0,
      output_tokens integer NOT NULL DEFAULT 0,
      cost_usd numeric(12, 6) NOT NULL DEFAULT 0,
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX calls_business_created_idx ON calls (business_id, created_at DESC)');

  await sql(`
    CREATE TABLE conversations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      channel text NOT NULL CHECK (channel IN ('whatsapp', 'sms', 'web')),
      contact_e164 text NOT NULL,
      contact_name text,
      lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
      provider text NOT NULL DEFAULT 'baileys',
      taken_over_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      last_message_at timestamptz,
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, channel, contact_e164)
    )`);

  await sql(`
    CREATE TABLE messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
      provider_message_id text,
      body text,
      media_type text,
      media_size_bytes integer,
      status text NOT NULL DEFAULT 'received',
      author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      idempotency_key text,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, provider_message_id),
      UNIQUE (business_id, idempotency_key)
    )`);
  await sql('CREATE INDEX messages_conversation_idx ON messages (business_id, conversation_id, created_at)');

  await sql(`
    CREATE TABLE audit_logs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid REFERENCES businesses(id) ON DELETE SET NULL,
      actor_user_id uuid,
      impersonator_user_id uuid,
      action text NOT NULL,
      target_type text,
      target_id text,
      ip text,
      user_agent text,
      request_id text,
      details jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX audit_logs_business_created_idx ON audit_logs (business_id, created_at DESC)');

  for (const table of TENANT_TABLES) await sql(`SELECT prosaas_enable_tenant_rls('${table}')`);

  const roles = [ident(SYSTEM_ROLE), ...(appRole ? [ident(appRole.name)] : [])].join(', ');
  await sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${roles}`);
  await sql(`REVOKE ALL ON schema_migrations FROM ${roles}`);
  await sql(`REVOKE UPDATE, DELETE ON audit_logs FROM ${roles}`);
}
