import { Conversation, Message, type Database } from '../../data';
import { FakeBaileysSocketFactory } from '../../devtools/fakes/baileys-socket-fake';
import { SessionConnection } from '../../whatsapp/connection-machine';
import { acceptBaileysUpsert, messageStoreGetMessage } from '../../whatsapp/inbound';
import type { StoredInbound } from '../../whatsapp/message-store';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';
import { waitFor } from '../support/wait';

const CONTACT_JID = '972501112233@s.whatsapp.net';

function textMessage(id: string, text: string, jid = CONTACT_JID, extra: Record<string, unknown> = {}) {
  return { key: { id, remoteJid: jid, fromMe: false }, messageTimestamp: 1_763_900_000, pushName: 'דנה', message: { conversation: text }, ...extra };
}

describe('WhatsApp inbound messages', () => {
  let db: Database;
  let businessId: string;
  const handedOn: StoredInbound[][] = [];
  const listener = (_businessId: string, messages: StoredInbound[]) => Promise.resolve(void handedOn.push(messages));

  beforeAll(async () => {
    db = openAppDatabase();
    businessId = await createBusiness(db, 'WhatsApp inbound');
  });

  afterAll(async () => {
    await db.close();
  });

  it('stores every message of a batch once on the contact\'s conversation, with media noted, and skips what is not a customer message', async () => {
    const batch = [
      textMessage('M1', 'שלום, אפשר לקבוע תור?'),
      { key: { id: 'M2', remoteJid: CONTACT_JID, fromMe: false }, messageTimestamp: 1_763_900_010, message: { extendedTextMessage: { text: 'למחר בעשר' } } },
      {
        key: { id: 'M3', remoteJid: CONTACT_JID, fromMe: false },
        messageTimestamp: 1_763_900_020,
        message: { ephemeralMessage: { message: { imageMessage: { mimetype: 'image/jpeg', fileLength: 48213, caption: 'הנה תמונה' } } } },
      },
      { key: { id: 'M4', remoteJid: CONTACT_JID, fromMe: false }, message: { documentMessage: { mimetype: 'application/pdf', fileLength: { low: 1024, high: 0, unsigned: true, toString: () => '1024' } } } },
      textMessage('OWN', 'our own echo', CONTACT_JID, { key: { id: 'OWN', remoteJid: CONTACT_JID, fromMe: true } }),
      textMessage('GROUP', 'in a group', '120363025246125486@g.us'),
      textMessage('STATUS', 'a status', 'status@broadcast'),
      { key: { id: 'PROTO', remoteJid: CONTACT_JID, fromMe: false }, message: { protocolMessage: { type: 0 } } },
    ];
    const stored = await acceptBaileysUpsert({ db, logger: testLogger, listener }, businessId, { messages: batch as never, type: 'notify' });
    expect(stored.map((m) => m.providerMessageId)).toEqual(['M1', 'M2', 'M3', 'M4']);
    expect(handedOn).toHaveLength(1);
    expect(handedOn[0]!.map((m) => m.body)).toEqual(['שלום, אפשר לקבוע תור?', 'למחר בעשר', 'הנה תמונה', null]);

    // The same batch again (a redelivery after reconnect): nothing new stored or handed on.
    const again = await acceptBaileysUpsert({ db, logger: testLogger, listener }, businessId, { messages: batch as never, type: 'append' });
    expect(again.every((m) => !m.isNew)).toBe(true);
    expect(handedOn).toHaveLength(1);

    const { conversations, messages } = await db.withTenant({ businessId }, async () => ({
      conversations: await Conversation.findAll(),
      messages: await Message.findAll({ order: [['providerMessageId', 'ASC']] }),
    }));
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ contactE164: '+972501112233', contactName: 'דנה', unreadCount: 4, channel: 'whatsapp', provider: 'baileys' });
    expect(messages.map((m) => [m.providerMessageId, m.direction, m.mediaType, m.mediaSizeBytes])).toEqual([
      ['M1', 'inbound', null, null],
      ['M2', 'inbound', null, null],
      ['M3', 'inbound', 'image/jpeg', 48213],
      ['M4', 'inbound', 'application/pdf', 1024],
    ]);
  });

  it('answers Baileys\' getMessage from the message store', async () => {
    const getMessage = messageStoreGetMessage(db, businessId);
    expect(await getMessage({ id: 'M1', remoteJid: CONTACT_JID })).toEqual({ conversation: 'שלום, אפשר לקבוע תור?' });
    expect(await getMessage({ id: 'UNKNOWN' })).toBeUndefined();
  });

  it('stores messages.upsert emitted by a live session socket', async () => {
    const sockets = new FakeBaileysSocketFactory();
    const connection = new SessionConnection({
      businessId,
      logger: testLogger,
      openSocket: () => Promise.resolve(sockets.create()),
      saveCreds: () => Promise.resolve(),
      clearAuthState: () => Promise.resolve(),
      onStatus: () => undefined,
      onMessages: (upsert) => acceptBaileysUpsert({ db, logger: testLogger, listener }, businessId, upsert).then(() => undefined),
      baseDelayMs: 1000,
      maxDelayMs: 10_000,
      maxQrCodes: 5,
      maxReconnectAttempts: 5,
    });
    await connection.start();
    sockets.latest.emitOpen();
    sockets.latest.emitMessages([textMessage('LIVE1', 'היי'), textMessage('LIVE2', 'יש מקום ביום שלישי?', '972509998877@s.whatsapp.net')]);
    const count = await waitFor(() => db.withTenant({ businessId }, () => Conversation.count()), (n) => n === 2);
    expect(count).toBe(2);
    await connection.stop();
  });

  it('keeps an oversized text cut at the limit (a linked device cannot refuse it), so the CRM and the assistant get at most that', async () => {
    const long = 'א'.repeat(500);
    const [stored] = await acceptBaileysUpsert({ db, logger: testLogger, listener, maxBodyChars: 100 }, businessId, { messages: [textMessage('LONG-1', long)] as never, type: 'notify' });
    expect(stored!.body).toHaveLength(100);
    expect(stored!.body!.endsWith('…')).toBe(true);
    const row = await db.withTenant({ businessId }, () => Message.findOne({ where: { providerMessageId: 'LONG-1' }, rejectOnEmpty: true }));
    expect(row.body).toBe(stored!.body);
  });
});
