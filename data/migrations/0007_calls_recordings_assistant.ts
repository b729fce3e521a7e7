import type { MigrationContext } from './types';

/**
 * Phone calls, part two:
 * - twilio_call_events: one row per (CallSid, event) a Twilio status or recording webhook delivered,
 *   so a replayed webhook finds its row and changes nothing;
 * - calls: the tool calls of the call, the recording's length and when it was stored, and the key an
 *   outbound call was placed under (placing it again with the same key finds the same call);
 * - the assistant's settings per business (name, greeting, voice, VAD, the number a caller is
 *   transferred to when he asks for a person), its per-channel
 *   instructions in numbered versions (one active per channel; a rollback adds a version), and FAQ.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE twilio_call_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      call_sid text NOT NULL,
      event_key text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (call_sid, event_key)
    )`);
  await sql('CREATE INDEX twilio_call_events_business_idx ON twilio_call_events (business_id, call_sid)');
  await sql("SELECT prosaas_enable_tenant_rls('twilio_call_events')");

  await sql(`ALTER TABLE calls ADD COLUMN tool_calls jsonb NOT NULL DEFAULT '[]'`);
  await sql('ALTER TABLE calls ADD COLUMN recording_duration_seconds integer');
  await sql('ALTER TABLE calls ADD COLUMN recording_stored_at timestamptz');
  await sql('ALTER TABLE calls ADD COLUMN recording_content_type text');
  await sql('ALTER TABLE calls ADD COLUMN idempotency_key text');
  await sql('CREATE UNIQUE INDEX calls_business_idempotency_unique ON calls (business_id, idempotency_key) WHERE idempotency_key IS NOT NULL');
  await sql('CREATE INDEX calls_recording_retention_idx ON calls (business_id, recording_stored_at) WHERE recording_path IS NOT NULL AND recording_deleted_at IS NULL');

  await sql(`
    CREATE TABLE assistant_settings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL UNIQUE REFERENCES businesses(id) ON DELETE CASCADE,
      assistant_name text NOT NULL CHECK (length(trim(assistant_name)) BETWEEN 1 AND 60),
      greeting text NOT NULL CHECK (length(trim(greeting)) BETWEEN 1 AND 500),
      voice text NOT NULL CHECK (voice ~ '^[a-z]{2,20}$'),
      vad_threshold double precision NOT NULL CHECK (vad_threshold > 0 AND vad_threshold < 1),
      vad_prefix_padding_ms integer NOT NULL CHECK (vad_prefix_padding_ms BETWEEN 0 AND 2000),
      vad_silence_duration_ms integer NOT NULL CHECK (vad_silence_duration_ms BETWEEN 100 AND 5000),
      transfer_phone_e164 text CHECK (transfer_phone_e164 IS NULL OR transfer_phone_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      updated_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('assistant_settings')");

  await sql(`
    CREATE TABLE assistant_instructions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      channel text NOT NULL CHECK (channel IN ('voice', 'whatsapp')),
      version integer NOT NULL CHECK (version >= 1),
      body text NOT NULL CHECK (length(body) <= 8000),
      is_active boolean NOT NULL DEFAULT false,
      restored_from_version integer,
      author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, channel, version)
    )`);
  await sql('CREATE UNIQUE INDEX assistant_instructions_one_active ON assistant_instructions (business_id, channel) WHERE is_active');
  await sql("SELECT prosaas_enable_tenant_rls('assistant_instructions')");

  await sql(`
    CREATE TABLE faq_entries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      question text NOT NULL CHECK (length(trim(question)) BETWEEN 1 AND 500),
      answer text NOT NULL CHECK (length(trim(answer)) BETWEEN 1 AND 2000),
      channels text[] NOT NULL DEFAULT '{voice,whatsapp}',
      position integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX faq_entries_business_idx ON faq_entries (business_id, position)');
  await sql("SELECT prosaas_enable_tenant_rls('faq_entries')");
}
