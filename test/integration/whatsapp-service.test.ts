import { Message, Notification, WhatsappConnection, type Database } from '../../data';
import { bookAppointment } from '../../orchestration';
import { whatsappMessageIdFor } from '../../activities/whatsapp';
import { FakeBaileysSocketFactory } from '../../devtools/fakes/baileys-socket-fake';
import { hasStoredCreds } from '../../whatsapp/auth-state';
import { messageStoreGetMessage } from '../../whatsapp/inbound';
import { startWhatsapp, type StartedWhatsapp } from '../../whatsapp';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { waitFor } from '../support/wait';
import { openAroundTheClock, startConversationWorker, whatsappServiceConfig, type ConversationWorker } from '../support/whatsapp';

const CONTACT_JID = '972505556677@s.whatsapp.net';

describe('whatsapp service (Baileys sessions, fake sockets)', () => {
  let db: Database;
  let worker: ConversationWorker;
  let service: StartedWhatsapp;
  let businessId: string;
  const sockets = new FakeBaileysSocketFactory();

  const connectionRow = () => db.withTenant({ businessId }, () => WhatsappConnection.findOne({ rejectOnEmpty: true }));

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'מספרת הוואטסאפ');
    await openAroundTheClock(db, businessId);
    await db.withTenant({ businessId }, () => WhatsappConnection.create({ businessId, provider: 'baileys', wanted: true, outboundPerMinute: 100 }));
    worker = await startConversationWorker(db, 'whatsapp-service');
    const config = whatsappServiceConfig(worker.taskQueue);
    service = await startWhatsapp(config, { logger: testLogger, openSocket: sockets.create, ownerId: `svc-${process.pid}`, onlyBusinessIds: [businessId] });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await worker?.stop();
    await db?.close();
  });

  it('shows the QR in the database, links, stores creds, and answers an inbound message through the session socket', async () => {
    await waitFor(() => sockets.sockets.length, (n) => n === 1);
    sockets.latest.emitQr('2@qr-for-the-crm');
    expect(await waitFor(connectionRow, (row) => row.status === 'qr')).toMatchObject({ status: 'qr', qr: '2@qr-for-the-crm' });

    sockets.latest.emitCredsUpdate({ me: { id: '97233004455:2@s.whatsapp.net' } });
    sockets.latest.emitOpen();
    expect(await waitFor(connectionRow, (row) => row.status === 'open')).toMatchObject({ status: 'open', qr: null });
    expect(await waitFor(() => hasStoredCreds(db, businessId), Boolean)).toBe(true);

    sockets.latest.emitMessages([{ key: { id: 'IN-1', remoteJid: CONTACT_JID, fromMe: false }, messageTimestamp: Math.floor(Date.now() / 1000), pushName: 'אבי', message: { conversation: 'שלום' } }]);
    const sent = await waitFor(() => sockets.latest.sent, (list) => list.length === 1, 60_000);
    expect(sent[0]).toMatchObject({ jid: CONTACT_JID });
    expect(sent[0]!.content.text).toContain('מספרת הוואטסאפ');

    // Recorded under its idempotency key, sent under the id derived from it, and kept for getMessage.
    const outbound = await waitFor(() => db.withTenant({ businessId }, () => Message.findOne({ where: { direction: 'outbound' } })), (row) => row?.status === 'sent');
    expect(outbound!.providerMessageId).toBe(sent[0]!.id);
    expect(outbound!.providerMessageId).toBe(whatsappMessageIdFor(businessId, outbound!.idempotencyKey!));
    expect(await messageStoreGetMessage(db, businessId)({ id: sent[0]!.id })).toEqual({ conversation: sent[0]!.content.text });
  });

  it('sends an appointment confirmation through the open Baileys session, once, and not by SMS', async () => {
    const startsAt = new Date(Math.ceil((Date.now() + 3 * 86_400_000) / 1_800_000) * 1_800_000).toISOString();
    const outcome = await bookAppointment(worker.client, {
      taskQueue: worker.taskQueue,
      request: { businessId, idempotencyKey: `svc-booking-${process.pid}`, customer: { fullName: 'אבי', phone: '+972505556677' }, startsAt, source: 'whatsapp' },
      reminderOffsetsMs: [],
    });
    expect(outcome.kind).toBe('held');
    const confirmation = await waitFor(
      () => db.withTenant({ businessId }, () => Notification.findOne({ where: { kind: 'appointment_confirmed' } })),
      (row) => row?.status === 'sent',
      60_000,
    );
    expect(confirmation).toMatchObject({ channel: 'whatsapp', provider: 'baileys', status: 'sent' });
    const onSocket = sockets.latest.sent.filter((m) => m.id === confirmation!.providerMessageId);
    expect(onSocket).toHaveLength(1);
    expect(onSocket[0]).toMatchObject({ jid: CONTACT_JID });
    expect(onSocket[0]!.content.text).toContain('נקבע');
    await worker.client.workflow.getHandle(outcome.workflowId).terminate('test over');
  });

  it('clears the linked device when the phone logs it out (401) and stops until the owner connects again', async () => {
    sockets.latest.emitClose(401, 'Connection Failure');
    const row = await waitFor(connectionRow, (r) => r.status === 'logged_out');
    expect(row).toMatchObject({ status: 'logged_out', wanted: false });
    expect(await hasStoredCreds(db, businessId)).toBe(false);
    const before = sockets.sockets.length;
    await service.leases.tick();
    await service.leases.tick();
    expect(sockets.sockets.length).toBe(before);
    expect(service.sessions.size).toBe(0);
  });
});
