import fs from 'node:fs';
import path from 'node:path';
import { type Client } from 'pg';
import { MIGRATIONS, migrate } from '../../data';
import { testEnv, testLogger, withAdminClient } from '../support/infra';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../data/migrations');

async function freshDatabase(name: string): Promise<{ adminUrl: string; appUrl: string }> {
  await withAdminClient(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    await client.query(`CREATE DATABASE ${name}`);
  }, testEnv('TEST_DATABASE_SERVER_ADMIN_URL'));
  const adminUrl = new URL(testEnv('TEST_DATABASE_ADMIN_URL'));
  adminUrl.pathname = `/${name}`;
  const appUrl = new URL(testEnv('TEST_DATABASE_URL'));
  appUrl.pathname = `/${name}`;
  return { adminUrl: adminUrl.toString(), appUrl: appUrl.toString() };
}

type Shape = Set<string>;

async function schemaShape(adminUrl: string): Promise<Shape> {
  return withAdminClient(async (client: Client) => {
    const result = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2",
    );
    return new Set(result.rows.map((row) => `${row.table_name}.${row.column_name}`));
  }, adminUrl);
}

describe('migrations', () => {
  it('migrate up from an empty database, then find nothing left to do', async () => {
    const { adminUrl, appUrl } = await freshDatabase('prosaas_migrate_empty');
    const applied = await migrate({ adminUrl, appUrl, logger: testLogger });
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrate({ adminUrl, appUrl, logger: testLogger })).toEqual([]);
    const shape = await schemaShape(adminUrl);
    for (const column of ['businesses.timezone', 'leads.full_name', 'appointments.starts_at', 'audit_logs.action', 'messages.provider_message_id']) {
      expect(shape).toContain(column);
    }
  });

  it('are strictly additive: no migration drops or renames a table or column', async () => {
    const { adminUrl, appUrl } = await freshDatabase('prosaas_migrate_steps');
    let previous: Shape = new Set();
    for (let step = 1; step <= MIGRATIONS.length; step++) {
      await migrate({ adminUrl, appUrl, logger: testLogger, upTo: step });
      const current = await schemaShape(adminUrl);
      const lost = [...previous].filter((column) => !current.has(column));
      expect({ migration: MIGRATIONS[step - 1]!.name, lost }).toEqual({ migration: MIGRATIONS[step - 1]!.name, lost: [] });
      previous = current;
    }
  });

  it('contain no destructive statement in their source', () => {
    const destructive = /\b(DROP\s+(TABLE|COLUMN|SCHEMA|TYPE)|RENAME\s+(TO|COLUMN)|ALTER\s+COLUMN\s+\w+\s+(SET\s+DATA\s+)?TYPE|TRUNCATE)\b/i;
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((file) => /^\d{4}_.*\.ts$/.test(file));
    expect(files.length).toBe(MIGRATIONS.length);
    for (const file of files) {
      const source = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      expect({ file, destructive: destructive.exec(source)?.[0] ?? null }).toEqual({ file, destructive: null });
    }
  });

  it('put every tenant-owned table under forced row-level security with a policy', async () => {
    const rows = await withAdminClient((client) =>
      client.query<{ table_name: string; rls: boolean; forced: boolean; policies: string }>(`
        SELECT c.relname AS table_name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
               (SELECT string_agg(p.policyname || ':' || array_to_string(p.roles, ','), ' ' ORDER BY p.policyname)
                  FROM pg_policies p WHERE p.tablename = c.relname) AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND (c.relname = 'businesses' OR EXISTS (
            SELECT 1 FROM information_schema.columns col
            WHERE col.table_schema = 'public' AND col.table_name = c.relname AND col.column_name = 'business_id'))`),
    );
    expect(rows.rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows.rows) {
      expect(row).toEqual({ table_name: row.table_name, rls: true, forced: true, policies: 'system_scope:prosaas_system tenant_isolation:public' });
    }
  });

  it('give the application role no way around row-level security and no power over the audit trail', async () => {
    const appUser = decodeURIComponent(new URL(testEnv('TEST_DATABASE_URL')).username);
    const role = await withAdminClient((client) =>
      client.query<{ rolsuper: boolean; rolbypassrls: boolean; rolinherit: boolean }>(
        "SELECT rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname IN ($1, 'prosaas_system') ORDER BY rolname = 'prosaas_system'",
        [appUser],
      ),
    );
    // NOINHERIT: membership in prosaas_system gives nothing until withSystemScope() sets that role.
    expect(role.rows).toEqual([
      { rolsuper: false, rolbypassrls: false, rolinherit: false },
      { rolsuper: false, rolbypassrls: false, rolinherit: true },
    ]);
    const privileges = await withAdminClient((client) =>
      client.query<{ update: boolean; delete: boolean; insert: boolean }>(
        `SELECT has_table_privilege($1, 'audit_logs', 'UPDATE') AS update,
                has_table_privilege($1, 'audit_logs', 'DELETE') AS delete,
                has_table_privilege($1, 'audit_logs', 'INSERT') AS insert`,
        [appUser],
      ),
    );
    expect(privileges.rows[0]).toEqual({ update: false, delete: false, insert: true });
  });
});
