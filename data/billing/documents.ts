import { int, iso, select, selectOne, write } from './sql';

/**
 * Invoices, credit notes and receipts: numbered per business without gaps and immutable once
 * written (the 0006 migration's trigger refuses UPDATE and DELETE).
 */
export type DocumentSeries = 'invoice' | 'credit_note' | 'receipt';

export interface InvoiceLine {
  description: string;
  quantityMilli: number;
  unitPriceAgorot: number;
  discountAgorot: number;
  netAgorot: number;
}

export type DealerType = 'licensed' | 'exempt' | 'company';

/** The business's tax identity as it was when the document was issued (frozen on the row). */
export interface DocumentIssuer {
  name: string;
  taxId: string | null;
  dealerType: DealerType | null;
  address: string | null;
}

export interface InvoiceRecord {
  id: string;
  series: 'invoice' | 'credit_note';
  number: number;
  idempotencyKey: string;
  offerId: string | null;
  contractId: string | null;
  creditsInvoiceId: string | null;
  leadId: string | null;
  customerName: string;
  customerPhone: string | null;
  locale: 'he' | 'en';
  lines: InvoiceLine[];
  vatRateBps: number;
  netAgorot: number;
  vatAgorot: number;
  totalAgorot: number;
  reason: string | null;
  issuedAt: string;
  issuer: DocumentIssuer;
  /** The Tax Authority's allocation number, when the invoice needed one. */
  allocationNumber: string | null;
}

export interface ReceiptRecord {
  id: string;
  number: number;
  paymentId: string;
  invoiceId: string;
  customerName: string;
  method: string;
  amountAgorot: number;
  issuedAt: string;
  issuer: DocumentIssuer;
}

export type NewInvoice = Omit<InvoiceRecord, 'id' | 'number' | 'issuedAt' | 'series' | 'creditsInvoiceId' | 'reason' | 'issuer' | 'allocationNumber'>;

const ISSUER_COLUMNS = 'issuer_name, issuer_tax_id, issuer_dealer_type, issuer_address';
/** The issuer columns' values, read from the business in the statement that inserts the document. */
const ISSUER_VALUES = ['name', 'tax_id', 'dealer_type', 'billing_address'].map((column) => `(SELECT ${column} FROM businesses WHERE id = :businessId)`).join(', ');

function toIssuer(row: Record<string, unknown>): DocumentIssuer {
  return {
    name: String(row.issuer_name ?? ''),
    taxId: (row.issuer_tax_id as string | null) ?? null,
    dealerType: (row.issuer_dealer_type as DealerType | null) ?? null,
    address: (row.issuer_address as string | null) ?? null,
  };
}

/**
 * Takes the next number of a series. The UPDATE locks the business's counter row until the
 * caller's transaction ends, so concurrent issuers queue here, and a rollback (of the insert that
 * follows, or anything else in the transaction) returns the number: no gaps, no duplicates.
 * Call it only inside the transaction that inserts the document.
 */
export async function takeNextNumber(series: DocumentSeries): Promise<number> {
  await write('INSERT INTO billing_counters (business_id, series) VALUES (:businessId, :series) ON CONFLICT DO NOTHING', { series });
  const [row] = await write<{ last_number: number }>(
    `UPDATE billing_counters SET last_number = last_number + 1, updated_at = now()
     WHERE business_id = :businessId AND series = :series RETURNING last_number`,
    { series },
  );
  if (!row) throw new Error(`no ${series} counter for this business`);
  return int(row.last_number);
}

/** Locks the series' counter row without taking a number: serialises issuers before an idempotency check. */
async function lockSeries(series: DocumentSeries): Promise<void> {
  await write('INSERT INTO billing_counters (business_id, series) VALUES (:businessId, :series) ON CONFLICT DO NOTHING', { series });
  await select('SELECT last_number FROM billing_counters WHERE business_id = :businessId AND series = :series FOR UPDATE', { series });
}

const INVOICE_COLUMNS = `id, series, number, idempotency_key, offer_id, contract_id, credits_invoice_id, lead_id, customer_name,
  customer_phone, locale, lines, vat_rate_bps, net_agorot, vat_agorot, total_agorot, reason, issued_at, allocation_number, ${ISSUER_COLUMNS}`;

