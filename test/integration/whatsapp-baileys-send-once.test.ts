import { ApplicationFailure } from '@temporalio/common';
import { createWhatsappActivities, type SendWhatsappInput } from '../../activities/whatsapp';
import { Message, WhatsappConnection, type Database } from '../../data';
import { FakeBaileysSocket } from '../../devtools/fakes/baileys-socket-fake';
import { LogMessageProvider } from '../../platform/messaging';
import { WHATSAPP_FAILURE_TYPES } from '../../temporal-config';
import { BaileysSessionSender } from '../../whatsapp/baileys-sender';
import type { SessionSocket } from '../../whatsapp/connection-machine';
import { messageStoreGetMessage } from '../../whatsapp/inbound';
import { conversationIdFor, recordOutboundAcks, type OutboundStatusUpdate } from '../../whatsapp/message-store';
import { createBusiness, openAppDatabase, testLogger } from '../support/infra';

const CONTACT = '+972509990011';
const CONTACT_JID = '972509990011@s.whatsapp.net';

/**
 * The send activity of a whatsapp process, against real PostgreSQL, with a fake
 * Baileys socket. "A process" is one sender + its activities: a crash is
 * modelled by abandoning one whose send never answered and retrying the activity
 * in a fresh one, as Temporal does after the timeout.
 */
describe('Baileys sends are recorded before and after sending, so a retry after a crash does not send twice', () => {
  let db: Database;
  let businessId: string;
  let conversationId: string;
  let counter = 0;

  beforeAll(async () => {
    db = openAppDatabase(4);
    businessId = await createBusiness(db, 'מספרת שליחה אחת');
    await db.withTenant({ businessId }, () => WhatsappConnection.create({ businessId, provider: 'baileys', wanted: true, status: 'open', outboundPerMinute: 1000 }));
    conversationId = await conversationIdFor(db, businessId, CONTACT, null, 'baileys');
  });

  afterAll(async () => {
    await db?.close();
  });

  /** One whatsapp process: its socket, and the send activity running on it. Acks the socket reports are recorded like the session does. */
  function whatsappProcess(socket = new FakeBaileysSocket(0)) {
    socket.ev.on('messages.update', (updates: OutboundStatusUpdate[]) => void recordOutboundAcks(db, businessId, updates));
    const sender = new BaileysSessionSender({ socketOf: () => ({ held: true, socket: socket as unknown as SessionSocket }) });
    const { sendWhatsappMessage } = createWhatsappActivities({ db, logger: testLogger, messages: new LogMessageProvider(testLogger), whatsappSenders: { baileys: sender } });
    return { socket, send: sendWhatsappMessage };
  }

  const input = (): SendWhatsappInput => ({ businessId, conversationId, to: CONTACT, body: `תזכורת ${++counter}`, idempotencyKey: `send-once/${process.pid}/${counter}`, authorUserId: null });
  const row = (key: string) => db.withTenant({ businessId }, () => Message.findOne({ where: { idempotencyKey: key }, rejectOnEmpty: true }));

  /** Lets the abandoned attempt reach the socket (its send is written, its answer never comes). */
  async function crashAfterWriting(crashed: ReturnType<typeof whatsappProcess>, message: SendWhatsappInput): Promise<void> {
    crashed.socket.holdAnswers = true;
    void crashed.send(message);
    for (let i = 0; i < 100 && crashed.socket.sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(crashed.socket.sent).toHaveLength(1);
  }

  it('records the attempt and its WhatsApp message id before the send; a retry in a new process does not send again, and the server ack settles it', async () => {
    const message = input();
    const crashed = whatsappProcess();
    await crashAfterWriting(crashed, message);
    const attempt = await row(message.idempotencyKey);
    expect(attempt).toMatchObject({ status: 'sending', attempts: 1, providerMessageId: crashed.socket.sent[0]!.id });
    // getMessage can already answer for it (WhatsApp asks for it on a retry receipt).
    expect(await messageStoreGetMessage(db, businessId)({ id: attempt.providerMessageId! })).toEqual({ conversation: message.body });

    const restarted = whatsappProcess();
    const retry = restarted.send(message);
    await expect(retry).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(retry).rejects.toMatchObject({ type: WHATSAPP_FAILURE_TYPES.sendUnconfirmed, nonRetryable: true });
    expect(restarted.socket.sent).toHaveLength(0);
    expect(await row(message.idempotencyKey)).toMatchObject({ status: 'unconfirmed', attempts: 1 });
    // Retried again: still nothing sent.
    await expect(restarted.send(message)).rejects.toMatchObject({ type: WHATSAPP_FAILURE_TYPES.sendUnconfirmed });
    expect(restarted.socket.sent).toHaveLength(0);

    // WhatsApp's server ack of that id reaches the new session: the message is sent after all.
    restarted.socket.emitMessageStatus(attempt.providerMessageId!, 2, CONTACT_JID);
    for (let i = 0; i < 100 && (await row(message.idempotencyKey)).status !== 'sent'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await row(message.idempotencyKey)).toMatchObject({ status: 'sent', lastError: null });
    await expect(restarted.send(message)).resolves.toMatchObject({ status: 'sent', providerMessageId: attempt.providerMessageId });
    expect(crashed.socket.sent.length + restarted.socket.sent.length).toBe(1);
  });

  it('a retry that finds the server ack already recorded returns sent without sending', async () => {
    const message = input();
    const crashed = whatsappProcess();
    await crashAfterWriting(crashed, message);
    const id = crashed.socket.sent[0]!.id;
    crashed.socket.emitMessageStatus(id, 3, CONTACT_JID);
    const restarted = whatsappProcess();
    for (let i = 0; i < 100 && (await row(message.idempotencyKey)).status !== 'sent'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(restarted.send(message)).resolves.toMatchObject({ status: 'sent', providerMessageId: id });
    expect(restarted.socket.sent).toHaveLength(0);
  });

  it('a retry in the same process while the first attempt still runs (activity timeout) waits for it instead of sending again', async () => {
    const message = input();
    const one = whatsappProcess();
    one.socket.holdAnswers = true;
    const first = one.send(message);
    for (let i = 0; i < 100 && one.socket.sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const retry = one.send(message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The slow socket answers: the first attempt and the retry both end in the one message.
    one.socket.releaseHeldAnswers();
    await expect(retry).resolves.toMatchObject({ status: 'sent', providerMessageId: one.socket.sent[0]!.id });
    await expect(first).resolves.toMatchObject({ status: 'sent' });
    expect(one.socket.sent).toHaveLength(1);
    expect(await row(message.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a send that Baileys rejects before writing is undone and sent once by the retry', async () => {
    const message = input();
    const one = whatsappProcess();
    one.socket.sendFailure = new Error('Connection Closed');
    await expect(one.send(message)).rejects.toThrow('WhatsApp did not take the message');
    expect(await row(message.idempotencyKey)).toMatchObject({ status: 'pending', attempts: 1 });
    one.socket.sendFailure = null;
    await expect(one.send(message)).resolves.toMatchObject({ status: 'sent' });
    await expect(one.send(message)).resolves.toMatchObject({ status: 'sent' });
    expect(one.socket.sent).toHaveLength(1);
    expect(await row(message.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
