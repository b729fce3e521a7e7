import { type Database, WhatsappAuthKey } from '../../data';
import { usePostgresAuthState, hasStoredCreds } from '../../whatsapp/auth-state';
import { loadBaileys, type BaileysModule } from '../../whatsapp/baileys';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';

describe('usePostgresAuthState', () => {
  let db: Database;
  let businessId: string;
  let otherBusinessId: string;
  let B: BaileysModule;

  beforeAll(async () => {
    B = await loadBaileys();
    db = openAppDatabase();
    businessId = await createBusiness(db, 'WhatsApp auth A');
    otherBusinessId = await createBusiness(db, 'WhatsApp auth B');
  });

  afterAll(async () => {
    await db.close();
  });

  it('starts with fresh Baileys creds and stores nothing until creds.update', async () => {
    const { state } = await usePostgresAuthState(db, businessId);
    expect(state.creds.registrationId).toBeGreaterThan(0);
    expect(Buffer.isBuffer(state.creds.noiseKey.private)).toBe(true);
    expect(await hasStoredCreds(db, businessId)).toBe(false);
  });

  it('round-trips creds and signal keys through B.BufferJSON and a cacheable key store, across a restart', async () => {
    const first = await usePostgresAuthState(db, businessId);
    first.state.creds.me = { id: '972501234567:3@s.whatsapp.net', name: 'Demo' };
    await first.saveCreds();

    const keys = B.makeCacheableSignalKeyStore(first.state.keys, testLogger);
    const preKey = B.initAuthCreds().signedIdentityKey;
    const appStateKey = B.proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from('app-state-secret'), timestamp: 1700000000 });
    await keys.set({
      'pre-key': { '1': preKey, '2': B.initAuthCreds().noiseKey },
      session: { '972501234567.0': Buffer.from([1, 2, 3, 250]) },
      'app-state-sync-key': { AAAAAQ: appStateKey },
    });

    // A "restart": another connection pool, another store instance, no shared cache.
    const restartedDb = openAppDatabase(2);
    try {
      const second = await usePostgresAuthState(restartedDb, businessId);
      expect(JSON.stringify(second.state.creds, B.BufferJSON.replacer)).toBe(JSON.stringify(first.state.creds, B.BufferJSON.replacer));
      expect(second.state.creds.me?.id).toBe('972501234567:3@s.whatsapp.net');
      const restartedKeys = B.makeCacheableSignalKeyStore(second.state.keys, testLogger);
      const preKeys = await restartedKeys.get('pre-key', ['1', '2', '3']);
      expect(Buffer.from(preKeys['1']!.private).equals(Buffer.from(preKey.private))).toBe(true);
      expect(Buffer.from(preKeys['1']!.public).equals(Buffer.from(preKey.public))).toBe(true);
      expect(preKeys['3']).toBeUndefined();
      const sessions = await restartedKeys.get('session', ['972501234567.0']);
      expect([...Buffer.from(sessions['972501234567.0']!)]).toEqual([1, 2, 3, 250]);
      const appState = await restartedKeys.get('app-state-sync-key', ['AAAAAQ']);
      expect(appState.AAAAAQ).toBeInstanceOf(B.proto.Message.AppStateSyncKeyData);
      expect(Buffer.from(appState.AAAAAQ!.keyData!).toString()).toBe('app-state-secret');
      expect(await hasStoredCreds(restartedDb, businessId)).toBe(true);
    } finally {
      await restartedDb.close();
    }
  });

  it('deletes a key set to null, in the same batch as other writes', async () => {
    const { state } = await usePostgresAuthState(db, businessId);
    await state.keys.set({ 'pre-key': { '1': null, '5': B.initAuthCreds().noiseKey } });
    const found = await state.keys.get('pre-key', ['1', '2', '5']);
    expect(Object.keys(found).sort()).toEqual(['2', '5']);
  });

  it('keeps each business its own state (row-level security)', async () => {
    const other = await usePostgresAuthState(db, otherBusinessId);
    expect(await other.state.keys.get('pre-key', ['2', '5'])).toEqual({});
    expect(other.state.creds.me).toBeUndefined();
  });

  it('clears everything on logout, so the next start needs a new QR', async () => {
    const store = await usePostgresAuthState(db, businessId);
    await store.clear();
    expect(await hasStoredCreds(db, businessId)).toBe(false);
    expect(await db.withTenant({ businessId }, () => WhatsappAuthKey.count())).toBe(0);
    const fresh = await usePostgresAuthState(db, businessId);
    expect(fresh.state.creds.me).toBeUndefined();
  });
});
