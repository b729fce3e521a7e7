import { createRecordingActivities } from '../../activities/recordings';
import { Business, Call, type Database } from '../../data';
import { LogMessageProvider } from '../../platform/messaging';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';

/** Which businesses hold recordings past their own retention (the cleanup schedule's first step). */
describe('findBusinessesWithExpiredRecordings', () => {
  let db: Database;
  const ids: Record<'ownRetention' | 'defaultRetention' | 'deletedAlready' | 'noRecording', string> = { ownRetention: '', defaultRetention: '', deletedAlready: '', noRecording: '' };
  const now = new Date('2026-12-10T12:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);

  beforeAll(async () => {
    db = openAppDatabase(2);
    for (const key of Object.keys(ids) as Array<keyof typeof ids>) ids[key] = await createBusiness(db, `retention ${key}`);
    await db.withSystemScope('test fixture', async () => {
      await Business.update({ recordingRetentionDays: 5 }, { where: { id: ids.ownRetention } });
      await Business.update({ recordingRetentionDays: null }, { where: { id: [ids.defaultRetention, ids.deletedAlready, ids.noRecording] } });
    });
    const call = (businessId: string, label: string, createdAt: Date, recording: { path: string | null; deletedAt?: Date }) =>
      db.withTenant({ businessId }, async () => {
        const row = await Call.create({ businessId, callSid: `CA${label}${Date.now()}`, direction: 'inbound', status: 'completed', recordingPath: recording.path, recordingDeletedAt: recording.deletedAt ?? null });
        // created_at is set by the database; the fixture moves it back to the age under test
        await db.sequelize.query('UPDATE calls SET created_at = :createdAt WHERE id = :id', { replacements: { createdAt, id: row.id } });
      });
    await call(ids.ownRetention, 'own', daysAgo(4), { path: 'own/4-days.mp3' });
    await call(ids.defaultRetention, 'default', daysAgo(4), { path: 'default/4-days.mp3' });
    await call(ids.deletedAlready, 'deleted', daysAgo(30), { path: null, deletedAt: daysAgo(20) });
    await call(ids.noRecording, 'none', daysAgo(30), { path: null });
  });

  afterAll(async () => {
    // The fixture's recordings exist only as rows: no other test's cleanup should go looking for them.
    await db.withSystemScope('test cleanup', () => Call.update({ recordingPath: null }, { where: { businessId: Object.values(ids) } }));
    await db.close();
  });

  const activities = () => createRecordingActivities({ db, logger: testLogger, messages: new LogMessageProvider(testLogger) });
  const find = (input: { defaultRetentionDays?: number; at?: Date }) =>
    activities().findBusinessesWithExpiredRecordings({ now: (input.at ?? now).toISOString(), defaultRetentionDays: input.defaultRetentionDays, businessIds: Object.values(ids) });

  it('applies each business its own retention, else the default', async () => {
    // 4-day-old recordings; the default is 2 days: only the business without its own (5 days) is due
    expect(await find({ defaultRetentionDays: 2 })).toEqual([ids.defaultRetention]);
    // a 7-day default keeps both
    expect(await find({ defaultRetentionDays: 7 })).toEqual([]);
    // two days later the business's own 5 days have passed too
    expect((await find({ defaultRetentionDays: 2, at: new Date(now.getTime() + 2 * 24 * 3600_000) })).sort()).toEqual([ids.ownRetention, ids.defaultRetention].sort());
  });

  it('ignores deleted recordings and calls without one, and answers nothing for no businesses', async () => {
    const due = await find({ defaultRetentionDays: 0 });
    expect(due).not.toContain(ids.deletedAlready);
    expect(due).not.toContain(ids.noRecording);
    expect(await activities().findBusinessesWithExpiredRecordings({ now: now.toISOString(), businessIds: [] })).toEqual([]);
  });
});
