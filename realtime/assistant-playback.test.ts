import { AssistantPlayback, type PlaybackTiming } from './assistant-playback';

const TIMING: PlaybackTiming = { maxAheadMs: 100, outboundQueueMaxMs: 60_000, twilioMaxBufferedBytes: 64 * 1024, markIntervalMs: 100 };

/** A playback whose clock is jest's fake clock and whose sink records what the stream got. */
function playbackWith(timing: Partial<PlaybackTiming> = {}, buffered = () => 0) {
  const sent: Array<{ at: number; kind: 'media'; bytes: number } | { at: number; kind: 'mark'; name: string }> = [];
  let open = true;
  const playback = new AssistantPlayback({
    timing: { ...TIMING, ...timing },
    now: () => Date.now(),
    sink: {
      sendMedia: (payload) => {
        if (!open) return false;
        sent.push({ at: Date.now(), kind: 'media', bytes: payload.length });
        return true;
      },
      sendMark: (name) => sent.push({ at: Date.now(), kind: 'mark', name }),
      bufferedBytes: buffered,
    },
    onQueueFull: () => undefined,
  });
  return { playback, sent, close: () => (open = false) };
}

const ms = (n: number) => Buffer.alloc(n * 8, 0x7f);

describe('AssistantPlayback', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(1_000_000);
  });
  afterEach(() => jest.useRealTimers());

  it('sends at most maxAheadMs ahead of playback, then one 20 ms frame per 20 ms', () => {
    const { playback, sent } = playbackWith();
    playback.push('item_1', ms(1_000)); // a second of audio at once
    expect(sent.filter((s) => s.kind === 'media')).toHaveLength(5); // 100 ms ahead
    jest.advanceTimersByTime(200);
    expect(sent.filter((s) => s.kind === 'media')).toHaveLength(15);
    jest.advanceTimersByTime(1_000);
    expect(sent.filter((s) => s.kind === 'media')).toHaveLength(50);
    expect(playback.stats).toMatchObject({ framesOut: 50, bytesOut: 8_000, droppedFrames: 0 });
  });

  it('marks every interval and at the end of an item, and counts what Twilio confirmed', () => {
    const { playback, sent } = playbackWith({ maxAheadMs: 5_000 });
    playback.push('item_1', ms(250));
    playback.itemDone('item_1');
    const marks = sent.filter((s) => s.kind === 'mark').map((s) => (s as { name: string }).name);
    expect(marks).toEqual(['0:item_1:100', '0:item_1:200', '0:item_1:250']);
    playback.confirm('0:item_1:100');
    expect(playback.truncations()).toEqual([{ itemId: 'item_1', audioEndMs: 150, sentMs: 250, playedMs: 100 }]);
    playback.confirm('0:item_1:250');
    expect(playback.truncations()).toEqual([]); // fully heard
    expect(playback.stats).toMatchObject({ marksSent: 3, marksConfirmed: 2, staleMarksIgnored: 0 });
  });

  it('cuts at what was sent when Twilio confirmed nothing yet, and ignores marks of an old generation after reset', () => {
    const { playback } = playbackWith({ maxAheadMs: 60 });
    playback.push('item_1', ms(500));
    expect(playback.truncations()).toEqual([{ itemId: 'item_1', audioEndMs: 50, sentMs: 60, playedMs: 0 }]);
    expect(playback.audible()).toBe(true);
    playback.reset();
    expect(playback.queued).toBe(0);
    playback.confirm('0:item_1:40'); // generation 0's mark, echoed after the reset
    expect(playback.stats.staleMarksIgnored).toBe(1);
    jest.advanceTimersByTime(100);
    expect(playback.audible()).toBe(false);
  });

  it('stops draining while the stream is backed up and goes on when it is not', () => {
    let buffered = 100_000;
    const { playback, sent } = playbackWith({}, () => buffered);
    playback.push('item_1', ms(200));
    expect(sent).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(0);
    buffered = 0;
    jest.advanceTimersByTime(20);
    expect(sent.filter((s) => s.kind === 'media').length).toBeGreaterThan(0);
  });

  it('tells once the queue has drained, with the time until the last frame has played', () => {
    const { playback } = playbackWith();
    const drained = jest.fn();
    playback.push('item_1', ms(300));
    playback.itemDone('item_1');
    playback.whenDrained(drained);
    expect(drained).not.toHaveBeenCalled();
    jest.advanceTimersByTime(300);
    expect(drained).toHaveBeenCalledTimes(1);
    expect(drained.mock.calls[0]![0]).toBeGreaterThan(0);
    expect(drained.mock.calls[0]![0]).toBeLessThanOrEqual(TIMING.maxAheadMs + 20); // one frame may go as the bound is reached
  });

  it('sends nothing after stop, and counts no frame the closed stream refused', () => {
    const { playback, sent, close } = playbackWith();
    close();
    playback.push('item_1', ms(100));
    expect(playback.stats.framesOut).toBe(0);
    playback.stop();
    playback.push('item_2', ms(100));
    jest.advanceTimersByTime(500);
    expect(sent).toHaveLength(0);
  });
});
