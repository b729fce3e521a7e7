import type { Router } from 'express';
import { QueryTypes } from 'sequelize';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiKey, Appointment, AssistantInstruction, AssistantSettings, Business, Call, Conversation, FaqEntry, Lead, Message, Notification, Task, WhatsappConnection } from '../../data';
import { LocalRecordingStorage } from '../../platform/recordings/storage';
import { LogMessageProvider } from '../../platform/messaging';
import type { AnyRoute } from '../../api/routes/registry';
import { issueApiKey } from '../../api/auth/api-keys';
import { createActivities, type Activities } from '../../activities';
import { testLogger, withAdminClient } from '../support/infra';
import { Client, createTestBusiness, startTestApi, uniqueEmail, type TestApi, type TestBusiness } from '../support/accounts';
import { createBillingFixtures, type BillingFixtures } from '../support/billing';

/**
 * Every route of the API, called by every role of business A (and by A's API keys)
 * against business B's resources: nothing of B comes back, nothing of B changes.
 * A route added without a case here fails the test.
 */

type Expectation =
  /** The request names a resource of B: must answer 403 or 404. */
  | 'b-target'
  /** The request runs in the caller's own scope: any non-5xx, but no trace of B in the answer. */
  | 'own-scope'
  /** No caller needed (login, reset): any non-5xx, no trace of B. */
  | 'public';

interface Case {
  method: string;
  path: string;
  body?: unknown;
  expect: Expectation;
  /** Ends the caller's session (sign in again afterwards). */
  endsSession?: boolean;
  /** Strings of B that may legitimately appear (e.g. the id A asked for, echoed in A's own audit log). */
  allowInBody?: (b: BFixtures) => string[];
}

interface BFixtures {
  taskId: string;
  biz: TestBusiness;
  keyId: string;
  keyPrefix: string;
  leadId: string;
  appointmentId: string;
  callId: string;
  faqId: string;
  billing: BillingFixtures;
  conversationId: string;
}

const RANGE = 'from=2031-01-01T00:00:00Z&to=2031-01-31T00:00:00Z';

const NEW_PASSWORD = 'a perfectly fine passphrase';

