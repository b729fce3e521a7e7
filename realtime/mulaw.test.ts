import { decodeMulaw, decodeMulawSample, encodeMulaw, encodeMulawSample, MULAW_SILENCE_BYTE, mulawEnergy, mulawSilence, mulawTone } from './mulaw';

describe('μ-law codec', () => {
  it('encodes zero as the silence byte and decodes it back to zero', () => {
    expect(encodeMulawSample(0)).toBe(MULAW_SILENCE_BYTE);
    expect(decodeMulawSample(MULAW_SILENCE_BYTE)).toBe(0);
  });

  it('matches reference G.711 values', () => {
    // Reference points of the G.711 μ-law table.
    expect(encodeMulawSample(32_767)).toBe(0x80);
    expect(encodeMulawSample(-32_768)).toBe(0x00);
    expect(decodeMulawSample(0x80)).toBe(32_124);
    expect(decodeMulawSample(0x00)).toBe(-32_124);
    expect(decodeMulawSample(0x7f)).toBe(0);
  });

  it('round-trips every byte exactly (decode then encode is the identity, except negative zero)', () => {
    for (let byte = 0; byte < 256; byte += 1) {
      const back = encodeMulawSample(decodeMulawSample(byte));
      if (byte === 0x7f) expect(back).toBe(0xff);
      else expect(back).toBe(byte);
    }
  });

  it('keeps the quantisation error within the segment step', () => {
    for (let sample = -32_000; sample <= 32_000; sample += 37) {
      const decoded = decodeMulawSample(encodeMulawSample(sample));
      expect(Math.abs(decoded - sample)).toBeLessThanOrEqual(Math.max(16, Math.abs(sample) / 16));
    }
  });

  it('encodes and decodes buffers', () => {
    const samples = [0, 100, -100, 1000, -1000, 30_000];
    expect(Array.from(decodeMulaw(encodeMulaw(samples)))).toEqual(samples.map((s) => decodeMulawSample(encodeMulawSample(s))));
  });

  it('makes deterministic tones and silence of the right length', () => {
    expect(mulawTone(20)).toHaveLength(160);
    expect(mulawTone(100, 440).equals(mulawTone(100, 440))).toBe(true);
    expect(Buffer.concat([mulawTone(20, 440, 8000, 0), mulawTone(20, 440, 8000, 160)]).equals(mulawTone(40, 440))).toBe(true);
    expect(mulawSilence(20).equals(Buffer.alloc(160, 0xff))).toBe(true);
  });

  it('repeats a 440 Hz tone every 200 samples (the fake model cuts its deltas from one cycle)', () => {
    const cycle = mulawTone(25, 440, 8_000);
    expect(cycle).toHaveLength(200);
    expect(mulawTone(100, 440, 8_000, 37).equals(Buffer.concat([cycle, cycle, cycle, cycle, cycle]).subarray(37, 837))).toBe(true);
  });

  it('measures energy: silence is zero, a tone is loud', () => {
    expect(mulawEnergy(mulawSilence(20))).toBe(0);
    expect(mulawEnergy(mulawTone(20, 300, 6000))).toBeGreaterThan(3000);
    expect(mulawEnergy(Buffer.alloc(0))).toBe(0);
  });
});
