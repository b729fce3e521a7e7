import type { MigrationContext } from './types';

/**
 * The roles and functions row-level security is written with.
 * - The application's login role (from DATABASE_URL) may not bypass RLS and does
 *   not inherit the privileges of roles it belongs to (NOINHERIT).
 * - prosaas_system is the audited system scope: withSystemScope() switches to it
 *   with SET LOCAL ROLE for one transaction. Only that role has the see-everything
 *   policy, so tenant queries keep a plain `business_id = <current>` predicate
 *   that uses the (business_id, ...) indexes.
 */
export const SYSTEM_ROLE = 'prosaas_system';

export async function up({ sql, appRole }: MigrationContext): Promise<void> {
  await sql(`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(SYSTEM_ROLE)}) THEN
        CREATE ROLE ${ident(SYSTEM_ROLE)} NOLOGIN NOBYPASSRLS;
      END IF;
    END
    $$`);
  await sql(`GRANT USAGE ON SCHEMA public TO ${ident(SYSTEM_ROLE)}`);
  await sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident(SYSTEM_ROLE)}`);
  await sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident(SYSTEM_ROLE)}`);
  if (appRole) {
    await sql(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(appRole.name)}) THEN
          CREATE ROLE ${ident(appRole.name)} LOGIN PASSWORD ${literal(appRole.password)};
        END IF;
      END
      $$`);
    // Only these attributes are set: a non-superuser owner (CREATEROLE) may not touch SUPERUSER or
    // BYPASSRLS, so a role that has either is refused instead.
    await sql(`ALTER ROLE ${ident(appRole.name)} WITH LOGIN NOINHERIT PASSWORD ${literal(appRole.password)}`);
    await sql(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(appRole.name)} AND (rolsuper OR rolbypassrls)) THEN
          RAISE EXCEPTION 'the application role % must be neither superuser nor BYPASSRLS: row-level security depends on it', ${literal(appRole.name)};
        END IF;
      END
      $$`);
    await sql(`GRANT ${ident(SYSTEM_ROLE)} TO ${ident(appRole.name)}`);
    await sql(`GRANT USAGE ON SCHEMA public TO ${ident(appRole.name)}`);
    await sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ident(appRole.name)}`);
    await sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ident(appRole.name)}`);
  }
  await sql('CREATE EXTENSION IF NOT EXISTS btree_gist');

  // NULLIF: an unset custom setting reads back as '' on a connection that once had it.
  await sql(`
    CREATE OR REPLACE FUNCTION prosaas_current_business() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE AS
    $$ SELECT NULLIF(current_setting('app.business_id', true), '')::uuid $$`);

  // One call per tenant table: enable + force RLS, the tenant policy for everyone,
  // and the see-everything policy for the system scope role only.
  await sql(`
    CREATE OR REPLACE FUNCTION prosaas_enable_tenant_rls(target regclass, tenant_column text DEFAULT 'business_id') RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', target);
      EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', target);
      IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = target AND polname = 'tenant_isolation') THEN
        EXECUTE format(
          'CREATE POLICY tenant_isolation ON %s USING (%I = prosaas_current_business()) WITH CHECK (%I = prosaas_current_business())',
          target, tenant_column, tenant_column);
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = target AND polname = 'system_scope') THEN
        EXECUTE format('CREATE POLICY system_scope ON %s TO ${SYSTEM_ROLE} USING (true) WITH CHECK (true)', target);
      END IF;
    END
    $$`);
}

export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