const CASES: Record<string, (b: BFixtures) => Case> = {
  'auth.login': (b) => ({ method: 'POST', path: '/auth/login', body: { email: b.biz.users.agent.email, password: 'not the password' }, expect: 'public' }),
  'auth.logout': () => ({ method: 'POST', path: '/auth/logout', body: {}, expect: 'own-scope', endsSession: true }),
  'auth.me': () => ({ method: 'GET', path: '/auth/me', expect: 'own-scope' }),
  // The case's own body is wrong on purpose (a 400): a successful change would end the caller's session.
  'auth.changePassword': () => ({ method: 'POST', path: '/auth/password', body: { currentPassword: 'not the password', newPassword: NEW_PASSWORD }, expect: 'own-scope' }),
  'auth.passwordReset.request': (b) => ({ method: 'POST', path: '/auth/password-reset', body: { email: b.biz.users.owner.email }, expect: 'public' }),
  'auth.passwordReset.confirm': () => ({ method: 'POST', path: '/auth/password-reset/confirm', body: { token: 'x'.repeat(43), password: NEW_PASSWORD }, expect: 'public' }),
  'users.list': () => ({ method: 'GET', path: '/users', expect: 'own-scope' }),
  'users.export': () => ({ method: 'GET', path: '/users/export', expect: 'own-scope' }),
  'users.get': (b) => ({ method: 'GET', path: `/users/${b.biz.users.agent.id}`, expect: 'b-target' }),
  'users.create': () => ({ method: 'POST', path: '/users', body: { email: uniqueEmail('matrix'), fullName: 'Matrix', role: 'agent', invite: 'temporary_password' }, expect: 'own-scope' }),
  'users.update': (b) => ({ method: 'PATCH', path: `/users/${b.biz.users.agent.id}`, body: { fullName: 'pwned' }, expect: 'b-target' }),
  'users.changeRole': (b) => ({ method: 'POST', path: `/users/${b.biz.users.agent.id}/role`, body: { role: 'owner' }, expect: 'b-target' }),
  'users.deactivate': (b) => ({ method: 'POST', path: `/users/${b.biz.users.admin.id}/deactivate`, expect: 'b-target' }),
  'users.reactivate': (b) => ({ method: 'POST', path: `/users/${b.biz.users.admin.id}/reactivate`, expect: 'b-target' }),
  'users.delete': (b) => ({ method: 'DELETE', path: `/users/${b.biz.users.agent.id}`, expect: 'b-target' }),
  'businesses.list': () => ({ method: 'GET', path: '/businesses', expect: 'own-scope' }),
  'businesses.get': (b) => ({ method: 'GET', path: `/businesses/${b.biz.id}`, expect: 'b-target' }),
  'businesses.create': () => ({ method: 'POST', path: '/businesses', body: { name: 'Matrix Biz', owner: { email: uniqueEmail('mowner'), fullName: 'M' } }, expect: 'own-scope' }),
  'business.get': () => ({ method: 'GET', path: '/business', expect: 'own-scope' }),
  'business.updateSettings': () => ({ method: 'PATCH', path: '/business', body: { recordingEnabled: false }, expect: 'own-scope' }),
  'impersonation.status': () => ({ method: 'GET', path: '/impersonation', expect: 'own-scope' }),
  'impersonation.start': (b) => ({ method: 'POST', path: '/impersonation', body: { businessId: b.biz.id, userId: b.biz.users.owner.id }, expect: 'b-target' }),
  'impersonation.stop': () => ({ method: 'DELETE', path: '/impersonation', expect: 'own-scope' }),
  'apiKeys.list': () => ({ method: 'GET', path: '/api-keys', expect: 'own-scope' }),
  'apiKeys.create': () => ({ method: 'POST', path: '/api-keys', body: { name: 'matrix', scopes: ['read'] }, expect: 'own-scope' }),
  'apiKeys.revoke': (b) => ({ method: 'DELETE', path: `/api-keys/${b.keyId}`, expect: 'b-target' }),
  // A's own audit log records A's denied ?businessId= attempts: the B ids A itself sent (in the
  // requested business and path). Names, emails and anything A did not send must never appear.
  'auditLog.list': () => ({
    method: 'GET',
    path: '/audit-log?limit=200',
    expect: 'own-scope',
    allowInBody: (b) => [b.biz.id, b.keyId, ...Object.values(b.biz.users).map((u) => u.id)],
  }),
  'auditLog.all': () => ({ method: 'GET', path: '/audit-log/all', expect: 'own-scope' }),
  openapi: () => ({ method: 'GET', path: '/openapi.json', expect: 'public' }),
  'availability.list': () => ({ method: 'GET', path: `/availability?${RANGE}`, expect: 'own-scope' }),
  'appointments.list': () => ({ method: 'GET', path: `/appointments?${RANGE}`, expect: 'own-scope' }),
  'appointments.create': () => ({ method: 'POST', path: '/appointments', body: { name: 'Matrix caller', phone: '0501234567', start: '2031-01-07T09:00:00Z' }, expect: 'own-scope' }),
  'appointments.reschedule': (b) => ({ method: 'POST', path: `/appointments/${b.appointmentId}/reschedule`, body: { start: '2031-01-07T10:00:00Z' }, expect: 'b-target' }),
  'appointments.cancel': (b) => ({ method: 'POST', path: `/appointments/${b.appointmentId}/cancel`, expect: 'b-target' }),
  'leads.list': () => ({ method: 'GET', path: '/leads?search=Lead', expect: 'own-scope' }),
  'leads.create': () => ({ method: 'POST', path: '/leads', body: { fullName: 'Matrix lead', phone: '0527654321' }, expect: 'own-scope' }),
  'leads.get': (b) => ({ method: 'GET', path: `/leads/${b.leadId}`, expect: 'b-target' }),
  'leads.update': (b) => ({ method: 'PATCH', path: `/leads/${b.leadId}`, body: { fullName: 'pwned' }, expect: 'b-target' }),
  'leads.delete': (b) => ({ method: 'DELETE', path: `/leads/${b.leadId}`, expect: 'b-target' }),
  'leads.setReminder': (b) => ({ method: 'POST', path: `/leads/${b.leadId}/reminder`, body: { remindAt: '2031-01-07T09:00:00Z' }, expect: 'b-target' }),
  'leads.cancelReminder': (b) => ({ method: 'DELETE', path: `/leads/${b.leadId}/reminder`, expect: 'b-target' }),
  'settings.booking.get': () => ({ method: 'GET', path: '/business/booking-settings', expect: 'own-scope' }),
  'settings.hours.set': () => ({ method: 'PUT', path: '/business/hours', body: { '1': [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '20:00' }] }, expect: 'own-scope' }),
  'settings.closedDates.set': () => ({ method: 'PUT', path: '/business/closed-dates', body: { closedDates: ['2031-04-01'] }, expect: 'own-scope' }),
  'settings.bookingRules.set': () => ({
    method: 'PUT',
    path: '/business/booking-rules',
    body: { slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 60, bookingWindowDays: 60, maxBookingsPerDay: null },
    expect: 'own-scope',
  }),
  'settings.reminders.set': () => ({ method: 'PUT', path: '/business/reminders', body: { reminderOffsetsMinutes: [1440, 120] }, expect: 'own-scope' }),
  // Status keys are the business's own names ('new' exists in A and B alike): A acts on its own.
  'leadStatuses.list': () => ({ method: 'GET', path: '/lead-statuses', expect: 'own-scope' }),
  'leadStatuses.create': () => ({ method: 'POST', path: '/lead-statuses', body: { labelHe: 'מטריצה', labelEn: 'Matrix', color: '#123456' }, expect: 'own-scope' }),
  'leadStatuses.update': () => ({ method: 'PUT', path: '/lead-statuses/new', body: { labelHe: 'חדש', labelEn: 'New', color: '#2563eb' }, expect: 'own-scope' }),
  'leadStatuses.move': () => ({ method: 'POST', path: '/lead-statuses/new/move', body: { direction: 'down' }, expect: 'own-scope' }),
  'leadStatuses.delete': () => ({ method: 'DELETE', path: '/lead-statuses/matrix?moveLeadsTo=new', expect: 'own-scope' }),
  'leads.import': () => ({ method: 'POST', path: '/leads/import', body: { csv: 'name,phone\r\nMatrix import,0527654322' }, expect: 'own-scope' }),
  'tasks.list': () => ({ method: 'GET', path: '/tasks?status=open', expect: 'own-scope' }),
  // Naming B's lead from A is refused like any unknown reference (400), and nothing is created in B.
  'tasks.create': (b) => ({ method: 'POST', path: '/tasks', body: { title: 'Matrix task', leadId: b.leadId }, expect: 'own-scope' }),
  'tasks.update': (b) => ({ method: 'PATCH', path: `/tasks/${b.taskId}`, body: { status: 'done' }, expect: 'b-target' }),
  'tasks.delete': (b) => ({ method: 'DELETE', path: `/tasks/${b.taskId}`, expect: 'b-target' }),
  'calls.list': () => ({ method: 'GET', path: '/calls', expect: 'own-scope' }),
  'calls.get': (b) => ({ method: 'GET', path: `/calls/${b.callId}`, expect: 'b-target' }),
  'calls.recording': (b) => ({ method: 'GET', path: `/calls/${b.callId}/recording`, expect: 'b-target' }),
  // Without Twilio in the test worker the call is refused (422); nothing is dialed or stored in B.
  'calls.create': () => ({ method: 'POST', path: '/calls', body: { to: '0529990001' }, expect: 'own-scope' }),
  'assistant.get': () => ({ method: 'GET', path: '/assistant', expect: 'own-scope' }),
  'assistant.updateSettings': () => ({
    method: 'PUT',
    path: '/assistant/settings',
    body: { assistantName: 'מטריצה', greeting: 'שלום', voice: 'ash', vadThreshold: 0.5, vadPrefixPaddingMs: 300, vadSilenceDurationMs: 600 },
    expect: 'own-scope',
  }),
  'assistant.addInstructions': () => ({ method: 'POST', path: '/assistant/instructions', body: { channel: 'voice', body: 'matrix instructions' }, expect: 'own-scope' }),
  // Version 1 of B exists; A restoring "version 1" finds only its own (or nothing: 404).
  'assistant.restoreInstructions': () => ({ method: 'POST', path: '/assistant/instructions/restore', body: { channel: 'voice', version: 1 }, expect: 'own-scope' }),
  'faq.create': () => ({ method: 'POST', path: '/assistant/faq', body: { question: 'matrix?', answer: 'yes' }, expect: 'own-scope' }),
  'faq.update': (b) => ({ method: 'PATCH', path: `/assistant/faq/${b.faqId}`, body: { answer: 'pwned' }, expect: 'b-target' }),
  'faq.delete': (b) => ({ method: 'DELETE', path: `/assistant/faq/${b.faqId}`, expect: 'b-target' }),
  'billing.offers.list': () => ({ method: 'GET', path: '/billing/offers', expect: 'own-scope' }),
  // Naming B's lead from A is refused as an unknown reference (400); nothing is created in B.
  'billing.offers.create': (b) => ({ method: 'POST', path: '/billing/offers', body: { leadId: b.leadId, title: 'Matrix offer', lines: [{ description: 'x', quantity: 1, unitPriceAgorot: 100 }] }, expect: 'own-scope' }),
  'billing.offers.get': (b) => ({ method: 'GET', path: `/billing/offers/${b.billing.offerId}`, expect: 'b-target' }),
  'billing.offers.update': (b) => ({ method: 'PATCH', path: `/billing/offers/${b.billing.offerId}`, body: { title: 'pwned' }, expect: 'b-target' }),
  'billing.offers.delete': (b) => ({ method: 'DELETE', path: `/billing/offers/${b.billing.offerId}`, expect: 'b-target' }),
  'billing.offers.send': (b) => ({ method: 'POST', path: `/billing/offers/${b.billing.offerId}/send`, expect: 'b-target' }),
  'billing.offers.cancel': (b) => ({ method: 'POST', path: `/billing/offers/${b.billing.sentOfferId}/cancel`, expect: 'b-target' }),
  'billing.contracts.list': () => ({ method: 'GET', path: '/billing/contracts', expect: 'own-scope' }),
  'billing.contracts.pdf': (b) => ({ method: 'GET', path: `/billing/contracts/${b.billing.contractId}/pdf`, expect: 'b-target' }),
  'billing.invoices.list': () => ({ method: 'GET', path: '/billing/invoices', expect: 'own-scope' }),
  'billing.invoices.recordPayment': (b) => ({ method: 'POST', path: `/billing/invoices/${b.billing.invoiceId}/payments`, body: { method: 'cash' }, expect: 'b-target' }),
  'billing.invoices.creditNote': (b) => ({ method: 'POST', path: `/billing/invoices/${b.billing.invoiceId}/credit-note`, body: { reason: 'pwned' }, expect: 'b-target' }),
  'billing.payments.list': () => ({ method: 'GET', path: '/billing/payments', expect: 'own-scope' }),
  'billing.receipts.list': () => ({ method: 'GET', path: '/billing/receipts', expect: 'own-scope' }),
  'billing.invoices.pdf': (b) => ({ method: 'GET', path: `/billing/invoices/${b.billing.invoiceId}/pdf`, expect: 'b-target' }),
  'billing.receipts.pdf': (b) => ({ method: 'GET', path: `/billing/receipts/${b.billing.receiptId}/pdf`, expect: 'b-target' }),
  'billing.taxIdentity.get': () => ({ method: 'GET', path: '/billing/tax-identity', expect: 'own-scope' }),
  'billing.taxIdentity.update': () => ({ method: 'PUT', path: '/billing/tax-identity', body: { taxId: '000000018', dealerType: 'licensed', billingAddress: null }, expect: 'own-scope' }),
  'billing.templates.list': () => ({ method: 'GET', path: '/billing/contract-templates', expect: 'own-scope' }),
  'billing.templates.create': () => ({ method: 'POST', path: '/billing/contract-templates', body: { name: 'Matrix', locale: 'he', paragraphs: ['שלום {{customer.name}}'] }, expect: 'own-scope' }),
  'billing.templates.update': (b) => ({ method: 'PATCH', path: `/billing/contract-templates/${b.billing.templateId}`, body: { paragraphs: ['pwned'] }, expect: 'b-target' }),
  'billing.templates.delete': (b) => ({ method: 'DELETE', path: `/billing/contract-templates/${b.billing.templateId}`, expect: 'b-target' }),
  // Public: B's contract without its token is an invalid link; nothing of B comes back.
  'billing.signing.get': (b) => ({ method: 'GET', path: `/billing/signing/${b.billing.contractId}?token=${'A'.repeat(43)}`, expect: 'public' }),
  'billing.signing.sign': (b) => ({
    method: 'POST',
    path: `/billing/signing/${b.billing.contractId}`,
    body: { token: 'A'.repeat(43), typedName: 'Matrix', signaturePng: 'data:image/png;base64,iVBORw0KGgo=', consent: true, documentHash: 'a'.repeat(64) },
    expect: 'public',
  }),
  // Public: an unsigned "payment" for B's invoice is refused (403) and records nothing.
  'billing.webhooks.card': (b) => ({
    method: 'POST',
    path: `/billing/webhooks/card/${b.biz.id}`,
    body: { id: 'evt_matrix', type: 'checkout.completed', data: { checkoutId: 'chk_matrix', invoiceId: b.billing.invoiceId, amount: 100, currency: 'ILS' } },
    expect: 'public',
  }),
  'whatsapp.conversations.list': () => ({ method: 'GET', path: '/whatsapp/conversations', expect: 'own-scope' }),
  'whatsapp.conversations.messages': (b) => ({ method: 'GET', path: `/whatsapp/conversations/${b.conversationId}/messages`, expect: 'b-target' }),
  'whatsapp.conversations.markRead': (b) => ({ method: 'POST', path: `/whatsapp/conversations/${b.conversationId}/read`, expect: 'b-target' }),
  'whatsapp.conversations.send': (b) => ({ method: 'POST', path: `/whatsapp/conversations/${b.conversationId}/messages`, body: { text: 'pwned' }, expect: 'b-target' }),
  'whatsapp.conversations.takeOver': (b) => ({ method: 'POST', path: `/whatsapp/conversations/${b.conversationId}/take-over`, expect: 'b-target' }),
  'whatsapp.conversations.handBack': (b) => ({ method: 'POST', path: `/whatsapp/conversations/${b.conversationId}/hand-back`, expect: 'b-target' }),
  'whatsapp.connection.get': () => ({ method: 'GET', path: '/whatsapp/connection', expect: 'own-scope' }),
  'whatsapp.connection.connect': () => ({ method: 'POST', path: '/whatsapp/connection', body: { provider: 'twilio' }, expect: 'own-scope' }),
  'whatsapp.connection.pairingCode': () => ({ method: 'POST', path: '/whatsapp/connection/pairing-code', body: { phone: '0501234567' }, expect: 'own-scope' }),
  'whatsapp.connection.logout': () => ({ method: 'POST', path: '/whatsapp/connection/logout', expect: 'own-scope' }),
};

