import { createHash, createHmac } from 'node:crypto';

/**
 * Contract signing links. The token is an HMAC of (purpose, contract, link version) under a server
 * secret: unguessable (256 bits), good for one purpose and one contract, and derivable again by
 * the worker, so a retried "send the link" sends the same link and the token never has to be
 * stored or carried in workflow history. The database keeps only its SHA-256.
 */
const PURPOSE = 'contract-signing';

export function signingToken(secret: string, contractId: string, version: number): string {
  return createHmac('sha256', secret).update(`${PURPOSE}:${contractId}:${version}`).digest('base64url');
}

export function hashSigningToken(token: string): string {
  return createHash('sha256').update(`${PURPOSE}:${token}`).digest('hex');
}

/** The public signing page of the CRM, without its token: what stored copies of a message show. */
export function signingPageUrl(publicBaseUrl: string, contractId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/sign/${contractId}`;
}

/** The signing link the customer gets: the page with its token. */
export function signingUrl(publicBaseUrl: string, contractId: string, token: string): string {
  return `${signingPageUrl(publicBaseUrl, contractId)}?token=${encodeURIComponent(token)}`;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
