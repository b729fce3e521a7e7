import { int, iso, select, selectAsSystem, selectOne, write } from './sql';

export type ContractStatus = 'draft' | 'sent' | 'signed' | 'cancelled' | 'expired';

export interface ContractRecord {
  id: string;
  offerId: string;
  templateId: string | null;
  locale: 'he' | 'en';
  title: string;
  bodyHtml: string;
  documentHash: string;
  status: ContractStatus;
  signingLinkVersion: number;
  signingExpiresAt: string | null;
  sentAt: string | null;
  signedAt: string | null;
  signerName: string | null;
  signerIp: string | null;
  consentText: string | null;
  hasSignedPdf: boolean;
  signedPdfHash: string | null;
  createdAt: string;
}

const COLUMNS = `id, offer_id, template_id, locale, title, body_html, document_hash, status, signing_link_version, signing_expires_at,
  sent_at, signed_at, signer_name, signer_ip, consent_text, signed_pdf IS NOT NULL AS has_signed_pdf, signed_pdf_hash, created_at`;

function toContract(row: Record<string, unknown>): ContractRecord {
  return {
    id: String(row.id),
    offerId: String(row.offer_id),
    templateId: (row.template_id as string | null) ?? null,
    locale: row.locale as 'he' | 'en',
    title: String(row.title),
    bodyHtml: String(row.body_html),
    documentHash: String(row.document_hash),
    status: row.status as ContractStatus,
    signingLinkVersion: int(row.signing_link_version),
    signingExpiresAt: iso(row.signing_expires_at),
    sentAt: iso(row.sent_at),
    signedAt: iso(row.signed_at),
    signerName: (row.signer_name as string | null) ?? null,
    signerIp: (row.signer_ip as string | null) ?? null,
    consentText: (row.consent_text as string | null) ?? null,
    hasSignedPdf: Boolean(row.has_signed_pdf),
    signedPdfHash: (row.signed_pdf_hash as string | null) ?? null,
    createdAt: iso(row.created_at)!,
  };
}

export interface NewContract {
  offerId: string;
  templateId: string | null;
  locale: 'he' | 'en';
  title: string;
  bodyHtml: string;
  documentHash: string;
}

/** One contract per offer: a retried creation returns the first. */
export async function createContractOnce(input: NewContract): Promise<ContractRecord> {
  await write(
    `INSERT INTO contracts (business_id, offer_id, template_id, locale, title, body_html, document_hash)
     VALUES (:businessId, :offerId, :templateId, :locale, :title, :bodyHtml, :documentHash) ON CONFLICT (offer_id) DO NOTHING`,
    { ...input },
  );
  return (await findContractByOffer(input.offerId))!;
}

export async function findContract(id: string): Promise<ContractRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM contracts WHERE id = :id`, { id });
  return row ? toContract(row) : null;
}

export async function findContractByOffer(offerId: string): Promise<ContractRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM contracts WHERE offer_id = :offerId`, { offerId });
  return row ? toContract(row) : null;
}

export async function listContracts(limit = 200): Promise<ContractRecord[]> {
  return (await select<Record<string, unknown>>(`SELECT ${COLUMNS} FROM contracts ORDER BY created_at DESC LIMIT :limit`, { limit })).map(toContract);
}

/** Opens signing: the hash of the link's token (the token itself is never stored) and its expiry. */
export async function openSigning(id: string, tokenHash: string, version: number, expiresAt: Date): Promise<ContractRecord | null> {
  await write(
    `UPDATE contracts SET signing_token_hash = :tokenHash, signing_link_version = :version, signing_expires_at = :expiresAt,
       status = 'sent', sent_at = COALESCE(sent_at, now()), updated_at = now()
     WHERE id = :id AND status IN ('draft', 'sent')`,
    { id, tokenHash, version, expiresAt },
  );
  return findContract(id);
}

export type SigningRefusal = 'not_found' | 'expired' | 'already_signed' | 'cancelled' | 'document_changed';

