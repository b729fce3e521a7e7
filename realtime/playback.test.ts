import { FRAME_BYTES, FrameAssembler, OutboundQueue, bytesToMs, formatMarkName, parseMarkName, truncateAudioEndMs, type OutboundFrame } from './playback';

const frame = (itemEndMs: number, bytes = FRAME_BYTES): OutboundFrame => ({ generation: 1, itemId: 'item_1', payload: Buffer.alloc(bytes, 1), itemEndMs });

describe('FrameAssembler', () => {
  it('cuts arbitrary deltas into 160-byte frames and keeps the remainder for the next delta', () => {
    const assembler = new FrameAssembler(3, 'item_a');
    const data = Buffer.from(Array.from({ length: 1234 + 777 }, (_, i) => i % 251));
    const first = assembler.push(data.subarray(0, 1234));
    expect(first).toHaveLength(7); // 1120 bytes; 114 wait
    const second = assembler.push(data.subarray(1234));
    expect(second).toHaveLength(5); // (114 + 777) = 891 -> 5 frames, 91 wait
    const last = assembler.flush();
    expect(last?.payload).toHaveLength(91);
    const frames = [...first, ...second, last!];
    expect(Buffer.concat(frames.map((f) => f.payload)).equals(data)).toBe(true);
    expect(frames.slice(0, -1).every((f) => f.payload.length === FRAME_BYTES)).toBe(true);
    expect(frames.map((f) => f.itemEndMs)).toEqual([...Array.from({ length: 12 }, (_, i) => (i + 1) * 20), bytesToMs(2011)]);
    expect(frames.every((f) => f.generation === 3 && f.itemId === 'item_a')).toBe(true);
    expect(assembler.flush()).toBeNull();
  });

  it('reports the item length including the pending remainder', () => {
    const assembler = new FrameAssembler(1, 'x');
    assembler.push(Buffer.alloc(200));
    expect(assembler.itemMs).toBe(25);
  });
});

describe('OutboundQueue', () => {
  it('is FIFO', () => {
    const queue = new OutboundQueue(FRAME_BYTES * 10);
    for (let i = 1; i <= 3; i += 1) queue.push(frame(i * 20));
    expect(queue.length).toBe(3);
    expect(queue.bytes).toBe(480);
    expect(queue.shift()?.itemEndMs).toBe(20);
    expect(queue.peek()?.itemEndMs).toBe(40);
    expect(queue.last()?.itemEndMs).toBe(60);
  });

  it('drops the oldest frames past the hard cap and counts them', () => {
    const queue = new OutboundQueue(FRAME_BYTES * 3);
    let dropped = 0;
    for (let i = 1; i <= 5; i += 1) dropped += queue.push(frame(i * 20));
    expect(dropped).toBe(2);
    expect(queue.droppedFrames).toBe(2);
    expect(queue.length).toBe(3);
    expect(queue.peek()?.itemEndMs).toBe(60);
    expect(queue.bytes).toBeLessThanOrEqual(FRAME_BYTES * 3);
  });

  it('stays correct across compaction of a long run', () => {
    const queue = new OutboundQueue(FRAME_BYTES * 1000);
    for (let i = 1; i <= 900; i += 1) queue.push(frame(i));
    for (let i = 1; i <= 700; i += 1) expect(queue.shift()?.itemEndMs).toBe(i);
    expect(queue.length).toBe(200);
    expect(queue.peek()?.itemEndMs).toBe(701);
    queue.clear();
    expect(queue.length).toBe(0);
    expect(queue.bytes).toBe(0);
  });

  it('validates its cap', () => {
    expect(() => new OutboundQueue(10)).toThrow(RangeError);
  });
});

describe('mark names', () => {
  it('round-trip, including item ids with colons', () => {
    for (const mark of [{ generation: 1, itemId: 'item_abc', endMs: 100 }, { generation: 12, itemId: 'a:b:c', endMs: 0 }]) {
      expect(parseMarkName(formatMarkName(mark))).toEqual(mark);
    }
  });

  it('parse untrusted input totally: null for anything the bridge did not send', () => {
    for (const bad of [undefined, null, 42, '', 'x', '1:item', ':item:5', '1::5', 'a:item:5', '1:item:x', '1:item:', `1:${'x'.repeat(300)}:5`, '-1:i:5', '1:i:1.5']) {
      expect(parseMarkName(bad)).toBeNull();
    }
  });
});

describe('truncateAudioEndMs', () => {
  it('is what was heard plus 50 ms, never more than was sent', () => {
    expect(truncateAudioEndMs(1_500, 1_200)).toBe(1_250);
    expect(truncateAudioEndMs(1_220, 1_200)).toBe(1_220);
    expect(truncateAudioEndMs(0, 0)).toBe(0);
    expect(truncateAudioEndMs(800, 0)).toBe(50);
    expect(truncateAudioEndMs(1_000.5, 2_000)).toBe(1_000);
  });
});
