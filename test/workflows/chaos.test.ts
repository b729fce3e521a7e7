import { runBookingChaos } from '../../devtools/chaos/booking-chaos';
import type { Database } from '../../data';
import { openAppDatabase, testEnv } from '../support/infra';

describe('booking under worker crashes', () => {
  let db: Database;
  beforeAll(() => {
    db = openAppDatabase(6);
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps every acknowledged booking exactly once, with one confirmation each, when the worker is SIGKILLed mid-booking', async () => {
    const report = await runBookingChaos(
      {
        databaseUrl: testEnv('TEST_DATABASE_URL'),
        temporalAddress: testEnv('TEST_TEMPORAL_ADDRESS'),
        namespace: testEnv('TEST_TEMPORAL_NAMESPACE'),
        db,
      },
      { trials: 3, bookingsPerTrial: 8 },
    );
    expect(report.kills).toBe(3);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report).toMatchObject({ lost: 0, duplicated: 0, overlapping: 0, confirmationsMissing: 0, confirmationsDuplicated: 0 });
  }, 300_000);

  it('keeps every acknowledged booking exactly once when the api is SIGKILLed with requests in flight and clients retry', async () => {
    const report = await runBookingChaos(
      {
        databaseUrl: testEnv('TEST_DATABASE_URL'),
        temporalAddress: testEnv('TEST_TEMPORAL_ADDRESS'),
        namespace: testEnv('TEST_TEMPORAL_NAMESPACE'),
        db,
      },
      { trials: 2, bookingsPerTrial: 8, target: 'api' },
    );
    expect(report.kills).toBe(2);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report).toMatchObject({ lost: 0, duplicated: 0, overlapping: 0, confirmationsMissing: 0, confirmationsDuplicated: 0 });
  }, 300_000);
});
