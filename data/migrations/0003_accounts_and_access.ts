import type { MigrationContext } from './types';
import { SYSTEM_ROLE, ident } from './0001_app_role_and_tenancy_functions';

/**
 * Tables the application reaches only inside withSystemScope (looked up before any tenant is known):
 * row-level security is on with a single policy for the system scope role, so the app role
 * outside withSystemScope sees and writes nothing.
 */
const SYSTEM_ONLY_TABLES = ['auth_sessions', 'password_reset_tokens', 'login_throttles'];

/**
 * Accounts and access: server-side sessions, tenant API keys, password reset
 * tokens and login lockout state. Secrets are stored only as SHA-256 hashes.
 */
export async function up({ sql, appRole }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE auth_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      impersonated_user_id uuid REFERENCES users(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
  await sql('CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)');
  await sql('CREATE INDEX auth_sessions_expires_idx ON auth_sessions (expires_at)');

  await sql(`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 100),
      prefix text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{12}$'),
      secret_hash text NOT NULL,
      scopes text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']::text[]),
      created_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX api_keys_business_idx ON api_keys (business_id, created_at DESC)');
  await sql("SELECT prosaas_enable_tenant_rls('api_keys')");

  await sql(`
    CREATE TABLE password_reset_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('reset', 'invite')),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)');

  await sql(`
    CREATE TABLE login_throttles (
      key text PRIMARY KEY CHECK (length(key) <= 400),
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz,
      locked_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

  for (const table of SYSTEM_ONLY_TABLES) {
    await sql(`ALTER TABLE ${ident(table)} ENABLE ROW LEVEL SECURITY`);
    await sql(`ALTER TABLE ${ident(table)} FORCE ROW LEVEL SECURITY`);
    await sql(`CREATE POLICY system_scope ON ${ident(table)} TO ${ident(SYSTEM_ROLE)} USING (true) WITH CHECK (true)`);
  }

  const roles = [ident(SYSTEM_ROLE), ...(appRole ? [ident(appRole.name)] : [])].join(', ');
  await sql(`GRANT SELECT, INSERT, UPDATE, DELETE ON auth_sessions, api_keys, password_reset_tokens, login_throttles TO ${roles}`);
}
