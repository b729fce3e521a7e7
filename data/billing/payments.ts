import { int, iso, select, selectOne, write } from './sql';

export type PaymentProviderName = 'manual' | 'card';
export type PaymentMethod = 'cash' | 'transfer' | 'cheque' | 'card';
export const MANUAL_PAYMENT_METHODS = ['cash', 'transfer', 'cheque'] as const;

export interface PaymentRecord {
  id: string;
  invoiceId: string;
  provider: PaymentProviderName;
  method: PaymentMethod;
  amountAgorot: number;
  idempotencyKey: string;
  providerReference: string | null;
  note: string | null;
  paidAt: string;
}

const COLUMNS = 'id, invoice_id, provider, method, amount_agorot, idempotency_key, provider_reference, note, paid_at';

function toPayment(row: Record<string, unknown>): PaymentRecord {
  return {
    id: String(row.id),
    invoiceId: String(row.invoice_id),
    provider: row.provider as PaymentProviderName,
    method: row.method as PaymentMethod,
    amountAgorot: int(row.amount_agorot),
    idempotencyKey: String(row.idempotency_key),
    providerReference: (row.provider_reference as string | null) ?? null,
    note: (row.note as string | null) ?? null,
    paidAt: iso(row.paid_at)!,
  };
}

export interface NewPayment {
  invoiceId: string;
  provider: PaymentProviderName;
  method: PaymentMethod;
  amountAgorot: number;
  idempotencyKey: string;
  providerReference?: string | null;
  note?: string | null;
  recordedByUserId?: string | null;
}

/** Records a payment once per idempotency key (a replayed webhook or a double click records one). */
export async function recordPayment(input: NewPayment): Promise<{ payment: PaymentRecord; created: boolean }> {
  const [inserted] = await write<Record<string, unknown>>(
    `INSERT INTO payments (business_id, invoice_id, provider, method, amount_agorot, idempotency_key, provider_reference, note, recorded_by_user_id)
     VALUES (:businessId, :invoiceId, :provider, :method, :amount, :key, :reference, :note, :userId)
     ON CONFLICT (business_id, idempotency_key) DO NOTHING RETURNING ${COLUMNS}`,
    {
      invoiceId: input.invoiceId,
      provider: input.provider,
      method: input.method,
      amount: input.amountAgorot,
      key: input.idempotencyKey,
      reference: input.providerReference ?? null,
      note: input.note ?? null,
      userId: input.recordedByUserId ?? null,
    },
  );
  if (inserted) return { payment: toPayment(inserted), created: true };
  const existing = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM payments WHERE idempotency_key = :key`, { key: input.idempotencyKey });
  return { payment: toPayment(existing!), created: false };
}

export async function findPayment(id: string): Promise<PaymentRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM payments WHERE id = :id`, { id });
  return row ? toPayment(row) : null;
}

export async function paidAgorotOf(invoiceId: string): Promise<number> {
  const row = await selectOne<{ paid: string | null }>('SELECT sum(amount_agorot) AS paid FROM payments WHERE invoice_id = :invoiceId', { invoiceId });
  return int(row?.paid ?? 0);
}

export async function listPayments(limit = 200): Promise<PaymentRecord[]> {
  const rows = await select<Record<string, unknown>>(`SELECT ${COLUMNS} FROM payments ORDER BY paid_at DESC LIMIT :limit`, { limit });
  return rows.map(toPayment);
}

/**
 * Remembers a card-provider webhook event; false when it was already seen (a replay), so the
 * caller does nothing twice. Runs in the same transaction as the payment it records.
 */
export async function rememberWebhookEvent(provider: string, eventId: string, payload: unknown): Promise<boolean> {
  const rows = await write<{ id: string }>(
    `INSERT INTO payment_webhook_events (business_id, provider, event_id, payload) VALUES (:businessId, :provider, :eventId, CAST(:payload AS jsonb))
     ON CONFLICT (business_id, provider, event_id) DO NOTHING RETURNING id`,
    { provider, eventId, payload: JSON.stringify(payload) },
  );
  return rows.length > 0;
}

export async function findPaymentByKey(idempotencyKey: string): Promise<PaymentRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM payments WHERE idempotency_key = :idempotencyKey`, { idempotencyKey });
  return row ? toPayment(row) : null;
}

/** Payments of an invoice that have no receipt yet (a deal whose signal was lost finds them here). */
export async function unreceiptedPaymentIds(invoiceId: string): Promise<string[]> {
  const rows = await select<{ id: string }>(
    'SELECT p.id FROM payments p WHERE p.invoice_id = :invoiceId AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.payment_id = p.id) ORDER BY p.paid_at, p.id',
    { invoiceId },
  );
  return rows.map((row) => row.id);
}