/** Every (method, path) the Express router actually serves, found by walking its stack. */
function routerRoutes(router: Router): string[] {
  const found: string[] = [];
  const walk = (stack: Array<{ route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }>) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack as typeof stack);
    }
  };
  walk((router as unknown as { stack: Parameters<typeof walk>[0] }).stack);
  return found.sort();
}

async function snapshotOfB(b: BFixtures): Promise<Record<string, string>> {
  return withAdminClient(async (client) => {
    const digest = async (sql: string) => (await client.query<{ d: string | null }>(sql, [b.biz.id])).rows[0]!.d ?? 'empty';
    return {
      business: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|')) AS d FROM (SELECT * FROM businesses WHERE id = $1) x"),
      users: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM users WHERE business_id = $1) x"),
      apiKeys: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT id, name, scopes, revoked_at, business_id FROM api_keys WHERE business_id = $1) x"),
      leads: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM leads WHERE business_id = $1) x"),
      appointments: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM appointments WHERE business_id = $1) x"),
      tasks: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM tasks WHERE business_id = $1) x"),
      calls: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM calls WHERE business_id = $1) x"),
      faq: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM faq_entries WHERE business_id = $1) x"),
      instructions: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM assistant_instructions WHERE business_id = $1) x"),
      assistant: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM assistant_settings WHERE business_id = $1) x"),
      ...Object.fromEntries(
        await Promise.all(
          ['offers', 'offer_lines', 'contracts', 'contract_templates', 'invoices', 'payments', 'receipts'].map(async (table) => [
            table,
            await digest(`SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM ${table} WHERE business_id = $1) x`),
          ]),
        ),
      ),
      conversations: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM conversations WHERE business_id = $1) x"),
      whatsapp: await digest("SELECT md5(string_agg(row_to_json(x)::text, '|' ORDER BY x.id)) AS d FROM (SELECT * FROM whatsapp_connections WHERE business_id = $1) x"),
      sessions: await digest('SELECT count(*)::text AS d FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.business_id = $1'),
    };
  });
}

