import { ApplicationFailure } from '@temporalio/common';
import { createActivities, type Activities, type BookingRequest } from '../../activities';
import { Appointment, Business, type Database } from '../../data';
import { LogMessageProvider } from '../../platform/messaging';
import { FAILURE_TYPES } from '../../temporal-config';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';

/** The hold activity on its own against PostgreSQL: what a retry after a committed first attempt finds. */
describe('holdAppointment retried after its first attempt committed', () => {
  let db: Database;
  let activities: Activities;
  let businessId: string;
  let keyCounter = 0;
  const dayStart = Date.UTC(new Date().getUTCFullYear() + 1, 2, 1);
  const hold = (overrides: Partial<BookingRequest> = {}) =>
    activities.holdAppointment({
      businessId,
      idempotencyKey: `hold-test-${keyCounter}`,
      workflowId: `booking/test/hold-test-${keyCounter}`,
      customer: { fullName: 'Retry Rami', phone: '050-777-1234' },
      startsAt: new Date(dayStart + keyCounter * 3_600_000).toISOString(),
      source: 'api',
      ...overrides,
    });

  beforeAll(async () => {
    db = openAppDatabase(4);
    activities = createActivities({ db, logger: testLogger, messages: new LogMessageProvider(testLogger) });
    businessId = await createBusiness(db, 'Hold retry clinic');
    const open = [{ start: '00:00', end: '24:00' }];
    await db.withSystemScope('test fixture: open every hour', () =>
      Business.update(
        {
          weeklyHours: { '0': open, '1': open, '2': open, '3': open, '4': open, '5': open, '6': open },
          bookingRules: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, bookingWindowDays: 500 },
        },
        { where: { id: businessId } },
      ),
    );
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(() => {
    keyCounter++;
  });

  it('returns the same hold instead of refusing the slot it holds itself', async () => {
    const first = await hold();
    const retried = await hold();
    expect(retried.appointmentId).toBe(first.appointmentId);
    expect(await db.withTenant({ businessId }, () => Appointment.count({ where: { idempotencyKey: `hold-test-${keyCounter}` } }))).toBe(1);
  });

  it('returns the hold when its slot has moved since, through the duplicate key', async () => {
    const first = await hold();
    await db.withTenant({ businessId }, () => Appointment.update({ startsAt: new Date(dayStart + 400 * 3_600_000), endsAt: new Date(dayStart + 400 * 3_600_000 + 1_800_000) }, { where: { id: first.appointmentId } }));
    expect((await hold()).appointmentId).toBe(first.appointmentId);
  });

  it('returns the hold when the business stopped taking bookings since, and refuses a new request', async () => {
    const first = await hold();
    await db.withSystemScope('test fixture: lock down', () => Business.update({ lockedDown: true }, { where: { id: businessId } }));
    try {
      expect((await hold()).appointmentId).toBe(first.appointmentId);
      const refused = await hold({ idempotencyKey: `hold-test-${keyCounter}-new`, startsAt: new Date(dayStart + 500 * 3_600_000).toISOString() }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApplicationFailure);
      expect((refused as ApplicationFailure).type).toBe(FAILURE_TYPES.slotUnavailable);
    } finally {
      await db.withSystemScope('test fixture: unlock', () => Business.update({ lockedDown: false }, { where: { id: businessId } }));
    }
  });

  it('still refuses another request for a held slot', async () => {
    const first = await hold();
    const other = await hold({ idempotencyKey: `hold-test-${keyCounter}-other`, startsAt: first.startsAt }).catch((error: unknown) => error);
    expect((other as ApplicationFailure).type).toBe(FAILURE_TYPES.slotUnavailable);
  });
});
