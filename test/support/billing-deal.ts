import fs from 'node:fs';
import path from 'node:path';
import type { MessageProvider, OutgoingMessage } from '../../platform/messaging';
import { Client } from './accounts';

/** Helpers of the deal tests: an offer for a new lead, the link out of a message, the customer's signature. */
export const SIGNATURE_PNG = `data:image/png;base64,${fs.readFileSync(path.resolve(__dirname, '../fixtures/signature.png')).toString('base64')}`;
export const SIGNING_LINK = /\/sign\/([0-9a-f-]{36})\?token=([A-Za-z0-9_-]{43})/;

/** A lead with a fresh phone number and an offer for it (1,711.00 ₪ with VAT). */
export async function offerFor(owner: Client, title = 'חבילת מיתוג'): Promise<{ offerId: string; phone: string }> {
  const phone = `+97252${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
  const lead = await owner.request<{ lead: { id: string; phone: string } }>('POST', '/leads', { fullName: 'דנה כהן', phone });
  expect(lead.status).toBe(201);
  const offer = await owner.request<{ offer: { id: string; totalAgorot: number; vatAgorot: number } }>('POST', '/billing/offers', {
    leadId: lead.body.lead.id,
    title,
    lines: [
      { description: 'עיצוב לוגו', quantity: 1, unitPriceAgorot: 100_000 },
      { description: 'כרטיסי ביקור', quantity: 2, unitPriceAgorot: 25_000, discountBps: 1000 },
    ],
    validUntil: '2031-01-31',
  });
  expect(offer.status).toBe(201);
  expect(offer.body.offer).toMatchObject({ vatAgorot: 26_100, totalAgorot: 171_100 });
  return { offerId: offer.body.offer.id, phone: lead.body.lead.phone };
}

/** The contract and token of the first signing link among these message bodies, or null. */
export function signingLinkIn(bodies: string[]): { contractId: string; token: string } | null {
  const match = bodies.map((body) => SIGNING_LINK.exec(body)).find(Boolean);
  return match ? { contractId: match[1]!, token: match[2]! } : null;
}

/** Opens the link as the customer would, then signs (drawn signature, typed name, consent). */
export async function signContract(base: string, contractId: string, token: string) {
  const anonymous = new Client(base);
  const opened = await anonymous.get<{ contract: { documentHash: string; bodyHtml: string } }>(`/billing/signing/${contractId}?token=${token}`);
  expect(opened.status).toBe(200);
  expect(opened.body.contract.bodyHtml).toContain('דנה כהן');
  return anonymous.request('POST', `/billing/signing/${contractId}`, { token, typedName: 'דנה כהן', signaturePng: SIGNATURE_PNG, consent: true, documentHash: opened.body.contract.documentHash });
}

/** The text messages a deal sends, kept in memory (a resend after a crash is found by its body). */
export class RecordingMessages implements MessageProvider {
  readonly name = 'recording';
  readonly channel = 'sms' as const;
  readonly sent: OutgoingMessage[] = [];
  async send(message: OutgoingMessage) {
    this.sent.push(message);
    return { providerMessageId: `rec-${this.sent.length}` };
  }
  async findSent(message: OutgoingMessage) {
    return this.sent.some((m) => m.body === message.body && m.to === message.to) ? { providerMessageId: 'rec-found' } : null;
  }
  to(phone: string) {
    return this.sent.filter((m) => m.to === phone);
  }
}