describe('isolation matrix: business A against business B, every route', () => {
  let t: TestApi;
  let a: TestBusiness;
  let b: BFixtures;
  let markersOfB: string[];
  const keysOfA: Record<'read' | 'readWrite', string> = { read: '', readWrite: '' };

  beforeAll(async () => {
    t = await startTestApi();
    a = await createTestBusiness(t.db, 'Matrix A');
    const bBiz = await createTestBusiness(t.db, 'Matrix B Secret Name');
    const issued = issueApiKey();
    const key = await t.db.withTenant({ businessId: bBiz.id }, () =>
      ApiKey.create({ businessId: bBiz.id, name: 'B key', prefix: issued.prefix, secretHash: issued.secretHash, scopes: ['read', 'write'] }),
    );
    const lead = await t.db.withTenant({ businessId: bBiz.id }, () => Lead.create({ businessId: bBiz.id, fullName: 'Lead of B', source: 'crm', phoneE164: '+972529990001' }));
    const appointment = await t.db.withTenant({ businessId: bBiz.id }, () =>
      Appointment.create({
        businessId: bBiz.id,
        leadId: lead.id,
        startsAt: new Date('2031-01-07T09:00:00Z'),
        endsAt: new Date('2031-01-07T09:30:00Z'),
        status: 'confirmed',
        workflowId: `booking/${bBiz.id}/matrix-b`,
      }),
    );
    const task = await t.db.withTenant({ businessId: bBiz.id }, () => Task.create({ businessId: bBiz.id, leadId: lead.id, title: 'Task of B' }));
    const { call, faq } = await t.db.withTenant({ businessId: bBiz.id }, async () => ({
      call: await Call.create({ businessId: bBiz.id, callSid: `CAmatrixB${Date.now()}`, direction: 'inbound', status: 'completed', summary: 'Summary of B', recordingPath: `${bBiz.id}/CAmatrixB/REmatrixB.mp3` }),
      faq: await FaqEntry.create({ businessId: bBiz.id, question: 'Question of B?', answer: 'Answer of B' }),
      instructions: await AssistantInstruction.create({ businessId: bBiz.id, channel: 'voice', version: 1, body: 'Instructions of B', isActive: true }),
    }));
    const billing = await createBillingFixtures(t.db, bBiz.id, lead.id);
    const conversation = await t.db.withTenant({ businessId: bBiz.id }, async () => {
      await WhatsappConnection.create({ businessId: bBiz.id, provider: 'baileys', wanted: false, status: 'open' });
      return Conversation.create({ businessId: bBiz.id, channel: 'whatsapp', contactE164: '+972529990001', unreadCount: 3 });
    });
    b = { biz: bBiz, keyId: key.id, keyPrefix: issued.prefix, leadId: lead.id, appointmentId: appointment.id, taskId: task.id, callId: call.id, faqId: faq.id, billing, conversationId: conversation.id };
    markersOfB = [
      bBiz.id, bBiz.name, key.id, issued.prefix, lead.id, appointment.id, task.id, conversation.id, 'Task of B', '+972529990001',
      call.id, call.callSid, 'Summary of B', faq.id, 'Answer of B', 'Instructions of B',
      ...Object.values(bBiz.users).flatMap((u) => [u.id, u.email]),
      ...billing.markers,
    ];
    const owner = new Client(t.base);
    await owner.login(a.users.owner.email);
    for (const [name, scopes] of [['read', ['read']], ['readWrite', ['read', 'write']]] as const) {
      const response = await owner.request<{ key: string }>('POST', '/api-keys', { name: `A ${name}`, scopes });
      keysOfA[name] = response.body.key;
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('covers every route the router serves, and the router serves exactly the route table', () => {
    const table = t.api.routes.map((route) => `${route.method} ${route.path}`).sort();
    expect(routerRoutes(t.api.router)).toEqual(table);
    const uncovered = t.api.routes.filter((route: AnyRoute) => !CASES[route.id]).map((route) => route.id);
    expect(uncovered).toEqual([]);
    for (const route of t.api.routes) {
      const sample = CASES[route.id]!(b);
      const samplePath = sample.path.split('?')[0]!.replace(/[0-9a-f-]{36}/g, ':id').replace(/^\/lead-statuses\/[a-z0-9_]+/, '/lead-statuses/:key');
      expect(`${sample.method} ${samplePath}`).toBe(`${route.method.toUpperCase()} ${route.path}`);
    }
  });

  const callers = [
    { label: 'owner session', kind: 'session' as const, role: 'owner' as const },
    { label: 'admin session', kind: 'session' as const, role: 'admin' as const },
    { label: 'agent session', kind: 'session' as const, role: 'agent' as const },
    { label: 'read API key', kind: 'key' as const, key: 'read' as const },
    { label: 'read+write API key', kind: 'key' as const, key: 'readWrite' as const },
  ];

  for (const caller of callers) {
    it(`${caller.label} of A never sees or changes B, on any route, with or without ?businessId=B`, async () => {
      const before = await snapshotOfB(b);
      const client = new Client(t.base);
      const connect = async () => {
        if (caller.kind === 'session') await client.login(a.users[caller.role].email);
        else client.bearer = keysOfA[caller.key];
      };
      await connect();
      const failures: string[] = [];
      for (const route of t.api.routes) {
        const sample = CASES[route.id]!(b);
        for (const override of [false, true]) {
          if (override && sample.expect === 'public') continue;
          const path = override ? `${sample.path}${sample.path.includes('?') ? '&' : '?'}businessId=${b.biz.id}` : sample.path;
          const response = await client.request(sample.method, path, sample.body);
          const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
          const allowed = new Set(sample.allowInBody?.(b) ?? []);
          const leaked = markersOfB.filter((marker) => !allowed.has(marker) && text.includes(marker));
          const where = `${route.id}${override ? ' ?businessId=B' : ''} → ${response.status}`;
          if (response.status >= 500) failures.push(`${where}: server error`);
          if (leaked.length) failures.push(`${where}: leaked ${leaked.join(', ')}`);
          if ((override || sample.expect === 'b-target') && ![403, 404].includes(response.status)) failures.push(`${where}: expected 403 or 404`);
          if (sample.endsSession && response.status < 300) await connect();
        }
      }
      expect(failures).toEqual([]);
      expect(await snapshotOfB(b)).toEqual(before);
    });
  }

  it("writes nothing into B's audit log but the attempts B should know about", async () => {
    const actions = await withAdminClient(async (client) =>
      (await client.query<{ action: string }>('SELECT DISTINCT action FROM audit_logs WHERE business_id = $1', [b.biz.id])).rows.map((r) => r.action).sort(),
    );
    expect(actions.every((action) => ['auth.login_failed', 'auth.password_reset_requested'].includes(action))).toBe(true);
  });
});

describe('isolation in raw SQL as the application role', () => {
  let t: TestApi;
  let a: TestBusiness;
  let b: TestBusiness;

  beforeAll(async () => {
    t = await startTestApi();
    a = await createTestBusiness(t.db, 'SQL A');
    b = await createTestBusiness(t.db, 'SQL B');
    await t.db.withTenant({ businessId: b.id }, () => Lead.create({ businessId: b.id, fullName: 'B lead', source: 'api' }));
  });
  afterAll(async () => {
    await t.close();
  });

  it('has row-level security enabled and forced on every table but the migration ledger', async () => {
    const tables = await withAdminClient(async (client) =>
      (
        await client.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
          "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
        )
      ).rows,
    );
    const unprotected = tables.filter((row) => row.relname !== 'schema_migrations' && !(row.relrowsecurity && row.relforcerowsecurity)).map((row) => row.relname);
    expect(unprotected).toEqual([]);
    expect(tables.map((row) => row.relname)).toEqual(expect.arrayContaining(['api_keys', 'auth_sessions', 'password_reset_tokens', 'login_throttles']));
  });

  it("finds, changes and deletes none of B's rows in any tenant table from A's context", async () => {
    const tenantTables = await withAdminClient(async (client) =>
      (
        await client.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'business_id' ORDER BY 1",
        )
      ).rows.map((row) => row.table_name),
    );
    expect(tenantTables).toEqual(expect.arrayContaining(['users', 'leads', 'api_keys', 'audit_logs']));
    const results = await t.db.withTenant({ businessId: a.id }, async (transaction) => {
      const out: Record<string, number[]> = {};
      for (const table of [...tenantTables, 'businesses']) {
        const column = table === 'businesses' ? 'id' : 'business_id';
        const [{ n }] = await t.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = :b`, {
          replacements: { b: b.id },
          type: QueryTypes.SELECT,
          transaction,
        }) as [{ n: number }];
        const savepoint = await t.db.sequelize.transaction({ transaction });
        let updated: number;
        let deleted: number;
        try {
          const [, u] = await t.db.sequelize.query(`UPDATE ${table} SET ${column} = ${column} WHERE ${column} = :b`, { replacements: { b: b.id }, transaction: savepoint });
          updated = (u as { rowCount: number }).rowCount;
          const [, d] = await t.db.sequelize.query(`DELETE FROM ${table} WHERE ${column} = :b`, { replacements: { b: b.id }, transaction: savepoint });
          deleted = (d as { rowCount: number }).rowCount;
          await savepoint.rollback();
        } catch (error) {
          await savepoint.rollback();
          // audit_logs is append-only for the app role: refusing is isolation too.
          if (!/permission denied/.test((error as Error).message)) throw error;
          updated = 0;
          deleted = 0;
        }
        out[table] = [n, updated, deleted];
      }
      return out;
    });
    for (const [table, counts] of Object.entries(results)) expect({ table, counts }).toEqual({ table, counts: [0, 0, 0] });
  });

  it('shows the system-only tables (sessions, reset tokens, lockouts) to no tenant, not even its own rows', async () => {
    await new Client(t.base).login(a.users.owner.email);
    const counts = await t.db.withTenant({ businessId: a.id }, async (transaction) => {
      const out: Record<string, number> = {};
      for (const table of ['auth_sessions', 'password_reset_tokens', 'login_throttles']) {
        const rows = await t.db.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`, { type: QueryTypes.SELECT, transaction });
        out[table] = rows[0]!.n;
      }
      return out;
    });
    expect(counts).toEqual({ auth_sessions: 0, password_reset_tokens: 0, login_throttles: 0 });
  });

  it('refuses to insert an API key into B from A', async () => {
    const issued = issueApiKey();
    await expect(
      t.db.withTenant({ businessId: a.id }, () => ApiKey.create({ businessId: b.id, name: 'x', prefix: issued.prefix, secretHash: issued.secretHash, scopes: ['read'] })),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('isolation in activities run for A', () => {
  let t: TestApi;
  let a: TestBusiness;
  let b: TestBusiness;

  beforeAll(async () => {
    t = await startTestApi();
    a = await createTestBusiness(t.db, 'Activity A');
    b = await createTestBusiness(t.db, 'Activity B');
    await t.db.withTenant({ businessId: b.id }, () => Lead.bulkCreate([{ businessId: b.id, fullName: 'B1', source: 'api' }, { businessId: b.id, fullName: 'B2', source: 'api' }]));
    await t.db.withTenant({ businessId: a.id }, () => Lead.create({ businessId: a.id, fullName: 'A1', source: 'api' }));
  });
  afterAll(async () => {
    await t.close();
  });

  /** One case per activity: run it for A and check the result holds A's rows only. A new activity without a case fails. */
  const bOnly = () =>
    t.db.withTenant({ businessId: b.id }, async () => ({ appointment: await Appointment.findByPk(bAppointmentId), leads: await Lead.count(), tasks: await Task.count() }));
  const ACTIVITY_CASES: Record<string, (activities: Activities) => Promise<void>> = {
    countTenantRows: async (activities) => {
      expect(await activities.countTenantRows({ businessId: a.id })).toEqual({ leads: 1, appointments: 0 });
    },
    holdAppointment: async (activities) => {
      // B holds the same hour under the same key; A sees neither, so A's hold succeeds, in A only.
      const held = await activities.holdAppointment({
        businessId: a.id,
        idempotencyKey: 'same-key-as-b',
        workflowId: 'test/a',
        customer: { fullName: 'A caller', phone: '050-777-0001' },
        startsAt: SLOT.toISOString(),
        source: 'api',
      });
      expect(held.appointmentId).not.toBe(bAppointmentId);
      expect((await bOnly()).appointment?.startsAt.toISOString()).toBe(SLOT.toISOString());
    },
    confirmAppointment: async (activities) => {
      await activities.confirmAppointment({ businessId: a.id, appointmentId: bAppointmentId });
      expect((await bOnly()).appointment?.status).toBe('held');
    },
    cancelAppointment: async (activities) => {
      await activities.cancelAppointment({ businessId: a.id, appointmentId: bAppointmentId });
      expect((await bOnly()).appointment?.status).toBe('held');
    },
    rescheduleAppointment: async (activities) => {
      await expect(
        activities.rescheduleAppointment({ businessId: a.id, appointmentId: bAppointmentId, startsAt: new Date(SLOT.getTime() + 3_600_000).toISOString() }),
      ).rejects.toThrow();
      expect((await bOnly()).appointment?.startsAt.toISOString()).toBe(SLOT.toISOString());
    },
    captureLead: async (activities) => {
      const before = await bOnly();
      const captured = await activities.captureLead({ businessId: a.id, fullName: 'Same phone as B', phone: B_PHONE, source: 'api' });
      expect(captured.created).toBe(true);
      expect((await bOnly()).leads).toBe(before.leads);
    },
    leadHasAppointment: async (activities) => {
      expect(await activities.leadHasAppointment({ businessId: a.id, leadId: bLeadId })).toBe(false);
    },
    createFollowUpTask: async (activities) => {
      const before = await bOnly();
      const task = await activities.createFollowUpTask({ businessId: a.id, leadId: aLeadId, idempotencyKey: 'follow-up-key-b-used', title: 'A task', dueAt: SLOT.toISOString() });
      expect(task.taskId).not.toBe(bTaskId);
      expect((await bOnly()).tasks).toBe(before.tasks);
    },
    recordCallStart: async (activities) => {
      const bCall = await bCallRow();
      // B's call sid, run for A: A cannot see it, may not take it over, and B's row keeps its workflow.
      await expect(
        activities.recordCallStart({ businessId: a.id, callSid: bCall.callSid, workflowId: 'call/a', direction: 'inbound', fromE164: null, toE164: null, startedAt: SLOT.toISOString() }),
      ).rejects.toThrow(/another business/);
      const own = await activities.recordCallStart({ businessId: a.id, callSid: 'CA-isolation-a', workflowId: 'call/a', direction: 'inbound', fromE164: null, toE164: null, startedAt: SLOT.toISOString() });
      expect(own.callId).not.toBe(bCall.id);
      expect((await bCallRow()).workflowId).toBe('call/b');
    },
    finalizeCall: async (activities) => {
      const bCall = await bCallRow();
      const finalize = { businessId: a.id, workflowId: 'call/a', endedAt: SLOT.toISOString(), endReason: 'end', outcome: 'completed', transcript: [{ role: 'caller' as const, text: 'A', at: SLOT.toISOString() }], usage: { inputTokens: 1, outputTokens: 1, audioInSeconds: 1, audioOutSeconds: 1, costUsd: 1 }, leadId: null };
      await expect(activities.finalizeCall({ ...finalize, callSid: bCall.callSid })).rejects.toThrow(/another business/);
      await activities.finalizeCall({ ...finalize, callSid: 'CA-isolation-a-final' });
      expect(await bCallRow()).toMatchObject({ status: 'in-progress', transcript: [], outcome: null });
    },
    summarizeCall: async (activities) => {
      const bCall = await bCallRow();
      const result = await activities.summarizeCall({ businessId: a.id, callSid: bCall.callSid, transcript: [{ role: 'caller', text: 'קוראים לי אבי', at: SLOT.toISOString() }], callerE164: null });
      expect(result.lead.fullName).toBe('אבי');
      expect((await bCallRow()).summary).toBeNull();
    },
    storeCallRecording: async (activities) => {
      const bCall = await bCallRow();
      await expect(activities.storeCallRecording({ businessId: a.id, callSid: bCall.callSid, recordingSid: 'REisolation', durationSeconds: 1 })).rejects.toThrow();
      expect((await bCallRow()).recordingPath).toBeNull();
    },
    findBusinessesWithExpiredRecordings: async (activities) => {
      // System-wide by nature: it answers business ids only, never rows.
      const due = await activities.findBusinessesWithExpiredRecordings({ now: new Date(Date.UTC(2100, 0, 1)).toISOString() });
      expect(due.every((id) => typeof id === 'string')).toBe(true);
    },
    deleteExpiredRecordings: async (activities) => {
      await t.db.withTenant({ businessId: b.id }, () => Call.update({ recordingPath: `${b.id}/CA-isolation-b/REb.mp3` }, { where: { callSid: 'CA-isolation-b' } }));
      expect(await activities.deleteExpiredRecordings({ businessId: a.id, now: new Date(Date.UTC(2100, 0, 1)).toISOString() })).toEqual({ deleted: 0 });
      expect(await bCallRow()).toMatchObject({ recordingPath: `${b.id}/CA-isolation-b/REb.mp3`, recordingDeletedAt: null });
    },
    placeOutboundCall: async (activities) => {
      const before = await t.db.withTenant({ businessId: b.id }, () => Call.count());
      await expect(activities.placeOutboundCall({ businessId: a.id, idempotencyKey: 'isolation-outbound', to: '0529990002' })).rejects.toThrow();
      expect(await t.db.withTenant({ businessId: b.id }, () => Call.count())).toBe(before);
    },
    transferCallToHuman: async (activities) => {
      // B has a transfer number; A has none: A's request for B's call transfers nothing.
      await t.db.withTenant({ businessId: b.id }, () =>
        AssistantSettings.create({ businessId: b.id, assistantName: 'B', greeting: 'B', voice: 'ash', vadThreshold: 0.5, vadPrefixPaddingMs: 300, vadSilenceDurationMs: 600, transferPhoneE164: '+972529990003' }),
      );
      expect(await activities.transferCallToHuman({ businessId: a.id, callSid: 'CA-isolation-b' })).toEqual({ transferred: false, reason: 'not_configured' });
    },
    sendNotification: async (activities) => {
      const sent = await activities.sendNotification({ businessId: a.id, idempotencyKey: 'notification-key-b-used', kind: 'crm_reminder', to: null, params: { businessName: 'A', title: 'x' } });
      expect(sent.notificationId).not.toBe(bNotificationId);
    },
    prepareCustomerMessage: async (activities) => {
      // B's WhatsApp notification key, used by A: A sees no such row and has no WhatsApp, so it plans an SMS of its own.
      const bRow = await bWhatsappNotification();
      const plan = await activities.prepareCustomerMessage({ businessId: a.id, idempotencyKey: bRow.idempotencyKey, kind: 'appointment_confirmed', to: B_PHONE, params: { businessName: 'A', customerName: 'x', startsAt: SLOT.toISOString() } });
      expect(plan).toMatchObject({ channel: 'sms', status: 'pending', conversationId: null, body: '' });
      expect(await t.db.withTenant({ businessId: b.id }, () => Notification.findByPk(bRow.id))).toMatchObject({ channel: 'whatsapp', status: 'pending', body: 'B on WhatsApp' });
    },
    fallBackToSms: async (activities) => {
      // A cannot move B's WhatsApp notification to SMS: it is not found in A's scope, and B's row stays on WhatsApp.
      const bRow = await bWhatsappNotification();
      await expect(activities.fallBackToSms({ businessId: a.id, idempotencyKey: bRow.idempotencyKey })).rejects.toThrow();
      expect(await t.db.withTenant({ businessId: b.id }, () => Notification.findByPk(bRow.id))).toMatchObject({ channel: 'whatsapp', status: 'pending' });
    },
    // Billing: A naming B's offer, contract, invoice or payment finds nothing and changes nothing.
    prepareContract: async (activities) => {
      await expect(activities.prepareContract({ businessId: a.id, offerId: bBilling.offerId })).rejects.toThrow(/not found/);
    },
    sendSigningLink: async (activities) => {
      await expect(
        activities.sendSigningLink({ businessId: a.id, contractId: bBilling.contractId, version: 2, expiresAt: SLOT.toISOString(), purpose: 'first', idempotencyKey: 'a-link' }),
      ).rejects.toThrow(/not found/);
    },
    contractStatus: async (activities) => {
      await expect(activities.contractStatus({ businessId: a.id, contractId: bBilling.contractId })).rejects.toThrow(/not found/);
    },
    closeContract: async (activities) => {
      await expect(activities.closeContract({ businessId: a.id, contractId: bBilling.contractId, reason: 'cancelled' })).rejects.toThrow(/not found/);
      expect(await bBillingState()).toEqual(bBillingBefore);
    },
    issueDealInvoice: async (activities) => {
      await expect(activities.issueDealInvoice({ businessId: a.id, offerId: bBilling.sentOfferId, contractId: bBilling.contractId, idempotencyKey: `fixture/${b.id}` })).rejects.toThrow(/not found/);
      expect(await bBillingState()).toEqual(bBillingBefore);
    },
    createCardCheckout: async (activities) => {
      // No card provider in this worker; with one, the invoice lookup in A's scope finds nothing.
      expect(await activities.createCardCheckout({ businessId: a.id, invoiceId: bBilling.invoiceId, idempotencyKey: 'a-checkout' })).toBeNull();
    },
    issuePaymentReceipt: async (activities) => {
      await expect(activities.issuePaymentReceipt({ businessId: a.id, paymentId: bBilling.paymentId })).rejects.toThrow(/not found/);
      expect(await bBillingState()).toEqual(bBillingBefore);
    },
    unreceiptedPayments: async (activities) => {
      expect(await activities.unreceiptedPayments({ businessId: a.id, invoiceId: bBilling.invoiceId })).toEqual([]);
    },
    renderSignedContract: async (activities) => {
      await expect(activities.renderSignedContract({ businessId: a.id, contractId: bBilling.contractId })).rejects.toThrow(/not found/);
    },
    sendDealMessage: async (activities) => {
      await expect(activities.sendDealMessage({ businessId: a.id, idempotencyKey: 'a-deal-message', kind: 'invoice_issued', offerId: bBilling.sentOfferId })).rejects.toThrow(/not found/);
    },
    requestInvoiceAllocation: async (activities) => {
      await expect(activities.requestInvoiceAllocation({ businessId: a.id, invoiceId: bBilling.invoiceId })).rejects.toThrow(/not found/);
      expect(await bBillingState()).toEqual(bBillingBefore);
    },
    renderBillingDocument: async (activities) => {
      await expect(activities.renderBillingDocument({ businessId: a.id, type: 'invoice', documentId: bBilling.invoiceId })).rejects.toThrow(/not found/);
      await expect(activities.renderBillingDocument({ businessId: a.id, type: 'receipt', documentId: bBilling.receiptId })).rejects.toThrow(/not found/);
    },
    routeWhatsappMessage: async (activities) => {
      // B sends through Twilio; A chose nothing and holds no session: A is told so, not given B's route.
      await bWhatsapp();
      await expect(activities.routeWhatsappMessage({ businessId: a.id })).rejects.toThrow(/no whatsapp process/);
    },
    sendWhatsappMessage: async (activities) => {
      const { message } = await bWhatsapp();
      const aConversation = await t.db.withTenant({ businessId: a.id }, () => Conversation.create({ businessId: a.id, channel: 'whatsapp', contactE164: '+972507770001' }));
      // B's idempotency key, used by A: A records its own message (this worker has no sender, so it stops there).
      await expect(activities.sendWhatsappMessage({ businessId: a.id, conversationId: aConversation.id, to: '+972507770001', body: 'A', idempotencyKey: 'wa-key-b-used' })).rejects.toThrow(/cannot send/);
      const own = await t.db.withTenant({ businessId: a.id }, () => Message.findOne({ where: { idempotencyKey: 'wa-key-b-used' }, rejectOnEmpty: true }));
      expect(own.id).not.toBe(message.id);
      expect(await t.db.withTenant({ businessId: b.id }, () => Message.findByPk(message.id))).toMatchObject({ body: 'B', status: 'sent' });
    },
    generateConversationReply: async (activities) => {
      const { conversation } = await bWhatsapp();
      await expect(activities.generateConversationReply({ businessId: a.id, conversationId: conversation.id, toolKey: 'wa-isolation' })).rejects.toThrow();
    },
  };
  let bBilling: BillingFixtures;
  let bBillingBefore: unknown;
  const bBillingState = () =>
    withAdminClient(async (client) => {
      const count = async (table: string) => (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE business_id = $1`, [b.id])).rows[0]!.n;
      const contract = (await client.query<{ status: string }>('SELECT status FROM contracts WHERE id = $1', [bBilling.contractId])).rows[0]!.status;
      return { invoices: await count('invoices'), receipts: await count('receipts'), contract };
    });
  /** B's WhatsApp: a Twilio connection, a conversation and a sent message, created on first use. */
  const bWhatsapp = () =>
    t.db.withTenant({ businessId: b.id }, async () => {
      if (!(await WhatsappConnection.findOne())) await WhatsappConnection.create({ businessId: b.id, provider: 'twilio', wanted: true });
      const [conversation] = await Conversation.findOrCreate({ where: { channel: 'whatsapp', contactE164: B_PHONE }, defaults: { businessId: b.id, channel: 'whatsapp', contactE164: B_PHONE } });
      const [message] = await Message.findOrCreate({
        where: { idempotencyKey: 'wa-key-b-used' },
        defaults: { businessId: b.id, conversationId: conversation.id, direction: 'outbound', body: 'B', status: 'sent', idempotencyKey: 'wa-key-b-used' },
      });
      return { conversation, message };
    });
  /** B's appointment confirmation recorded on WhatsApp and not yet sent, created on first use. */
  const bWhatsappNotification = () =>
    t.db.withTenant({ businessId: b.id }, async () => {
      const [row] = await Notification.findOrCreate({
        where: { idempotencyKey: 'wa-notification-b' },
        defaults: { businessId: b.id, idempotencyKey: 'wa-notification-b', channel: 'whatsapp', recipient: B_PHONE, kind: 'appointment_confirmed', body: 'B on WhatsApp', provider: 'twilio', status: 'pending' },
      });
      return row;
    });
  /** B's call, created on first use. */
  const bCallRow = () =>
    t.db.withTenant({ businessId: b.id }, async () => (await Call.findOne({ where: { callSid: 'CA-isolation-b' } })) ?? Call.create({ businessId: b.id, callSid: 'CA-isolation-b', direction: 'inbound', status: 'in-progress', workflowId: 'call/b' }));
  const SLOT = new Date(Date.UTC(2031, 0, 7, 9, 0));
  const B_PHONE = '+972507770002';
  let bAppointmentId: string;
  let bLeadId: string;
  let aLeadId: string;
  let bTaskId: string;
  let bNotificationId: string;

  beforeAll(async () => {
    const open = { start: '00:00', end: '24:00' };
    const weeklyHours = { '0': [open], '1': [open], '2': [open], '3': [open], '4': [open], '5': [open], '6': [open] };
    const bookingRules = { minimumNoticeMinutes: 0, bookingWindowDays: 3650 };
    await t.db.withSystemScope('test fixture: open every hour', () => Business.update({ weeklyHours, bookingRules }, { where: { id: [a.id, b.id] } }));
    aLeadId = (await t.db.withTenant({ businessId: a.id }, () => Lead.findOne({ rejectOnEmpty: true }))).id;
    await t.db.withTenant({ businessId: b.id }, async () => {
      const lead = await Lead.create({ businessId: b.id, fullName: 'B caller', phoneE164: B_PHONE, source: 'api' });
      bLeadId = lead.id;
      const appointment = await Appointment.create({ businessId: b.id, leadId: lead.id, startsAt: SLOT, endsAt: new Date(SLOT.getTime() + 1_800_000), idempotencyKey: 'same-key-as-b' });
      bAppointmentId = appointment.id;
      bTaskId = (await Task.create({ businessId: b.id, leadId: lead.id, title: 'B task', idempotencyKey: 'follow-up-key-b-used' })).id;
      bNotificationId = (
        await Notification.create({ businessId: b.id, idempotencyKey: 'notification-key-b-used', channel: 'in_app', recipient: 'owner', kind: 'crm_reminder', body: 'B', provider: 'crm', status: 'sent' })
      ).id;
    });
    bBilling = await createBillingFixtures(t.db, b.id, bLeadId);
    bBillingBefore = await bBillingState();
  });

  it('covers every activity and none of them reads B while running for A', async () => {
    const activities = createActivities({
      db: t.db,
      logger: testLogger,
      messages: new LogMessageProvider(testLogger),
      recordings: new LocalRecordingStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-isolation-recordings-'))),
    });
    expect(Object.keys(activities).sort()).toEqual(Object.keys(ACTIVITY_CASES).sort());
    for (const run of Object.values(ACTIVITY_CASES)) await run(activities);
  });
});
