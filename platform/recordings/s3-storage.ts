import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RecordingStorage, StoredRecording } from './storage';
import { assertRecordingKey } from './storage';

export interface S3Options {
  /** https://s3.<region>.amazonaws.com, or a MinIO / R2 / other S3-compatible endpoint. Path-style addressing. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The clock (tests). */
  now?: () => Date;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding of one path segment, as SigV4 wants it. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignInput {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (lower-case names). */
  headers: Record<string, string>;
  payloadSha256: string;
  region: string;
  service?: string;
  accessKeyId: string;
  secretAccessKey: string;
  now: Date;
}

/**
 * AWS Signature Version 4 for one request (header auth). Returns every header
 * the request must carry, Authorization included.
 */
export function signV4(input: SignInput): Record<string, string> {
  const service = input.service ?? 's3';
  const amzDate = input.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: input.url.host,
    'x-amz-content-sha256': input.payloadSha256,
    'x-amz-date': amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => [encodeSegment(k), encodeSegment(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = input.url.pathname.split('/').map((part) => encodeSegment(decodeURIComponent(part))).join('/');
  const canonicalRequest = [input.method, canonicalPath, query, canonicalHeaders, signedHeaders, input.payloadSha256].join('\n');
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

/** Recordings in an S3-compatible bucket through plain fetch and SigV4 (no SDK). */
export class S3RecordingStorage implements RecordingStorage {
  readonly kind = 's3' as const;
  readonly #options: S3Options;

  constructor(options: S3Options) {
    this.#options = options;
  }

  #url(key: string): URL {
    assertRecordingKey(key);
    const base = this.#options.endpoint.replace(/\/+$/, '');
    return new URL(`${base}/${encodeSegment(this.#options.bucket)}/${key.split('/').map(encodeSegment).join('/')}`);
  }

  async #send(method: string, key: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const url = this.#url(key);
    const signed = signV4({
      method,
      url,
      headers,
      payloadSha256: body ? sha256(body) : EMPTY_SHA256,
      region: this.#options.region,
      accessKeyId: this.#options.accessKeyId,
      secretAccessKey: this.#options.secretAccessKey,
      now: this.#options.now?.() ?? new Date(),
    });
    delete signed.host; // fetch sets Host itself (same value)
    return fetch(url, { method, headers: signed, body: body ? new Uint8Array(body) : undefined, signal: AbortSignal.timeout(60_000) });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const response = await this.#send('PUT', key, { 'content-type': contentType }, body);
    if (!response.ok) throw new Error(`S3 PUT ${key} failed: HTTP ${response.status} ${await response.text()}`);
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<StoredRecording | null> {
    const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.end ?? ''}` } : {};
    const response = await this.#send('GET', key, headers);
    if (response.status === 404) return null;
    if (!response.ok || !response.body) throw new Error(`S3 GET ${key} failed: HTTP ${response.status}`);
    const contentRange = /bytes (\d+)-(\d+)\/(\d+)/.exec(response.headers.get('content-range') ?? '');
    const length = Number(response.headers.get('content-length') ?? 0);
    const size = contentRange ? Number(contentRange[3]) : length;
    return {
      body: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      size,
      range: contentRange ? { start: Number(contentRange[1]), end: Number(contentRange[2]) } : { start: 0, end: Math.max(0, size - 1) },
      contentType: response.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  async delete(key: string): Promise<void> {
    const response = await this.#send('DELETE', key, {});
    if (!response.ok && response.status !== 404) throw new Error(`S3 DELETE ${key} failed: HTTP ${response.status}`);
  }
}