type InvoiceRow = Record<string, unknown>;

function toInvoice(row: InvoiceRow): InvoiceRecord {
  return {
    id: String(row.id),
    series: row.series as InvoiceRecord['series'],
    number: int(row.number),
    idempotencyKey: String(row.idempotency_key),
    offerId: (row.offer_id as string | null) ?? null,
    contractId: (row.contract_id as string | null) ?? null,
    creditsInvoiceId: (row.credits_invoice_id as string | null) ?? null,
    leadId: (row.lead_id as string | null) ?? null,
    customerName: String(row.customer_name),
    customerPhone: (row.customer_phone as string | null) ?? null,
    locale: row.locale as 'he' | 'en',
    lines: row.lines as InvoiceLine[],
    vatRateBps: int(row.vat_rate_bps),
    netAgorot: int(row.net_agorot),
    vatAgorot: int(row.vat_agorot),
    totalAgorot: int(row.total_agorot),
    reason: (row.reason as string | null) ?? null,
    issuedAt: iso(row.issued_at)!,
    issuer: toIssuer(row),
    allocationNumber: (row.allocation_number as string | null) ?? null,
  };
}

export async function findInvoiceByKey(idempotencyKey: string): Promise<InvoiceRecord | null> {
  const row = await selectOne<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE idempotency_key = :idempotencyKey`, { idempotencyKey });
  return row ? toInvoice(row) : null;
}

export async function findInvoice(id: string): Promise<InvoiceRecord | null> {
  const row = await selectOne<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = :id`, { id });
  return row ? toInvoice(row) : null;
}

