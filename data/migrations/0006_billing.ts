import type { MigrationContext } from './types';

/**
 * Billing and contracts: offers (+ lines), contract templates, contracts with their signature,
 * invoices and credit notes, payments, receipts, and the per-business document counters.
 *
 * Invoices and receipts are numbered per business without gaps: the number comes from a counter
 * row updated (and so locked) in the same transaction as the insert, so a rolled-back issue gives
 * its number back and concurrent issues queue on the row. Once written they are immutable
 * (a trigger refuses UPDATE and DELETE); a correction is a credit note. Their business foreign key
 * is RESTRICT rather than CASCADE for the same reason: tax documents outlive nothing by accident.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE billing_counters (
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      series text NOT NULL CHECK (series IN ('invoice', 'credit_note', 'receipt')),
      last_number integer NOT NULL DEFAULT 0 CHECK (last_number >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (business_id, series)
    )`);

  await sql(`
    CREATE TABLE contract_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      name text NOT NULL,
      locale text NOT NULL CHECK (locale IN ('he', 'en')),
      body text NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE UNIQUE INDEX contract_templates_default_unique ON contract_templates (business_id, locale) WHERE is_default');

  await sql(`
    CREATE TABLE offers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE RESTRICT,
      title text NOT NULL,
      locale text NOT NULL CHECK (locale IN ('he', 'en')),
      currency text NOT NULL DEFAULT 'ILS' CHECK (currency = 'ILS'),
      vat_rate_bps integer NOT NULL CHECK (vat_rate_bps BETWEEN 0 AND 10000),
      document_discount_agorot bigint NOT NULL DEFAULT 0 CHECK (document_discount_agorot >= 0),
      subtotal_agorot bigint NOT NULL,
      net_agorot bigint NOT NULL,
      vat_agorot bigint NOT NULL,
      total_agorot bigint NOT NULL,
      valid_until date,
      notes text,
      template_id uuid REFERENCES contract_templates(id) ON DELETE SET NULL,
      status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'sent', 'signed', 'invoiced', 'paid', 'cancelled', 'expired')),
      workflow_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await sql('CREATE INDEX offers_business_created_idx ON offers (business_id, created_at DESC)');
  await sql('CREATE INDEX offers_business_lead_idx ON offers (business_id, lead_id)');

  await sql(`
    CREATE TABLE offer_lines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      offer_id uuid NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
      position integer NOT NULL,
      description text NOT NULL,
      quantity_milli integer NOT NULL CHECK (quantity_milli > 0),
      unit_price_agorot bigint NOT NULL CHECK (unit_price_agorot >= 0),
      discount_bps integer CHECK (discount_bps BETWEEN 0 AND 10000),
      discount_agorot bigint NOT NULL DEFAULT 0 CHECK (discount_agorot >= 0),
      net_agorot bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (offer_id, position)
    )`);

  await sql(`
    CREATE TABLE contracts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      offer_id uuid NOT NULL UNIQUE REFERENCES offers(id) ON DELETE RESTRICT,
      template_id uuid REFERENCES contract_templates(id) ON DELETE SET NULL,
      locale text NOT NULL CHECK (locale IN ('he', 'en')),
      title text NOT NULL,
      body_html text NOT NULL,
      document_hash text NOT NULL,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'signed', 'cancelled', 'expired')),
      signing_token_hash text UNIQUE,
      signing_link_version integer NOT NULL DEFAULT 0,
      signing_expires_at timestamptz,
      sent_at timestamptz,
      signed_at timestamptz,
      signer_name text,
      signature_png bytea,
      consent_text text,
      signer_ip text,
      signer_user_agent text,
      signed_pdf bytea,
      signed_pdf_hash text,
      cancelled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contracts_signed_has_signature CHECK (
        status <> 'signed' OR (signed_at IS NOT NULL AND signer_name IS NOT NULL AND signature_png IS NOT NULL AND consent_text IS NOT NULL)
      )
    )`);
  await sql('CREATE INDEX contracts_business_created_idx ON contracts (business_id, created_at DESC)');

  await sql(`
    CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE RESTRICT,
      series text NOT NULL CHECK (series IN ('invoice', 'credit_note')),
      number integer NOT NULL CHECK (number > 0),
      idempotency_key text NOT NULL,
      offer_id uuid REFERENCES offers(id) ON DELETE RESTRICT,
      contract_id uuid REFERENCES contracts(id) ON DELETE RESTRICT,
      credits_invoice_id uuid REFERENCES invoices(id) ON DELETE RESTRICT,
      lead_id uuid REFERENCES leads(id) ON DELETE RESTRICT,
      customer_name text NOT NULL,
      customer_phone text,
      locale text NOT NULL CHECK (locale IN ('he', 'en')),
      lines jsonb NOT NULL,
      vat_rate_bps integer NOT NULL,
      net_agorot bigint NOT NULL,
      vat_agorot bigint NOT NULL,
      total_agorot bigint NOT NULL,
      reason text,
      issued_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, series, number),
      UNIQUE (business_id, idempotency_key),
      CONSTRAINT invoices_credit_note_names_invoice CHECK ((series = 'credit_note') = (credits_invoice_id IS NOT NULL))
    )`);
  await sql('CREATE INDEX invoices_business_issued_idx ON invoices (business_id, issued_at DESC)');

  await sql(`
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE RESTRICT,
      invoice_id uuid NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT,
      provider text NOT NULL CHECK (provider IN ('manual', 'card')),
      method text NOT NULL CHECK (method IN ('cash', 'transfer', 'cheque', 'card')),
      amount_agorot bigint NOT NULL CHECK (amount_agorot > 0),
      idempotency_key text NOT NULL,
      provider_reference text,
      note text,
      recorded_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      paid_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, idempotency_key)
    )`);
  await sql('CREATE INDEX payments_business_invoice_idx ON payments (business_id, invoice_id)');

  await sql(`
    CREATE TABLE receipts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE RESTRICT,
      number integer NOT NULL CHECK (number > 0),
      payment_id uuid NOT NULL UNIQUE REFERENCES payments(id) ON DELETE RESTRICT,
      invoice_id uuid NOT NULL REFERENCES invoices(id) ON DELETE RESTRICT,
      customer_name text NOT NULL,
      method text NOT NULL,
      amount_agorot bigint NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, number)
    )`);

  // Card provider webhook deliveries, deduplicated by the provider's event id (a replay is a no-op).
  await sql(`
    CREATE TABLE payment_webhook_events (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      provider text NOT NULL,
      event_id text NOT NULL,
      payment_id uuid REFERENCES payments(id) ON DELETE SET NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (business_id, provider, event_id)
    )`);

  await sql(`
    CREATE OR REPLACE FUNCTION prosaas_refuse_change_of_issued_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'issued % number % is immutable; correct it with a credit note', TG_TABLE_NAME, OLD.number
        USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`);
  await sql('CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION prosaas_refuse_change_of_issued_document()');
  await sql('CREATE TRIGGER receipts_immutable BEFORE UPDATE OR DELETE ON receipts FOR EACH ROW EXECUTE FUNCTION prosaas_refuse_change_of_issued_document()');

  for (const table of ['billing_counters', 'contract_templates', 'offers', 'offer_lines', 'contracts', 'invoices', 'payments', 'receipts', 'payment_webhook_events']) {
    await sql(`SELECT prosaas_enable_tenant_rls('${table}')`);
  }
}
