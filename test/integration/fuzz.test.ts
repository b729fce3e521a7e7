import fc from 'fast-check';
import { MAX_CSV_CHARS } from '../../api/routes/settings';
import { Client, createSystemAdmin, createTestBusiness, startTestApi, uniqueEmail, type TestApi, type TestBusiness } from '../support/accounts';

/**
 * Bad input never reaches a 500: every write endpoint gets at least 1,000 generated bodies
 * (arbitrary JSON, valid bodies with fields swapped for wrong types, overlong strings and
 * unknown fields, and malformed JSON text), and must answer each with a 4xx or a success.
 */

const RUNS = 1000;
const LONG = 'א'.repeat(5000);

interface WriteEndpoint {
  method: string;
  path: () => string;
  /** A body the endpoint accepts (undefined: the endpoint takes no body). */
  valid?: () => Record<string, unknown>;
  caller: 'owner' | 'sysadmin' | 'anonymous';
  /** Fields whose legitimate length exceeds LONG: the value that is one character too long for them. */
  overlong?: Record<string, () => string>;
}

type ErrorBody = { error?: { code?: string; fields?: Record<string, string[]> } };

describe('input validation and fuzzing of every write endpoint', () => {
  let t: TestApi;
  let biz: TestBusiness;
  let owner: Client;
  let sysadmin: Client;
  let sysadminEmail: string;
  let ownerEmail: string;

  beforeAll(async () => {
    t = await startTestApi();
    biz = await createTestBusiness(t.db, 'Fuzz Biz');
    ownerEmail = biz.users.owner.email;
    sysadminEmail = (await createSystemAdmin(t.db)).email;
    owner = new Client(t.base);
    await owner.login(ownerEmail);
    sysadmin = new Client(t.base);
    await sysadmin.login(sysadminEmail);
  });
  afterAll(async () => {
    await t.close();
  });

  const ENDPOINTS: Record<string, WriteEndpoint> = {
    'auth.login': { method: 'POST', path: () => '/auth/login', valid: () => ({ email: uniqueEmail('nobody'), password: 'whatever password' }), caller: 'anonymous' },
    'auth.logout': { method: 'POST', path: () => '/auth/logout', valid: () => ({ everywhere: false }), caller: 'owner' },
    'auth.changePassword': { method: 'POST', path: () => '/auth/password', valid: () => ({ currentPassword: 'not the password', newPassword: 'a long enough passphrase' }), caller: 'owner' },
    'auth.passwordReset.request': { method: 'POST', path: () => '/auth/password-reset', valid: () => ({ email: uniqueEmail('nobody') }), caller: 'anonymous' },
    'auth.passwordReset.confirm': { method: 'POST', path: () => '/auth/password-reset/confirm', valid: () => ({ token: 'y'.repeat(43), password: 'a long enough passphrase' }), caller: 'anonymous' },
    'users.create': { method: 'POST', path: () => '/users', valid: () => ({ email: uniqueEmail('fuzz'), fullName: 'Fuzz', role: 'agent', invite: 'link' }), caller: 'owner' },
    'users.update': { method: 'PATCH', path: () => `/users/${biz.users.agent.id}`, valid: () => ({ fullName: 'Fuzzed Name' }), caller: 'owner' },
    'users.changeRole': { method: 'POST', path: () => `/users/${biz.users.agent.id}/role`, valid: () => ({ role: 'agent' }), caller: 'owner' },
    'users.deactivate': { method: 'POST', path: () => `/users/${biz.users.admin.id}/deactivate`, caller: 'owner' },
    'users.reactivate': { method: 'POST', path: () => `/users/${biz.users.admin.id}/reactivate`, caller: 'owner' },
    'users.delete': { method: 'DELETE', path: () => '/users/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    'businesses.create': { method: 'POST', path: () => '/businesses', valid: () => ({ name: 'Fuzz Co', owner: { email: 'not-an-email', fullName: 'F' } }), caller: 'sysadmin' },
    'business.updateSettings': { method: 'PATCH', path: () => '/business', valid: () => ({ recordingEnabled: false }), caller: 'owner' },
    'impersonation.start': { method: 'POST', path: () => '/impersonation', valid: () => ({ businessId: '00000000-0000-4000-8000-000000000000' }), caller: 'sysadmin' },
    'impersonation.stop': { method: 'DELETE', path: () => '/impersonation', caller: 'sysadmin' },
    'apiKeys.create': { method: 'POST', path: () => '/api-keys', valid: () => ({ name: 'fuzz key', scopes: ['read'] }), caller: 'owner' },
    'apiKeys.revoke': { method: 'DELETE', path: () => '/api-keys/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    // Without an Idempotency-Key a well-formed booking is refused (400) before it reaches Temporal.
    'appointments.create': {
      method: 'POST',
      path: () => '/appointments',
      valid: () => ({ name: 'דנה', phone: '0501234567', start: '2031-01-07T09:00:00Z', durationMinutes: 30, notes: 'fuzz' }),
      caller: 'owner',
    },
    'appointments.reschedule': { method: 'POST', path: () => '/appointments/00000000-0000-4000-8000-000000000000/reschedule', valid: () => ({ start: '2031-01-07T10:00:00Z' }), caller: 'owner' },
    'appointments.cancel': { method: 'POST', path: () => '/appointments/00000000-0000-4000-8000-000000000000/cancel', caller: 'owner' },
    'leads.create': { method: 'POST', path: () => '/leads', valid: () => ({ fullName: 'ליד', phone: '0521112233', need: 'fuzz' }), caller: 'owner' },
    'leads.update': { method: 'PATCH', path: () => '/leads/00000000-0000-4000-8000-000000000000', valid: () => ({ fullName: 'x', need: 'y', statusKey: 'new' }), caller: 'owner' },
    'leads.delete': { method: 'DELETE', path: () => '/leads/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    'leads.setReminder': { method: 'POST', path: () => '/leads/00000000-0000-4000-8000-000000000000/reminder', valid: () => ({ remindAt: '2031-01-07T09:00:00Z', title: 'call back' }), caller: 'owner' },
    'leads.cancelReminder': { method: 'DELETE', path: () => '/leads/00000000-0000-4000-8000-000000000000/reminder', caller: 'owner' },
    'tasks.create': { method: 'POST', path: () => '/tasks', valid: () => ({ title: 'fuzz task', description: 'd' }), caller: 'owner' },
    'tasks.update': { method: 'PATCH', path: () => '/tasks/00000000-0000-4000-8000-000000000000', valid: () => ({ title: 't', status: 'done' }), caller: 'owner' },
    'tasks.delete': { method: 'DELETE', path: () => '/tasks/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    // Without an Idempotency-Key a well-formed call is refused (400) before it reaches Temporal.
    'calls.create': { method: 'POST', path: () => '/calls', valid: () => ({ to: '0529990001' }), caller: 'owner' },
    'assistant.updateSettings': {
      method: 'PUT',
      path: () => '/assistant/settings',
      valid: () => ({ assistantName: 'דני', greeting: 'שלום', voice: 'ash', vadThreshold: 0.5, vadPrefixPaddingMs: 300, vadSilenceDurationMs: 650 }),
      caller: 'owner',
    },
    'assistant.addInstructions': { method: 'POST', path: () => '/assistant/instructions', valid: () => ({ channel: 'voice', body: 'דבר בנימוס' }), caller: 'owner' },
    'assistant.restoreInstructions': { method: 'POST', path: () => '/assistant/instructions/restore', valid: () => ({ channel: 'voice', version: 1 }), caller: 'owner' },
    'faq.create': { method: 'POST', path: () => '/assistant/faq', valid: () => ({ question: 'יש חניה?', answer: 'כן', channels: ['voice'], position: 1 }), caller: 'owner' },
    'faq.update': { method: 'PATCH', path: () => '/assistant/faq/00000000-0000-4000-8000-000000000000', valid: () => ({ question: 'q', answer: 'a', position: 2 }), caller: 'owner' },
    'faq.delete': { method: 'DELETE', path: () => '/assistant/faq/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    'billing.offers.create': {
      method: 'POST',
      path: () => '/billing/offers',
      valid: () => ({
        leadId: '00000000-0000-4000-8000-000000000000',
        title: 'הצעה',
        locale: 'he',
        lines: [{ description: 'שירות', quantity: 1.5, unitPriceAgorot: 10_000, discountBps: 500 }],
        vatRateBps: 1800,
        documentDiscountAgorot: 100,
        validUntil: '2031-01-31',
        notes: 'fuzz',
      }),
      caller: 'owner',
    },
    'billing.offers.update': { method: 'PATCH', path: () => '/billing/offers/00000000-0000-4000-8000-000000000000', valid: () => ({ title: 'x', vatRateBps: 1700 }), caller: 'owner' },
    'billing.offers.delete': { method: 'DELETE', path: () => '/billing/offers/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    'billing.offers.send': { method: 'POST', path: () => '/billing/offers/00000000-0000-4000-8000-000000000000/send', caller: 'owner' },
    'billing.offers.cancel': { method: 'POST', path: () => '/billing/offers/00000000-0000-4000-8000-000000000000/cancel', caller: 'owner' },
    'billing.invoices.recordPayment': {
      method: 'POST',
      path: () => '/billing/invoices/00000000-0000-4000-8000-000000000000/payments',
      valid: () => ({ method: 'transfer', amountAgorot: 100, reference: 'ref', note: 'n' }),
      caller: 'owner',
    },
    'billing.invoices.creditNote': { method: 'POST', path: () => '/billing/invoices/00000000-0000-4000-8000-000000000000/credit-note', valid: () => ({ reason: 'טעות' }), caller: 'owner' },
    'billing.taxIdentity.update': { method: 'PUT', path: () => '/billing/tax-identity', valid: () => ({ taxId: '515555555', dealerType: 'company', billingAddress: 'הרצל 10' }), caller: 'owner' },
    'billing.templates.create': { method: 'POST', path: () => '/billing/contract-templates', valid: () => ({ name: 'fuzz', locale: 'he', paragraphs: ['שלום {{customer.name}}'], isDefault: false }), caller: 'owner' },
    'billing.templates.update': { method: 'PATCH', path: () => '/billing/contract-templates/00000000-0000-4000-8000-000000000000', valid: () => ({ name: 'x' }), caller: 'owner' },
    'billing.templates.delete': { method: 'DELETE', path: () => '/billing/contract-templates/00000000-0000-4000-8000-000000000000', caller: 'owner' },
    'billing.signing.sign': {
      method: 'POST',
      path: () => '/billing/signing/00000000-0000-4000-8000-000000000000',
      valid: () => ({ token: 'A'.repeat(43), typedName: 'דנה כהן', signaturePng: 'data:image/png;base64,iVBORw0KGgo=', consent: true, documentHash: 'a'.repeat(64) }),
      caller: 'anonymous',
    },
    // Without the provider's signature every delivery is refused (403), whatever its body.
    'billing.webhooks.card': {
      method: 'POST',
      path: () => '/billing/webhooks/card/00000000-0000-4000-8000-000000000000',
      valid: () => ({ id: 'evt_fuzz', type: 'checkout.completed', data: { checkoutId: 'chk_fuzz', invoiceId: '00000000-0000-4000-8000-000000000000', amount: 100, currency: 'ILS' } }),
      caller: 'anonymous',
    },
    'settings.hours.set': { method: 'PUT', path: () => '/business/hours', valid: () => ({ '0': [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '18:00' }], '5': [] }), caller: 'owner' },
    'settings.closedDates.set': { method: 'PUT', path: () => '/business/closed-dates', valid: () => ({ closedDates: ['2031-04-08', '2031-04-09'] }), caller: 'owner' },
    'settings.bookingRules.set': {
      method: 'PUT',
      path: () => '/business/booking-rules',
      valid: () => ({ slotLengthMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 60, bookingWindowDays: 60, maxBookingsPerDay: null }),
      caller: 'owner',
    },
    'settings.reminders.set': { method: 'PUT', path: () => '/business/reminders', valid: () => ({ reminderOffsetsMinutes: [1440, 120] }), caller: 'owner' },
    'leadStatuses.create': { method: 'POST', path: () => '/lead-statuses', valid: () => ({ labelHe: 'בבדיקה', labelEn: 'Checking', color: '#336699' }), caller: 'owner' },
    'leadStatuses.update': { method: 'PUT', path: () => '/lead-statuses/no_such_status', valid: () => ({ labelHe: 'אחר', labelEn: 'Other', color: '#aa3300' }), caller: 'owner' },
    'leadStatuses.move': { method: 'POST', path: () => '/lead-statuses/no_such_status/move', valid: () => ({ direction: 'up' }), caller: 'owner' },
    'leadStatuses.delete': { method: 'DELETE', path: () => '/lead-statuses/no_such_status?moveLeadsTo=new', caller: 'owner' },
    'leads.import': {
      method: 'POST',
      path: () => '/leads/import',
      valid: () => ({ csv: 'שם,טלפון\nדנה,0521112233\n', mapping: { fullName: 0, phone: 1 } }),
      overlong: { csv: () => 'א'.repeat(MAX_CSV_CHARS + 1) },
      caller: 'owner',
    },
    'whatsapp.conversations.markRead': { method: 'POST', path: () => '/whatsapp/conversations/00000000-0000-4000-8000-000000000000/read', caller: 'owner' },
    'whatsapp.conversations.send': {
      method: 'POST',
      path: () => '/whatsapp/conversations/00000000-0000-4000-8000-000000000000/messages',
      valid: () => ({ text: 'שלום, כאן העסק', clientMessageId: 'fuzz-client-0001' }),
      caller: 'owner',
    },
    'whatsapp.conversations.takeOver': { method: 'POST', path: () => '/whatsapp/conversations/00000000-0000-4000-8000-000000000000/take-over', caller: 'owner' },
    'whatsapp.conversations.handBack': { method: 'POST', path: () => '/whatsapp/conversations/00000000-0000-4000-8000-000000000000/hand-back', caller: 'owner' },
    'whatsapp.connection.connect': { method: 'POST', path: () => '/whatsapp/connection', valid: () => ({ provider: 'twilio' }), caller: 'owner' },
    'whatsapp.connection.pairingCode': { method: 'POST', path: () => '/whatsapp/connection/pairing-code', valid: () => ({ phone: '0501234567' }), caller: 'owner' },
    'whatsapp.connection.logout': { method: 'POST', path: () => '/whatsapp/connection/logout', caller: 'owner' },
  };

  it('has a fuzz case for every write endpoint of the route table', () => {
    const writes = t.api.routes.filter((route) => route.method !== 'get').map((route) => route.id).sort();
    expect(Object.keys(ENDPOINTS).sort()).toEqual(writes);
  });

  const client = (endpoint: WriteEndpoint) => (endpoint.caller === 'owner' ? owner : endpoint.caller === 'sysadmin' ? sysadmin : new Client(t.base));

  /** Signs the owner in again when a generated body happened to be a valid logout. */
  const keepSignedIn = async () => {
    if ((await owner.get('/auth/me')).status === 401) await owner.login(ownerEmail);
  };

  describe('rejects bad bodies with 400 and per-field messages', () => {
    for (const [id, endpoint] of Object.entries(ENDPOINTS)) {
      it(id, async () => {
        const caller = client(endpoint);
        const send = (body: unknown) => caller.request<ErrorBody>(endpoint.method, endpoint.path(), body);
        const unknown = await send({ ...(endpoint.valid?.() ?? {}), notAField: 1 });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error?.fields?.notAField).toBeDefined();
        const notJson = await caller.request<ErrorBody>(endpoint.method, endpoint.path(), '{"broken": ');
        expect(notJson.status).toBe(400);
        if (!endpoint.valid) return;
        const valid = endpoint.valid();
        for (const field of Object.keys(valid)) {
          const wrongType = await send({ ...valid, [field]: typeof valid[field] === 'number' ? 'not a number' : 12345 });
          expect({ field, status: wrongType.status }).toEqual({ field, status: 400 });
          expect(wrongType.body.error?.fields?.[field]?.length).toBeGreaterThan(0);
          if (typeof valid[field] === 'string') {
            const overlong = await send({ ...valid, [field]: endpoint.overlong?.[field]?.() ?? LONG });
            expect({ field, status: overlong.status }).toEqual({ field, status: 400 });
            expect(overlong.body.error?.fields?.[field]?.length).toBeGreaterThan(0);
          }
        }
        expect((await send([valid])).status).toBe(400);
        await keepSignedIn();
      });
    }
  });

  describe(`survives ${RUNS} generated bodies per endpoint without a 500`, () => {
    for (const [id, endpoint] of Object.entries(ENDPOINTS)) {
      it(id, async () => {
        const valid = endpoint.valid?.() ?? {};
        const mutated = fc
          .record(
            Object.fromEntries(
              Object.entries(valid).map(([key, value]) => [
                key,
                fc.oneof(fc.constant(value), fc.jsonValue(), fc.string({ maxLength: 400 }), fc.constant(LONG), fc.integer(), fc.constant(null)),
              ]),
            ),
            { requiredKeys: [] },
          )
          .chain((body) => fc.oneof(fc.constant(body), fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue(), { maxKeys: 3 }).map((extra) => ({ ...body, ...extra }))));
        const malformedText = fc.string({ maxLength: 200 }).map((text) => ({ raw: `{${text}` }));
        const bodies = fc.oneof(
          { weight: 4, arbitrary: mutated },
          { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
          { weight: 1, arbitrary: malformedText },
        );
        const statuses = new Map<number, number>();
        await fc.assert(
          fc.asyncProperty(bodies, async (body) => {
            const caller = client(endpoint);
            const raw = typeof body === 'object' && body !== null && 'raw' in body && Object.keys(body).length === 1 ? (body as { raw: string }).raw : null;
            const response = await caller.request<ErrorBody>(endpoint.method, endpoint.path(), raw ?? body);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500) throw new Error(`${id}: ${response.status} for ${JSON.stringify(body).slice(0, 300)}`);
            if (response.status === 400 && raw === null) {
              // A JSON body that fails validation names its fields.
              const error = response.body.error;
              if (error?.code === 'validation_failed' && !Object.keys(error.fields ?? {}).length) throw new Error(`${id}: 400 without field messages`);
            }
            if (id === 'auth.logout' && response.status === 204) await keepSignedIn();
          }),
          { numRuns: RUNS },
        );
        expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
        expect(statuses.get(400)).toBeGreaterThan(0);
      }, 300_000); // 1,000 requests: minutes on a loaded 2-core machine
    }
  });
});
