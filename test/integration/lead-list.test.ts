import { QueryTypes } from 'sequelize';
import { decodeLeadCursor, InvalidLeadCursorError, listLeadsPage, type LeadListQuery } from '../../api/services/lead-list';
import { Lead, type Database } from '../../data';
import { createBusiness, openAppDatabase } from '../support/infra';

describe('leads list: keyset paging and index-backed search under row-level security', () => {
  let db: Database;
  let businessA: string;
  let businessB: string;
  const sameInstant = new Date('2026-01-05T10:00:00.000Z');

  const list = (query: LeadListQuery, businessId = businessA) => db.withTenant({ businessId }, () => listLeadsPage(query));
  const names = (rows: Lead[]) => rows.map((lead) => lead.fullName);

  beforeAll(async () => {
    db = openAppDatabase();
    businessA = await createBusiness(db, 'List A');
    businessB = await createBusiness(db, 'List B');
    await db.withTenant({ businessId: businessA }, () =>
      Lead.bulkCreate(
        Array.from({ length: 30 }, (_, i) => ({
          businessId: businessA,
          fullName: `Paging ${String(i).padStart(2, '0')}`,
          source: 'import' as const,
          // Ten leads share one instant: the id must break the tie, or a page boundary would lose rows.
          createdAt: i < 10 ? sameInstant : new Date(Date.UTC(2026, 0, 6, 0, i)),
        })),
      ),
    );
    await db.withTenant({ businessId: businessA }, async () => {
      await Lead.create({ businessId: businessA, fullName: 'Dana  Ben-David', phoneE164: '+972521234567', email: 'dana@clinic.example', source: 'crm' });
      await Lead.create({ businessId: businessA, fullName: 'Yossi Cohen', phoneE164: '+14155550123', source: 'crm' });
    });
    await db.withTenant({ businessId: businessB }, () =>
      Lead.create({ businessId: businessB, fullName: 'Dana Ben-David', phoneE164: '+972521234567', email: 'dana@clinic.example', source: 'crm' }),
    );
  });

  afterAll(async () => {
    await db.close();
  });

  it('walks every lead once, newest first, and comes back page by page', async () => {
    const pages: Lead[][] = [];
    const previous: Array<string | null> = [];
    let cursor: string | undefined;
    do {
      const page = await list({ search: 'paging', limit: 7, cursor });
      pages.push(page.rows);
      previous.push(page.previousCursor);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const walked = pages.flat();
    expect(pages.map((rows) => rows.length)).toEqual([7, 7, 7, 7, 2]);
    expect(new Set(walked.map((lead) => lead.id)).size).toBe(30);
    const expected = await db.withTenant({ businessId: businessA }, () =>
      Lead.findAll({ where: { businessId: businessA }, order: [['createdAt', 'DESC'], ['id', 'DESC']] }),
    );
    expect(walked.map((lead) => lead.id)).toEqual(expected.filter((lead) => lead.fullName.startsWith('Paging')).map((lead) => lead.id));
    expect(previous[0]).toBeNull();

    // Back from the last page: the fourth page again, then the first page in full.
    const fourth = await list({ search: 'paging', limit: 7, cursor: previous[4]! });
    expect(fourth.rows.map((lead) => lead.id)).toEqual(pages[3]!.map((lead) => lead.id));
    const fromSecond = await list({ search: 'paging', limit: 7, cursor: previous[1]! });
    expect(fromSecond.rows.map((lead) => lead.id)).toEqual(pages[0]!.map((lead) => lead.id));
    expect(fromSecond.previousCursor).toBeNull();
    expect(decodeLeadCursor(fromSecond.nextCursor!).direction).toBe('after');
  });

  it('finds a lead by a word start of its name or e-mail, or by digits of its phone, in its own business only', async () => {
    for (const search of ['dana', 'Ben', 'david', 'ben-david', 'DANA BEN', 'clinic', 'dana@clinic', '4567', '52123', '052-123-4567', '+972 52 123 4567']) {
      const page = await list({ search });
      expect({ search, names: names(page.rows) }).toEqual({ search, names: ['Dana  Ben-David'] });
      expect(page.rows[0]!.businessId).toBe(businessA);
    }
    expect(names((await list({ search: 'cohen' })).rows)).toEqual(['Yossi Cohen']);
    expect(names((await list({ search: '5550123' })).rows)).toEqual(['Yossi Cohen']);
    for (const search of ['xyz', 'ana', '99999']) expect((await list({ search })).rows).toEqual([]);
    const other = await list({ search: 'dana' }, businessB);
    expect(other.rows.map((lead) => lead.businessId)).toEqual([businessB]);
    expect(other.total).toBe(1);
  });

  it('keeps the search terms in step with renames and deletions, and behind the tenant policy', async () => {
    const lead = await db.withTenant({ businessId: businessA }, () => Lead.create({ businessId: businessA, fullName: 'Miriam Katz', source: 'crm' }));
    await db.withTenant({ businessId: businessA }, () => lead.update({ fullName: 'Miriam Levi', email: 'miriam@levi.example' }));
    expect(names((await list({ search: 'katz' })).rows)).toEqual([]);
    expect(names((await list({ search: 'levi' })).rows)).toEqual(['Miriam Levi']);
    expect((await list({ search: 'levi.example' })).total).toBe(1);

    const termsOf = (businessId: string, id: string) =>
      db.withTenant({ businessId }, () =>
        db.sequelize.query<{ count: string }>('SELECT count(*) AS count FROM lead_search_terms WHERE lead_id = :id', { replacements: { id }, type: QueryTypes.SELECT }),
      );
    expect(Number((await termsOf(businessA, lead.id))[0]!.count)).toBeGreaterThan(0);
    expect(Number((await termsOf(businessB, lead.id))[0]!.count)).toBe(0);
    await db.withTenant({ businessId: businessA }, () => lead.destroy());
    expect(Number((await termsOf(businessA, lead.id))[0]!.count)).toBe(0);
  });

  it('filters by status together with the search, and counts what matches', async () => {
    await db.withTenant({ businessId: businessA }, () => Lead.update({ statusKey: 'won' }, { where: { fullName: ['Paging 03', 'Paging 21'] } }));
    const won = await list({ search: 'paging', status: 'won' });
    expect(names(won.rows)).toEqual(['Paging 21', 'Paging 03']);
    expect(won).toMatchObject({ total: 2, totalIsLowerBound: false, nextCursor: null, previousCursor: null });
  });

  it('refuses a cursor it did not give out', async () => {
    const forged = Buffer.from("a|2026-01-01T00:00:00.000000Z|' OR 1=1 --").toString('base64url');
    for (const cursor of ['nonsense', forged, Buffer.from('x|2026-01-01T00:00:00.000000Z|00000000-0000-0000-0000-000000000000').toString('base64url')]) {
      await expect(list({ cursor })).rejects.toBeInstanceOf(InvalidLeadCursorError);
    }
  });
});
