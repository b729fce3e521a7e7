import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppConfig } from '../config';
import { S3RecordingStorage } from './s3-storage';

/** A stored recording read back: the whole object or one byte range of it. */
export interface StoredRecording {
  body: Readable;
  /** Size of the whole object in bytes. */
  size: number;
  /** Bytes [start, end] (inclusive) this body carries. */
  range: { start: number; end: number };
  contentType: string;
}

/**
 * Where call recordings live. Keys are relative paths such as
 * `<businessId>/<callSid>/<recordingSid>.mp3`; the business id comes first so a
 * tenant's recordings stay together and can be deleted together.
 */
export interface RecordingStorage {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. `range` is inclusive and already clipped by the caller. */
  get(key: string, range?: { start: number; end?: number }): Promise<StoredRecording | null>;
  /** Deleting what is not there is fine (idempotent). */
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*$/;

export function assertRecordingKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) throw new Error(`unsafe recording key: ${key}`);
}

export function recordingKey(businessId: string, callSid: string, recordingSid: string, extension: string): string {
  const key = `${businessId}/${callSid}/${recordingSid}.${extension}`;
  assertRecordingKey(key);
  return key;
}

/** Recordings as files under one directory (the default; a Docker volume in production). */
export class LocalRecordingStorage implements RecordingStorage {
  readonly kind = 'local' as const;
  readonly #root: string;

  constructor(root: string) {
    this.#root = path.resolve(root);
  }

  #path(key: string): string {
    assertRecordingKey(key);
    return path.join(this.#root, key);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const file = this.#path(key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    // Written beside and renamed: a reader never sees half a file, a retry simply overwrites.
    const partial = `${file}.${process.pid}.${Date.now()}.part`;
    await fs.promises.writeFile(partial, body, { mode: 0o640 });
    await fs.promises.writeFile(`${file}.type`, contentType);
    await fs.promises.rename(partial, file);
  }

  async get(key: string, range?: { start: number; end?: number }): Promise<StoredRecording | null> {
    const file = this.#path(key);
    let size: number;
    try {
      size = (await fs.promises.stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const contentType = await fs.promises.readFile(`${file}.type`, 'utf8').catch(() => 'application/octet-stream');
    const start = Math.min(range?.start ?? 0, Math.max(0, size - 1));
    const end = Math.min(range?.end ?? size - 1, size - 1);
    return { body: fs.createReadStream(file, { start, end: Math.max(start, end) }), size, range: { start, end }, contentType };
  }

  async delete(key: string): Promise<void> {
    const file = this.#path(key);
    await fs.promises.rm(file, { force: true });
    await fs.promises.rm(`${file}.type`, { force: true });
    // Leave no empty per-call directory behind.
    await fs.promises.rmdir(path.dirname(file)).catch(() => undefined);
  }
}

export function createRecordingStorage(config: Pick<AppConfig, 'RECORDING_STORAGE' | 'RECORDINGS_DIR' | 'RECORDING_S3_ENDPOINT' | 'RECORDING_S3_BUCKET' | 'RECORDING_S3_REGION' | 'RECORDING_S3_ACCESS_KEY_ID' | 'RECORDING_S3_SECRET_ACCESS_KEY'>): RecordingStorage {
  if (config.RECORDING_STORAGE === 's3') {
    if (!config.RECORDING_S3_ENDPOINT || !config.RECORDING_S3_BUCKET || !config.RECORDING_S3_ACCESS_KEY_ID || !config.RECORDING_S3_SECRET_ACCESS_KEY) {
      throw new Error('RECORDING_STORAGE=s3 needs RECORDING_S3_ENDPOINT, RECORDING_S3_BUCKET, RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY');
    }
    return new S3RecordingStorage({
      endpoint: config.RECORDING_S3_ENDPOINT,
      bucket: config.RECORDING_S3_BUCKET,
      region: config.RECORDING_S3_REGION,
      accessKeyId: config.RECORDING_S3_ACCESS_KEY_ID,
      secretAccessKey: config.RECORDING_S3_SECRET_ACCESS_KEY,
    });
  }
  return new LocalRecordingStorage(config.RECORDINGS_DIR);
}

/** Copies a stored recording to an HTTP response (used by the API and the CRM routes). */
export async function pipeRecording(recording: StoredRecording, into: NodeJS.WritableStream): Promise<void> {
  await pipeline(recording.body, into);
}

/** Parses a single `Range: bytes=a-b` header against the object size; null = whole object, 'unsatisfiable' = 416. */
export function parseByteRange(header: string | null | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
