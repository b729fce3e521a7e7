import type { MigrationContext } from './types';

/**
 * Lead search that an index can answer under row-level security.
 *
 * RLS puts the tenant policy before every query's own conditions, and PostgreSQL only lets a
 * condition into an index scan ahead of the policy when its operator is leakproof. ILIKE,
 * trigram and full-text operators are not, so a search for "%cohen%" read every lead of the
 * business. Text equality, comparison and starts_with (^@) are leakproof: this table keeps,
 * for every lead, the search terms a prefix must match —
 *  - the lower-cased, space-collapsed full name and e-mail from each word start on
 *    (so "coh" finds "Dana Cohen" and "example" finds "dana@example.com"),
 *  - every suffix of the phone's digits of 3 or more (so "4567" finds +972521234567), and the
 *    national form of an Israeli number ("052...").
 * The search is then `term ^@ <query>` on (business_id, term): the tenant and the search are
 * both index conditions. Triggers keep the terms in step with leads; a deleted lead's terms go by
 * the foreign key.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    CREATE FUNCTION prosaas_search_normalize(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT lower(regexp_replace(btrim(coalesce(value, '')), '\\s+', ' ', 'g')) $$`);

  await sql(`
    CREATE FUNCTION prosaas_lead_search_terms(full_name text, email text, phone_e164 text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      WITH words AS (
        SELECT prosaas_search_normalize(full_name) AS text, '[ ''"-]' AS boundary
        UNION ALL SELECT prosaas_search_normalize(email), '[@.+_-]'
      ), word_starts AS (
        SELECT w.text, at FROM words w, generate_series(1, length(w.text)) AS at
        WHERE at = 1 OR substr(w.text, at - 1, 1) ~ w.boundary
      ), digits AS (SELECT regexp_replace(coalesce(phone_e164, ''), '\\D', '', 'g') AS d)
      SELECT substr(text, at) FROM word_starts
      UNION
      SELECT substr(d, at) FROM digits, generate_series(1, length(d) - 2) AS at
      UNION
      SELECT '0' || substr(d, 4) FROM digits WHERE d LIKE '972%'
    $$`);

  await sql(`
    CREATE TABLE lead_search_terms (
      lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
      term text COLLATE "C" NOT NULL,
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      PRIMARY KEY (lead_id, term)
    )`);
  await sql('CREATE INDEX lead_search_terms_business_term_idx ON lead_search_terms (business_id, term)');

  // Statement-level with transition tables: one INSERT ... SELECT per bulk import, not per row.
  await sql(`
    CREATE FUNCTION prosaas_lead_search_terms_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO lead_search_terms (lead_id, term, business_id)
        SELECT l.id, t, l.business_id FROM added_leads l, prosaas_lead_search_terms(l.full_name, l.email, l.phone_e164) t;
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE FUNCTION prosaas_lead_search_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM lead_search_terms s USING old_leads o JOIN new_leads n ON n.id = o.id
        WHERE s.lead_id = n.id AND (n.full_name, n.email, n.phone_e164) IS DISTINCT FROM (o.full_name, o.email, o.phone_e164);
      INSERT INTO lead_search_terms (lead_id, term, business_id)
        SELECT n.id, t, n.business_id FROM new_leads n JOIN old_leads o ON o.id = n.id,
          prosaas_lead_search_terms(n.full_name, n.email, n.phone_e164) t
        WHERE (n.full_name, n.email, n.phone_e164) IS DISTINCT FROM (o.full_name, o.email, o.phone_e164);
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE TRIGGER leads_search_terms_added AFTER INSERT ON leads
    REFERENCING NEW TABLE AS added_leads FOR EACH STATEMENT EXECUTE FUNCTION prosaas_lead_search_terms_added()`);
  await sql(`
    CREATE TRIGGER leads_search_terms_changed AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_leads NEW TABLE AS new_leads FOR EACH STATEMENT EXECUTE FUNCTION prosaas_lead_search_terms_changed()`);

  // The terms of the leads that already exist. The owner is subject to the policies too (FORCE),
  // so it steps out of them for this one statement, inside this migration's transaction.
  await sql('ALTER TABLE leads NO FORCE ROW LEVEL SECURITY');
  await sql(`
    INSERT INTO lead_search_terms (lead_id, term, business_id)
      SELECT l.id, t, l.business_id FROM leads l, prosaas_lead_search_terms(l.full_name, l.email, l.phone_e164) t`);
  await sql('ALTER TABLE leads FORCE ROW LEVEL SECURITY');
  await sql("SELECT prosaas_enable_tenant_rls('lead_search_terms')");
}
