import { Client } from 'pg';
import { UniqueConstraintError } from 'sequelize';
import { Database, Lead, TenantContextMissingError } from '../../data';
import { createBusiness, openAppDatabase, testEnv, testLogger } from '../support/infra';

describe('tenant isolation (row-level security + tenant context)', () => {
  let db: Database;
  let businessA: string;
  let businessB: string;
  let leadOfB: string;

  beforeAll(async () => {
    db = openAppDatabase();
    businessA = await createBusiness(db, 'Tenant A');
    businessB = await createBusiness(db, 'Tenant B');
    await db.withTenant({ businessId: businessA }, () => Lead.create({ businessId: businessA, fullName: 'דנה כהן', source: 'crm', phoneE164: '+972501111111' }));
    const lead = await db.withTenant({ businessId: businessB }, () =>
      Lead.create({ businessId: businessB, fullName: 'Yossi Levi', source: 'api', phoneE164: '+972502222222' }),
    );
    leadOfB = lead.id;
  });

  afterAll(async () => {
    await db.close();
  });

  it('shows a tenant only its own rows through the ORM', async () => {
    const seenByA = await db.withTenant({ businessId: businessA }, () => Lead.findAll());
    expect(seenByA.map((lead) => lead.fullName)).toEqual(['דנה כהן']);
    expect(await db.withTenant({ businessId: businessA }, () => Lead.findByPk(leadOfB))).toBeNull();
  });

  it('shows a tenant only its own rows through raw SQL, even when asked for everything', async () => {
    const rows = await db.withTenant({ businessId: businessA }, async (transaction) => {
      const [result] = await db.sequelize.query('SELECT business_id FROM leads', { transaction });
      return result as Array<{ business_id: string }>;
    });
    expect(rows.length).toBe(1);
    expect(rows.every((row) => row.business_id === businessA)).toBe(true);
  });

  it('lets a tenant neither update nor delete another tenant\'s rows through raw SQL', async () => {
    await db.withTenant({ businessId: businessA }, async (transaction) => {
      const [, updated] = await db.sequelize.query("UPDATE leads SET full_name = 'hijacked' WHERE id = :id", {
        replacements: { id: leadOfB },
        transaction,
      });
      expect((updated as { rowCount: number }).rowCount).toBe(0);
      const [, deleted] = await db.sequelize.query('DELETE FROM leads WHERE id = :id', { replacements: { id: leadOfB }, transaction });
      expect((deleted as { rowCount: number }).rowCount).toBe(0);
    });
    const stillThere = await db.withTenant({ businessId: businessB }, () => Lead.findByPk(leadOfB));
    expect(stillThere?.fullName).toBe('Yossi Levi');
  });

  it('refuses to write a row into another tenant', async () => {
    await expect(
      db.withTenant({ businessId: businessA }, () => Lead.create({ businessId: businessB, fullName: 'Intruder', source: 'api' })),
    ).rejects.toThrow(/row-level security/);
  });

  it('fails loudly when a model is queried without tenant context', async () => {
    await expect(Lead.findAll()).rejects.toThrow(TenantContextMissingError);
    await expect(Lead.create({ businessId: businessA, fullName: 'x', source: 'api' })).rejects.toThrow(TenantContextMissingError);
  });

  it('fails loudly when raw SQL runs without tenant context', async () => {
    await expect(db.sequelize.query('SELECT * FROM leads')).rejects.toThrow(/No tenant context/);
  });

  it('refuses withTenant without a valid business id', async () => {
    await expect(db.withTenant({ businessId: '' }, async () => 1)).rejects.toThrow(TenantContextMissingError);
    await expect(db.withTenant({ businessId: 'not-a-uuid' }, async () => 1)).rejects.toThrow(TenantContextMissingError);
  });

  it('shows nothing to the application role when the database setting is missing, whatever the code does', async () => {
    const client = new Client({ connectionString: testEnv('TEST_DATABASE_URL') });
    await client.connect();
    try {
      const leads = await client.query('SELECT * FROM leads');
      expect(leads.rowCount).toBe(0);
      await expect(
        client.query("INSERT INTO leads (business_id, full_name, source) VALUES ($1, 'x', 'api')", [businessA]),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await client.end();
    }
  });

  it('never leaks one tenant\'s setting to the next borrower of a pooled connection', async () => {
    const single = openAppDatabase(1);
    try {
      const pid = async () => {
        const [rows] = await single.sequelize.query('SELECT pg_backend_pid() AS pid', { prosaasInfrastructure: true } as object);
        return (rows as Array<{ pid: number }>)[0]!.pid;
      };
      const before = await pid();
      await single.withTenant({ businessId: businessA }, () => Lead.count());
      expect(await pid()).toBe(before);
      expect(await single.currentBusinessSetting()).toBeNull();
      const seenByB = await single.withTenant({ businessId: businessB }, () => Lead.findAll());
      expect(seenByB.map((lead) => lead.businessId)).toEqual([businessB]);
    } finally {
      await single.close();
    }
  });

  it('keeps concurrent tenants apart on a shared pool', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const businessId = i % 2 === 0 ? businessA : businessB;
        return db.withTenant({ businessId }, async () => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
          const leads = await Lead.findAll();
          return leads.every((lead) => lead.businessId === businessId) && leads.length === 1;
        });
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('lets system scope see every tenant, through its audited path', async () => {
    const all = await db.withSystemScope('test: cross-tenant count', () => Lead.count());
    expect(all).toBeGreaterThanOrEqual(2);
  });

  it('refuses to switch business inside another business\'s transaction', async () => {
    await expect(
      db.withTenant({ businessId: businessA }, () => db.withTenant({ businessId: businessB }, () => Lead.count())),
    ).rejects.toThrow(/cannot switch business/);
  });

  it('dedupes leads by phone within a business but not across businesses', async () => {
    await expect(
      db.withTenant({ businessId: businessA }, () => Lead.create({ businessId: businessA, fullName: 'Again', source: 'api', phoneE164: '+972501111111' })),
    ).rejects.toThrow(UniqueConstraintError);
    const lead = await db.withTenant({ businessId: businessB }, () =>
      Lead.create({ businessId: businessB, fullName: 'Same phone, other business', source: 'api', phoneE164: '+972501111111' }),
    );
    expect(lead.id).toBeTruthy();
  });

  it('refuses to run the application as a role that bypasses row-level security', async () => {
    const privileged = new Database({ url: testEnv('TEST_DATABASE_ADMIN_URL'), logger: testLogger });
    try {
      await expect(privileged.verifyRole()).rejects.toThrow(/bypasses row-level security/);
      await expect(db.verifyRole()).resolves.toBeUndefined();
    } finally {
      await privileged.close();
    }
  });
});
