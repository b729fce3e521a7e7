import type { Client } from '@temporalio/client';
import { Business, type Database } from '../data';
import { businessOfSigningToken, contractForToken, signContract, type SigningRefusal } from '../data/billing';
import { hashSigningToken } from '../platform/payments/signing-token';
import { signalContractSigned } from './billing';

/**
 * The customer's side of signing, shared by the API's public routes and the CRM's /sign page:
 * the token finds its business (audited system scope, by hash only), everything else runs in
 * that business's tenant transaction, and a signature is followed by the deal's signal.
 */
export const SIGNING_CONSENT = {
  he: 'קראתי את ההסכם, אני מסכים/ה לתנאיו ולחתימה עליו בדרך אלקטרונית.',
  en: 'I have read the agreement, and agree to its terms and to signing it electronically.',
} as const;

export type SigningOutcome<T> = { ok: true; value: T } | { ok: false; refusal: SigningRefusal };

export interface SigningView {
  id: string;
  title: string;
  locale: 'he' | 'en';
  businessName: string;
  bodyHtml: string;
  documentHash: string;
  expiresAt: string | null;
  consentText: string;
}

export interface SignatureSubmission {
  token: string;
  typedName: string;
  signaturePng: Buffer;
  documentHash: string;
  ip: string | null;
  userAgent: string | null;
}

async function locate(db: Database, contractId: string, token: string) {
  const tokenHash = hashSigningToken(token);
  const businessId = await db.withSystemScope('public signing link: find the business of the token', () => businessOfSigningToken(contractId, tokenHash), {
    logLevel: 'debug',
  });
  return businessId ? { businessId, tokenHash } : null;
}

export async function openSigningContract(db: Database, contractId: string, token: string): Promise<SigningOutcome<SigningView>> {
  const found = await locate(db, contractId, token);
  if (!found) return { ok: false, refusal: 'not_found' };
  return db.withTenant({ businessId: found.businessId }, async () => {
    const opened = await contractForToken(contractId, found.tokenHash, new Date());
    if ('refusal' in opened) return { ok: false, refusal: opened.refusal };
    const business = await Business.findByPk(found.businessId, { rejectOnEmpty: true });
    const { contract } = opened;
    return {
      ok: true,
      value: {
        id: contract.id,
        title: contract.title,
        locale: contract.locale,
        businessName: business.name,
        bodyHtml: contract.bodyHtml,
        documentHash: contract.documentHash,
        expiresAt: contract.signingExpiresAt,
        consentText: SIGNING_CONSENT[contract.locale],
      },
    };
  });
}

export async function submitContractSignature(
  db: Database,
  temporal: Client,
  contractId: string,
  submission: SignatureSubmission,
): Promise<SigningOutcome<{ signedAt: string | null }>> {
  const found = await locate(db, contractId, submission.token);
  if (!found) return { ok: false, refusal: 'not_found' };
  const result = await db.withTenant({ businessId: found.businessId }, async () => {
    const opened = await contractForToken(contractId, found.tokenHash, new Date());
    if ('refusal' in opened) return opened;
    return signContract(
      contractId,
      found.tokenHash,
      {
        typedName: submission.typedName,
        signaturePng: submission.signaturePng,
        consentText: SIGNING_CONSENT[opened.contract.locale],
        ip: submission.ip,
        userAgent: submission.userAgent,
        documentHash: submission.documentHash,
      },
      new Date(),
    );
  });
  if ('refusal' in result) return { ok: false, refusal: result.refusal };
  await signalContractSigned(temporal, found.businessId, result.contract.offerId, result.contract.id);
  return { ok: true, value: { signedAt: result.contract.signedAt } };
}

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const SIGNATURE_DATA_URL_PATTERN = PNG_DATA_URL;

/** A drawn signature as a data: URL → the PNG bytes, or null when it is not a PNG of sane size. */
export function decodeSignaturePng(dataUrl: string): Buffer | null {
  const match = PNG_DATA_URL.exec(dataUrl);
  if (!match) return null;
  const png = Buffer.from(match[1]!, 'base64');
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_MAGIC) || png.subarray(12, 16).toString('latin1') !== 'IHDR') return null;
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return width >= 20 && height >= 10 && width <= 4000 && height <= 4000 ? png : null;
}