export async function listInvoices(limit = 200): Promise<InvoiceRecord[]> {
  const rows = await select<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM invoices ORDER BY issued_at DESC, number DESC LIMIT :limit`, { limit });
  return rows.map(toInvoice);
}

async function insertDocument(series: 'invoice' | 'credit_note', input: NewInvoice & { creditsInvoiceId?: string | null; reason?: string | null }) {
  await lockSeries(series);
  // Under the lock: a retry of the same issue (same key) finds the first one and takes no number.
  const existing = await findInvoiceByKey(input.idempotencyKey);
  if (existing) return { invoice: existing, created: false };
  const number = await takeNextNumber(series);
  const [row] = await write<InvoiceRow>(
    `INSERT INTO invoices (business_id, series, number, idempotency_key, offer_id, contract_id, credits_invoice_id, lead_id,
       customer_name, customer_phone, locale, lines, vat_rate_bps, net_agorot, vat_agorot, total_agorot, reason, ${ISSUER_COLUMNS})
     VALUES (:businessId, :series, :number, :idempotencyKey, :offerId, :contractId, :creditsInvoiceId, :leadId,
       :customerName, :customerPhone, :locale, CAST(:lines AS jsonb), :vatRateBps, :netAgorot, :vatAgorot, :totalAgorot, :reason, ${ISSUER_VALUES})
     RETURNING ${INVOICE_COLUMNS}`,
    {
      series,
      number,
      idempotencyKey: input.idempotencyKey,
      offerId: input.offerId,
      contractId: input.contractId,
      creditsInvoiceId: input.creditsInvoiceId ?? null,
      leadId: input.leadId,
      customerName: input.customerName,
      customerPhone: input.customerPhone,
      locale: input.locale,
      lines: JSON.stringify(input.lines),
      vatRateBps: input.vatRateBps,
      netAgorot: input.netAgorot,
      vatAgorot: input.vatAgorot,
      totalAgorot: input.totalAgorot,
      reason: input.reason ?? null,
    },
  );
  return { invoice: toInvoice(row!), created: true };
}

/** Issues an invoice once per idempotency key; must run inside a tenant transaction. */
export function issueInvoice(input: NewInvoice): Promise<{ invoice: InvoiceRecord; created: boolean }> {
  return insertDocument('invoice', input);
}

/** A credit note cancelling an invoice in full (its own number series), once per key. */
export async function issueCreditNote(invoice: InvoiceRecord, idempotencyKey: string, reason: string): Promise<{ invoice: InvoiceRecord; created: boolean }> {
  return insertDocument('credit_note', {
    idempotencyKey,
    offerId: invoice.offerId,
    contractId: invoice.contractId,
    leadId: invoice.leadId,
    customerName: invoice.customerName,
    customerPhone: invoice.customerPhone,
    locale: invoice.locale,
    lines: invoice.lines,
    vatRateBps: invoice.vatRateBps,
    netAgorot: invoice.netAgorot,
    vatAgorot: invoice.vatAgorot,
    totalAgorot: invoice.totalAgorot,
    creditsInvoiceId: invoice.id,
    reason,
  });
}

const RECEIPT_COLUMNS = `id, number, payment_id, invoice_id, customer_name, method, amount_agorot, issued_at, ${ISSUER_COLUMNS}`;

function toReceipt(row: Record<string, unknown>): ReceiptRecord {
  return {
    id: String(row.id),
    number: int(row.number),
    paymentId: String(row.payment_id),
    invoiceId: String(row.invoice_id),
    customerName: String(row.customer_name),
    method: String(row.method),
    amountAgorot: int(row.amount_agorot),
    issuedAt: iso(row.issued_at)!,
    issuer: toIssuer(row),
  };
}

/** The receipt of one payment: at most one per payment, numbered without gaps. */
export async function issueReceipt(paymentId: string): Promise<{ receipt: ReceiptRecord; created: boolean }> {
  await lockSeries('receipt');
  const existing = await selectOne<Record<string, unknown>>(`SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE payment_id = :paymentId`, { paymentId });
  if (existing) return { receipt: toReceipt(existing), created: false };
  const payment = await selectOne<{ invoice_id: string; method: string; amount_agorot: string; customer_name: string }>(
    'SELECT p.invoice_id, p.method, p.amount_agorot, i.customer_name FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id = :paymentId',
    { paymentId },
  );
  if (!payment) throw new Error(`payment ${paymentId} not found in this business`);
  const number = await takeNextNumber('receipt');
  const [row] = await write<Record<string, unknown>>(
    `INSERT INTO receipts (business_id, number, payment_id, invoice_id, customer_name, method, amount_agorot, ${ISSUER_COLUMNS})
     VALUES (:businessId, :number, :paymentId, :invoiceId, :customerName, :method, :amount, ${ISSUER_VALUES}) RETURNING ${RECEIPT_COLUMNS}`,
    { number, paymentId, invoiceId: payment.invoice_id, customerName: payment.customer_name, method: payment.method, amount: int(payment.amount_agorot) },
  );
  return { receipt: toReceipt(row!), created: true };
}

export async function findReceipt(id: string): Promise<ReceiptRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE id = :id`, { id });
  return row ? toReceipt(row) : null;
}

export async function listReceipts(limit = 200): Promise<ReceiptRecord[]> {
  const rows = await select<Record<string, unknown>>(`SELECT ${RECEIPT_COLUMNS} FROM receipts ORDER BY number DESC LIMIT :limit`, { limit });
  return rows.map(toReceipt);
}

/** Locks an invoice row for the rest of the transaction (payments against it queue here). */
export async function lockInvoice(id: string): Promise<InvoiceRecord | null> {
  const row = await selectOne<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE id = :id FOR UPDATE`, { id });
  return row ? toInvoice(row) : null;
}

export async function creditNoteOf(invoiceId: string): Promise<InvoiceRecord | null> {
  const row = await selectOne<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM invoices WHERE credits_invoice_id = :invoiceId`, { invoiceId });
  return row ? toInvoice(row) : null;
}

/** Sets the invoice's allocation number once (the only change an issued invoice allows); returns the invoice as stored. */
export async function setAllocationNumber(invoiceId: string, allocationNumber: string): Promise<InvoiceRecord | null> {
  await write('UPDATE invoices SET allocation_number = :allocationNumber WHERE id = :invoiceId AND allocation_number IS NULL', { invoiceId, allocationNumber });
  return findInvoice(invoiceId);
}
