import { Business, Lead, type Database } from '../../data';
import {
  createOffer,
  findInvoice,
  issueCreditNote,
  setAllocationNumber,
  issueInvoice,
  issueReceipt,
  listInvoices,
  recordPayment,
  takeNextNumber,
  type NewInvoice,
} from '../../data/billing';
import { computeTotals } from '../../domain/billing/money';
import { createBusiness, openAppDatabase, withAdminClient } from '../support/infra';

/** Invoice numbering and immutability, against the real PostgreSQL as the application role. */
describe('billing documents in PostgreSQL', () => {
  let db: Database;
  let businessId: string;
  let otherBusinessId: string;
  let leadId: string;

  const invoiceInput = (key: string): NewInvoice => {
    const totals = computeTotals([{ description: 'שירות', quantity: 1, unitPriceAgorot: 10_000 }]);
    return {
      idempotencyKey: key,
      offerId: null,
      contractId: null,
      leadId,
      customerName: 'דנה לקוחה',
      customerPhone: '+972501234567',
      locale: 'he',
      lines: totals.lines,
      vatRateBps: totals.vatRateBps,
      netAgorot: totals.netAgorot,
      vatAgorot: totals.vatAgorot,
      totalAgorot: totals.totalAgorot,
    };
  };

  beforeAll(async () => {
    db = openAppDatabase(60);
    businessId = await createBusiness(db, 'Numbering Biz');
    otherBusinessId = await createBusiness(db, 'Numbering Other');
    leadId = (await db.withTenant({ businessId }, () => Lead.create({ businessId, fullName: 'דנה לקוחה', source: 'crm' }))).id;
  });
  afterAll(async () => {
    await db.close();
  });

  it('issues 50 concurrent invoices as numbers 1..50: no gap, no duplicate', async () => {
    const issued = await Promise.all(
      Array.from({ length: 50 }, (_, i) => db.withTenant({ businessId }, async () => (await issueInvoice(invoiceInput(`concurrent-${i}`))).invoice.number)),
    );
    expect([...issued].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // Another business counts on its own.
    const other = await db.withTenant({ businessId: otherBusinessId }, async () => {
      const lead = await Lead.create({ businessId: otherBusinessId, fullName: 'x', source: 'crm' });
      return (await issueInvoice({ ...invoiceInput('other-1'), leadId: lead.id })).invoice.number;
    });
    expect(other).toBe(1);
  });

  it('gives back the number of an issue that rolled back, and issues the same key once', async () => {
    await expect(
      db.withTenant({ businessId }, async () => {
        await issueInvoice(invoiceInput('rolled-back'));
        throw new Error('crash after the insert, before commit');
      }),
    ).rejects.toThrow('crash after the insert');
    const same = await Promise.all(Array.from({ length: 5 }, () => db.withTenant({ businessId }, () => issueInvoice(invoiceInput('same-key')))));
    expect(new Set(same.map((r) => r.invoice.id)).size).toBe(1);
    expect(same.filter((r) => r.created)).toHaveLength(1);
    expect(same[0]!.invoice.number).toBe(51);
    const numbers = await db.withTenant({ businessId }, async () => (await listInvoices(500)).filter((i) => i.series === 'invoice').map((i) => i.number).sort((a, b) => a - b));
    expect(numbers).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('refuses, in the database, to change or delete an issued invoice; a credit note corrects it', async () => {
    const { invoice } = await db.withTenant({ businessId }, () => issueInvoice(invoiceInput('immutable')));
    await expect(db.withTenant({ businessId }, (transaction) => db.sequelize.query('UPDATE invoices SET total_agorot = 1 WHERE id = :id', { replacements: { id: invoice.id }, transaction }))).rejects.toThrow(/immutable/);
    await expect(db.withTenant({ businessId }, (transaction) => db.sequelize.query('DELETE FROM invoices WHERE id = :id', { replacements: { id: invoice.id }, transaction }))).rejects.toThrow(/immutable/);
    // Not even the table owner may change it.
    await expect(withAdminClient((client) => client.query('UPDATE invoices SET customer_name = $1 WHERE id = $2', ['x', invoice.id]))).rejects.toThrow(/immutable/);
    const credit = await db.withTenant({ businessId }, () => issueCreditNote(invoice, 'credit-immutable', 'wrong amount'));
    expect(credit.invoice).toMatchObject({ series: 'credit_note', number: 1, creditsInvoiceId: invoice.id, totalAgorot: invoice.totalAgorot });
    expect(await db.withTenant({ businessId }, () => findInvoice(invoice.id))).toEqual(invoice);
  });

  it('freezes the tax identity on the invoice and takes its allocation number once, with nothing else changing', async () => {
    await db.withTenant({ businessId }, () => Business.update({ taxId: '515555555', dealerType: 'company', billingAddress: 'הרצל 10, תל אביב' }, { where: { id: businessId } }));
    const { invoice } = await db.withTenant({ businessId }, () => issueInvoice(invoiceInput('allocation')));
    expect(invoice.issuer).toMatchObject({ taxId: '515555555', dealerType: 'company', address: 'הרצל 10, תל אביב' });
    expect(invoice.allocationNumber).toBeNull();
    // Changing the business later leaves the issued invoice as it was.
    await db.withTenant({ businessId }, () => Business.update({ taxId: '000000018' }, { where: { id: businessId } }));
    // The number may not come with any other change, even from the table owner.
    await expect(withAdminClient((client) => client.query("UPDATE invoices SET allocation_number = '123456789', customer_name = 'x' WHERE id = $1", [invoice.id]))).rejects.toThrow(/immutable/);
    const allocated = await db.withTenant({ businessId }, () => setAllocationNumber(invoice.id, '123456789'));
    expect(allocated).toEqual({ ...invoice, allocationNumber: '123456789' });
    // Once set it stays: a second number is ignored by the data layer and refused by the trigger.
    expect((await db.withTenant({ businessId }, () => setAllocationNumber(invoice.id, '987654321')))!.allocationNumber).toBe('123456789');
    await expect(withAdminClient((client) => client.query("UPDATE invoices SET allocation_number = '987654321' WHERE id = $1", [invoice.id]))).rejects.toThrow(/immutable/);
  });

  it('numbers receipts on their own series, one per payment, immutable', async () => {
    const { invoice } = await db.withTenant({ businessId }, () => issueInvoice(invoiceInput('for-receipts')));
    const receipts = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.withTenant({ businessId }, async () => {
          const { payment } = await recordPayment({ invoiceId: invoice.id, provider: 'manual', method: 'cash', amountAgorot: 100, idempotencyKey: `pay-${i}` });
          const first = await issueReceipt(payment.id);
          const again = await issueReceipt(payment.id);
          expect(again.receipt.id).toBe(first.receipt.id);
          return first.receipt.number;
        }),
      ),
    );
    expect([...receipts].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    await expect(withAdminClient((client) => client.query('UPDATE receipts SET amount_agorot = 1 WHERE business_id = $1', [businessId]))).rejects.toThrow(/immutable/);
  });

  it('takes numbers only inside a tenant transaction, and offers keep their computed totals', async () => {
    await expect(takeNextNumber('invoice')).rejects.toThrow(/No tenant context/);
    const totals = computeTotals([{ description: 'a', quantity: 2.5, unitPriceAgorot: 3_333, discountBps: 1000 }], { documentDiscountAgorot: 100 });
    const offer = await db.withTenant({ businessId }, () =>
      createOffer({ leadId, title: 'הצעה', locale: 'he', validUntil: '2031-01-31', notes: null, templateId: null, lines: [{ description: 'a', quantity: 2.5, unitPriceAgorot: 3_333, discountBps: 1000 }], totals }),
    );
    expect(offer).toMatchObject({ subtotalAgorot: totals.subtotalAgorot, netAgorot: totals.netAgorot, vatAgorot: totals.vatAgorot, totalAgorot: totals.totalAgorot, validUntil: '2031-01-31', status: 'draft' });
    expect(offer.lines).toEqual([{ position: 0, description: 'a', quantity: 2.5, unitPriceAgorot: 3_333, discountBps: 1000, discountAgorot: totals.lines[0]!.discountAgorot, netAgorot: totals.lines[0]!.netAgorot }]);
  });
});
