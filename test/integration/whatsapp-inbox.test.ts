import { Client, Connection } from '@temporalio/client';
import { Message, WhatsappConnection, type Database } from '../../data';
import { FakeBaileysSocketFactory } from '../../devtools/fakes/baileys-socket-fake';
import { startWhatsapp, type StartedWhatsapp } from '../../whatsapp';
import { createBusiness, openAppDatabase, testEnv, testLogger } from '../support/infra';
import { CuttableTcpProxy, hostAndPort } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';
import { openAroundTheClock, startConversationWorker, whatsappServiceConfig, type ConversationWorker } from '../support/whatsapp';

const CONTACT_JID = '972507778899@s.whatsapp.net';

describe('whatsapp inbox: an inbound message that arrives while Temporal is unreachable is answered once it is back', () => {
  let db: Database;
  let worker: ConversationWorker;
  let service: StartedWhatsapp;
  let proxy: CuttableTcpProxy;
  let serviceConnection: Connection;
  let businessId: string;
  const sockets = new FakeBaileysSocketFactory();

  const inboundRow = (providerMessageId: string) => db.withTenant({ businessId }, () => Message.findOne({ where: { providerMessageId } }));
  const sentToContact = () => sockets.latest.sent.filter((message) => message.jid === CONTACT_JID);

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'מספרת האינבוקס');
    await openAroundTheClock(db, businessId);
    await db.withTenant({ businessId }, () => WhatsappConnection.create({ businessId, provider: 'baileys', wanted: true, outboundPerMinute: 100 }));
    // The conversation worker reaches Temporal directly; only the whatsapp service's client goes through the proxy.
    worker = await startConversationWorker(db, 'whatsapp-inbox');
    proxy = new CuttableTcpProxy(hostAndPort(testEnv('TEST_TEMPORAL_ADDRESS')));
    await proxy.start();
    serviceConnection = await Connection.connect({ address: proxy.address });
    const config = whatsappServiceConfig(worker.taskQueue, { WHATSAPP_INBOX_SWEEP_MS: '300', WHATSAPP_INBOX_RETRY_BASE_MS: '300', WHATSAPP_INBOX_RETRY_MAX_MS: '1500' });
    service = await startWhatsapp(config, {
      logger: testLogger,
      openSocket: sockets.create,
      ownerId: `inbox-${process.pid}`,
      onlyBusinessIds: [businessId],
      temporalClient: new Client({ connection: serviceConnection, namespace: testEnv('TEST_TEMPORAL_NAMESPACE') }),
    });
    await waitFor(() => sockets.sockets.length, (n) => n === 1);
    sockets.latest.emitCredsUpdate({ me: { id: '97233004466:2@s.whatsapp.net' } });
    sockets.latest.emitOpen();
    await waitFor(() => service.sessions.socketOf(businessId).socket, Boolean);
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await serviceConnection?.close().catch(() => undefined);
    await proxy?.stop();
    await worker?.stop();
    await db?.close();
  });

  it('stores the message, keeps retrying the hand-over with backoff while Temporal is cut off, and answers after it is restored', async () => {
    await proxy.cut();
    sockets.latest.emitMessages([{ key: { id: 'INBOX-1', remoteJid: CONTACT_JID, fromMe: false }, messageTimestamp: Math.floor(Date.now() / 1000), pushName: 'רוני', message: { conversation: 'שלום' } }]);

    // Stored at once, not delivered; the first hand-over and at least one sweep failed.
    const waiting = await waitFor(() => inboundRow('INBOX-1'), (row) => (row?.deliveryAttempts ?? 0) >= 2, 60_000);
    expect(waiting).toMatchObject({ direction: 'inbound', body: 'שלום', deliveredAt: null });
    expect(waiting!.deliveryAttempts).toBeGreaterThanOrEqual(2);
    expect(waiting!.nextDeliveryAt).not.toBeNull();
    expect(sentToContact()).toHaveLength(0);

    await proxy.restore();
    const answered = await waitFor(sentToContact, (sent) => sent.length >= 1, 90_000);
    expect(answered).toHaveLength(1);
    expect(answered[0]!.content.text).toContain('מספרת האינבוקס');
    const delivered = await waitFor(() => inboundRow('INBOX-1'), (row) => row?.deliveredAt !== null);
    expect(delivered!.deliveredAt).toBeInstanceOf(Date);
    expect(delivered!.nextDeliveryAt).toBeNull();

    // Nothing left for the sweeper, and no second answer.
    expect((await service.inbox.sweep()).claimed).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sentToContact()).toHaveLength(1);
  }, 180_000);

  it('hands a message on at once when Temporal answers (no sweep needed)', async () => {
    sockets.latest.emitMessages([{ key: { id: 'INBOX-2', remoteJid: CONTACT_JID, fromMe: false }, messageTimestamp: Math.floor(Date.now() / 1000), message: { conversation: 'תודה' } }]);
    const row = await waitFor(() => inboundRow('INBOX-2'), (found) => Boolean(found?.deliveredAt), 60_000);
    expect(row).toMatchObject({ deliveryAttempts: 0 });
    await waitFor(sentToContact, (sent) => sent.length >= 2, 60_000);
  }, 120_000);
});