/** The contract a signing token opens, or why it does not (the refusal reasons the page shows). */
export async function contractForToken(id: string, tokenHash: string, now: Date): Promise<{ contract: ContractRecord } | { refusal: SigningRefusal }> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM contracts WHERE id = :id AND signing_token_hash = :tokenHash`, { id, tokenHash });
  if (!row) return { refusal: 'not_found' };
  const contract = toContract(row);
  if (contract.status === 'signed') return { refusal: 'already_signed' };
  if (contract.status === 'cancelled') return { refusal: 'cancelled' };
  if (contract.status === 'expired' || !contract.signingExpiresAt || Date.parse(contract.signingExpiresAt) <= now.getTime()) return { refusal: 'expired' };
  return { contract };
}

export interface SignatureInput {
  typedName: string;
  signaturePng: Buffer;
  consentText: string;
  ip: string | null;
  userAgent: string | null;
  documentHash: string;
}

/**
 * Signs once: the UPDATE only matches an open (sent, unexpired) contract under that token, so a
 * second use of the link, a late one or a concurrent double submit changes nothing.
 */
export async function signContract(id: string, tokenHash: string, input: SignatureInput, now: Date): Promise<{ contract: ContractRecord } | { refusal: SigningRefusal }> {
  const opened = await contractForToken(id, tokenHash, now);
  if ('refusal' in opened) return opened;
  if (opened.contract.documentHash !== input.documentHash) return { refusal: 'document_changed' };
  const rows = await write<{ id: string }>(
    `UPDATE contracts SET status = 'signed', signed_at = :now, signer_name = :name, signature_png = :png, consent_text = :consent,
       signer_ip = :ip, signer_user_agent = :userAgent, updated_at = now()
     WHERE id = :id AND signing_token_hash = :tokenHash AND status = 'sent' AND signing_expires_at > :now RETURNING id`,
    { id, tokenHash, now, name: input.typedName, png: input.signaturePng, consent: input.consentText, ip: input.ip, userAgent: input.userAgent },
  );
  if (!rows.length) return contractForToken(id, tokenHash, now).then((r) => ('refusal' in r ? r : { refusal: 'already_signed' as const }));
  return { contract: (await findContract(id))! };
}

/** Ends an unsigned contract (expiry or the owner's cancel); returns the status it has afterwards. */
export async function closeUnsignedContract(id: string, status: 'expired' | 'cancelled'): Promise<ContractStatus | null> {
  await write(
    `UPDATE contracts SET status = :status, cancelled_at = CASE WHEN :status = 'cancelled' THEN now() ELSE cancelled_at END, updated_at = now()
     WHERE id = :id AND status IN ('draft', 'sent')`,
    { id, status },
  );
  return (await findContract(id))?.status ?? null;
}

export async function signatureOf(id: string): Promise<{ png: Buffer; signerName: string; signedAt: string; signerIp: string | null } | null> {
  const row = await selectOne<{ signature_png: Buffer | null; signer_name: string; signed_at: Date; signer_ip: string | null }>(
    'SELECT signature_png, signer_name, signed_at, signer_ip FROM contracts WHERE id = :id',
    { id },
  );
  if (!row?.signature_png) return null;
  return { png: row.signature_png, signerName: row.signer_name, signedAt: iso(row.signed_at)!, signerIp: row.signer_ip };
}

export async function storeSignedPdf(id: string, pdf: Buffer, pdfHash: string): Promise<void> {
  await write("UPDATE contracts SET signed_pdf = :pdf, signed_pdf_hash = :pdfHash, updated_at = now() WHERE id = :id AND status = 'signed' AND signed_pdf IS NULL", {
    id,
    pdf,
    pdfHash,
  });
}

export async function signedPdfOf(id: string): Promise<Buffer | null> {
  const row = await selectOne<{ signed_pdf: Buffer | null }>('SELECT signed_pdf FROM contracts WHERE id = :id', { id });
  return row?.signed_pdf ?? null;
}

export interface TemplateRecord {
  id: string;
  name: string;
  locale: 'he' | 'en';
  body: string;
  isDefault: boolean;
}

const TEMPLATE_COLUMNS = 'id, name, locale, body, is_default';
const toTemplate = (row: Record<string, unknown>): TemplateRecord => ({
  id: String(row.id),
  name: String(row.name),
  locale: row.locale as 'he' | 'en',
  body: String(row.body),
  isDefault: Boolean(row.is_default),
});

export async function listTemplates(): Promise<TemplateRecord[]> {
  return (await select<Record<string, unknown>>(`SELECT ${TEMPLATE_COLUMNS} FROM contract_templates ORDER BY locale, name`)).map(toTemplate);
}

export async function findTemplate(id: string): Promise<TemplateRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${TEMPLATE_COLUMNS} FROM contract_templates WHERE id = :id`, { id });
  return row ? toTemplate(row) : null;
}

export async function defaultTemplate(locale: 'he' | 'en'): Promise<TemplateRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${TEMPLATE_COLUMNS} FROM contract_templates WHERE locale = :locale AND is_default`, { locale });
  return row ? toTemplate(row) : null;
}

export async function saveTemplate(id: string | null, input: Omit<TemplateRecord, 'id'>): Promise<TemplateRecord | null> {
  // One default per locale: making this one the default clears the flag on the others first.
  if (input.isDefault) {
    await write('UPDATE contract_templates SET is_default = false, updated_at = now() WHERE locale = :locale AND is_default AND id <> CAST(:id AS uuid)', {
      locale: input.locale,
      id: id ?? '00000000-0000-0000-0000-000000000000',
    });
  }
  const rows = id
    ? await write<Record<string, unknown>>(
        `UPDATE contract_templates SET name = :name, locale = :locale, body = :body, is_default = :isDefault, updated_at = now() WHERE id = :id RETURNING ${TEMPLATE_COLUMNS}`,
        { id, ...input },
      )
    : await write<Record<string, unknown>>(
        `INSERT INTO contract_templates (business_id, name, locale, body, is_default) VALUES (:businessId, :name, :locale, :body, :isDefault) RETURNING ${TEMPLATE_COLUMNS}`,
        { ...input },
      );
  return rows[0] ? toTemplate(rows[0]) : null;
}

export async function deleteTemplate(id: string): Promise<boolean> {
  return (await write<{ id: string }>('DELETE FROM contract_templates WHERE id = :id RETURNING id', { id })).length > 0;
}

/** The business a signing token belongs to (system scope: the public page knows no business yet). */
export async function businessOfSigningToken(contractId: string, tokenHash: string): Promise<string | null> {
  const rows = await selectAsSystem<{ business_id: string }>('SELECT business_id FROM contracts WHERE id = :contractId AND signing_token_hash = :tokenHash', {
    contractId,
    tokenHash,
  });
  return rows[0]?.business_id ?? null;
}
