import type { Database } from '../../data';
import { withAdminClient } from './infra';
import { createContractOnce, createOffer, issueInvoice, issueReceipt, openSigning, recordPayment, saveTemplate } from '../../data/billing';
import { computeTotals } from '../../domain/billing/money';
import { hashSigningToken, sha256Hex } from '../../platform/payments/signing-token';

export interface BillingFixtures {
  offerId: string;
  /** An offer already sent, with its contract awaiting signature. */
  sentOfferId: string;
  contractId: string;
  invoiceId: string;
  paymentId: string;
  receiptId: string;
  templateId: string;
  /** Strings that must never show up in another business's answers. */
  markers: string[];
}

/** A business's billing records of every kind (for isolation tests). */
export async function createBillingFixtures(db: Database, businessId: string, leadId: string): Promise<BillingFixtures> {
  return db.withTenant({ businessId }, async () => {
    const lines = [{ description: 'Secret service line of B', quantity: 1, unitPriceAgorot: 12_345 }];
    const totals = computeTotals(lines);
    const base = { leadId, locale: 'he' as const, validUntil: null, notes: null, templateId: null, lines, totals };
    const offer = await createOffer({ ...base, title: 'Secret offer of B' });
    const sent = await createOffer({ ...base, title: 'Sent offer of B' });
    const contract = await createContractOnce({ offerId: sent.id, templateId: null, locale: 'he', title: 'Contract of B', bodyHtml: '<p>B</p>', documentHash: sha256Hex('<p>B</p>') });
    await openSigning(contract.id, hashSigningToken(`fixture-token-${businessId}`), 1, new Date(Date.now() + 3_600_000));
    const { invoice } = await issueInvoice({
      idempotencyKey: `fixture/${businessId}`,
      offerId: sent.id,
      contractId: contract.id,
      leadId,
      customerName: 'Customer of B',
      customerPhone: null,
      locale: 'he',
      lines: totals.lines,
      vatRateBps: totals.vatRateBps,
      netAgorot: totals.netAgorot,
      vatAgorot: totals.vatAgorot,
      totalAgorot: totals.totalAgorot,
    });
    const { payment } = await recordPayment({ invoiceId: invoice.id, provider: 'manual', method: 'cash', amountAgorot: 100, idempotencyKey: `fixture-payment/${businessId}` });
    const { receipt } = await issueReceipt(payment.id);
    const template = (await saveTemplate(null, { name: 'Template of B', locale: 'he', body: 'Secret template body of B', isDefault: false }))!;
    return {
      offerId: offer.id,
      sentOfferId: sent.id,
      contractId: contract.id,
      invoiceId: invoice.id,
      paymentId: payment.id,
      receiptId: receipt.id,
      templateId: template.id,
      markers: [offer.id, sent.id, contract.id, invoice.id, payment.id, receipt.id, template.id, 'Secret offer of B', 'Secret template body of B', 'Customer of B'],
    };
  });
}

/** Every table (of the whole database, past RLS) with a row whose text holds the needle, and how many rows. */
export async function tablesHolding(needle: string): Promise<Record<string, number>> {
  return withAdminClient(async (client) => {
    const tables = await client.query<{ name: string }>(`SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
    const found: Record<string, number> = {};
    for (const { name } of tables.rows) {
      // The row as text covers every column, bytea (as hex) included; the needle is base64url, and strpos takes it literally.
      const rows = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} AS t WHERE strpos(t::text, $1) > 0`, [needle]);
      if (rows.rows[0]!.n > 0) found[name] = rows.rows[0]!.n;
    }
    return found;
  });
}
