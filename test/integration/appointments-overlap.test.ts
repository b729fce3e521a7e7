import { Appointment, type Database } from '../../data';
import { createBusiness, openAppDatabase } from '../support/infra';

describe('appointments exclusion constraint', () => {
  let db: Database;
  let businessId: string;
  let otherBusinessId: string;

  beforeAll(async () => {
    db = openAppDatabase(12);
    businessId = await createBusiness(db, 'Overlap clinic');
    otherBusinessId = await createBusiness(db, 'Other clinic');
  });

  afterAll(async () => {
    await db.close();
  });

  const book = (business: string, start: string, end: string, extra: Partial<{ resourceKey: string; status: 'held' | 'cancelled' }> = {}) =>
    db.withTenant({ businessId: business }, () =>
      Appointment.create({ businessId: business, startsAt: new Date(start), endsAt: new Date(end), ...extra }),
    );

  it('lets exactly one of many concurrent overlapping bookings win', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        book(businessId, `2027-01-10T08:${String(i * 2).padStart(2, '0')}:00Z`, `2027-01-10T09:${String(i * 2).padStart(2, '0')}:00Z`),
      ),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(11);
    for (const failure of lost) expect(String(failure.reason?.parent?.constraint ?? failure.reason)).toMatch(/appointments_no_overlap/);
    const stored = await db.withTenant({ businessId }, () => Appointment.count({ where: { status: 'held' } }));
    expect(stored).toBe(1);
  });

  it('allows back-to-back appointments (half-open ranges)', async () => {
    await book(businessId, '2027-01-11T08:00:00Z', '2027-01-11T08:30:00Z');
    await expect(book(businessId, '2027-01-11T08:30:00Z', '2027-01-11T09:00:00Z')).resolves.toBeTruthy();
  });

  it('lets a cancelled appointment free its slot', async () => {
    await book(businessId, '2027-01-12T08:00:00Z', '2027-01-12T08:30:00Z', { status: 'cancelled' });
    await expect(book(businessId, '2027-01-12T08:00:00Z', '2027-01-12T08:30:00Z')).resolves.toBeTruthy();
  });

  it('keeps separate resources and separate businesses independent', async () => {
    await book(businessId, '2027-01-13T08:00:00Z', '2027-01-13T09:00:00Z');
    await expect(book(businessId, '2027-01-13T08:00:00Z', '2027-01-13T09:00:00Z', { resourceKey: 'room-2' })).resolves.toBeTruthy();
    await expect(book(otherBusinessId, '2027-01-13T08:00:00Z', '2027-01-13T09:00:00Z')).resolves.toBeTruthy();
  });

  it('refuses an appointment that ends before it starts', async () => {
    await expect(book(businessId, '2027-01-14T09:00:00Z', '2027-01-14T08:00:00Z')).rejects.toThrow(/appointments_ends_after_start/);
  });
});
