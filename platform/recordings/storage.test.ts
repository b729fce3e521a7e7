import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalRecordingStorage, parseByteRange, recordingKey } from './storage';

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('LocalRecordingStorage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-recordings-'));
  const storage = new LocalRecordingStorage(root);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('stores, reads whole and by range, and deletes idempotently', async () => {
    const key = recordingKey('b1', 'CA1', 'RE1', 'mp3');
    const audio = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    await storage.put(key, audio, 'audio/mpeg');
    expect(fs.existsSync(path.join(root, 'b1/CA1/RE1.mp3'))).toBe(true);
    const whole = await storage.get(key);
    expect(whole).toMatchObject({ size: 1000, contentType: 'audio/mpeg', range: { start: 0, end: 999 } });
    expect((await read(whole!.body)).equals(audio)).toBe(true);
    const part = await storage.get(key, { start: 10, end: 19 });
    expect((await read(part!.body)).equals(audio.subarray(10, 20))).toBe(true);
    await storage.delete(key);
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
  });

  it('refuses keys that would leave its directory', async () => {
    await expect(storage.put('../escape.mp3', Buffer.from('x'), 'audio/mpeg')).rejects.toThrow(/unsafe/);
    await expect(storage.get('a/../../etc/passwd')).rejects.toThrow(/unsafe/);
  });
});

describe('parseByteRange', () => {
  it('reads single ranges, suffixes and open ends, and refuses what lies outside', () => {
    expect(parseByteRange(undefined, 100)).toBeNull();
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseByteRange('items=0-1', 100)).toBeNull();
  });
});
