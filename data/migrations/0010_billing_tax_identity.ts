import type { MigrationContext } from './types';

/**
 * The business's tax identity (Israeli tax file number and dealer type) on its profile, frozen
 * onto each invoice and receipt as issued; the Tax Authority's allocation number ("מספר הקצאה")
 * on invoices that need one; and the PDF of each invoice and receipt, rendered once by the worker.
 *
 * An issued invoice stays immutable with one exception: its allocation number may be set once,
 * from empty, and nothing else in the row may change in that update.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`ALTER TABLE businesses
    ADD COLUMN tax_id text CHECK (tax_id ~ '^[0-9]{9}$'),
    ADD COLUMN dealer_type text CHECK (dealer_type IN ('licensed', 'exempt', 'company')),
    ADD COLUMN billing_address text CHECK (char_length(billing_address) <= 300)`);

  for (const table of ['invoices', 'receipts']) {
    await sql(`ALTER TABLE ${table}
      ADD COLUMN issuer_name text,
      ADD COLUMN issuer_tax_id text,
      ADD COLUMN issuer_dealer_type text CHECK (issuer_dealer_type IN ('licensed', 'exempt', 'company')),
      ADD COLUMN issuer_address text`);
  }
  await sql('ALTER TABLE invoices ADD COLUMN allocation_number text CHECK (allocation_number ~ \'^[0-9]{9,}$\')');

  await sql(`
    CREATE TABLE billing_document_pdfs (
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE RESTRICT,
      document_type text NOT NULL CHECK (document_type IN ('invoice', 'receipt')),
      document_id uuid NOT NULL,
      pdf bytea NOT NULL,
      pdf_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (business_id, document_type, document_id)
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('billing_document_pdfs')");

  await sql(`
    CREATE OR REPLACE FUNCTION prosaas_refuse_change_of_issued_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      -- Nested: receipts have no allocation_number, and PL/pgSQL does not short-circuit field lookups.
      IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'invoices' THEN
        IF OLD.allocation_number IS NULL AND NEW.allocation_number IS NOT NULL
           AND (to_jsonb(NEW) - 'allocation_number') = (to_jsonb(OLD) - 'allocation_number') THEN
          RETURN NEW;
        END IF;
      END IF;
      RAISE EXCEPTION 'issued % number % is immutable; correct it with a credit note', TG_TABLE_NAME, OLD.number
        USING ERRCODE = 'integrity_constraint_violation';
    END
    $$`);
}
