/**
 * G.711 μ-law (8 kHz, 8 bits per sample), the format Twilio Media Streams and the
 * model both speak. The bridge itself never transcodes; this codec serves the
 * local fakes (tones, an energy detector) and the tests.
 */

export const MULAW_SAMPLE_RATE_HZ = 8_000;
/** The μ-law byte of a zero sample: what Twilio sends during silence. */
export const MULAW_SILENCE_BYTE = 0xff;

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32_635;

/** Encodes one signed 16-bit linear PCM sample as a μ-law byte. */
export function encodeMulawSample(sample: number): number {
  let value = Math.max(-32_768, Math.min(32_767, Math.round(sample)));
  const sign = value < 0 ? 0x80 : 0;
  if (sign) value = -value;
  if (value > MULAW_CLIP) value = MULAW_CLIP;
  value += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one μ-law byte to a signed 16-bit linear PCM sample. */
export function decodeMulawSample(byte: number): number {
  const inverted = ~byte & 0xff;
  const sign = inverted & 0x80;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return sign ? 0 - magnitude : magnitude; // 0 - x, not -x: no negative zero
}

const DECODE_TABLE = Int16Array.from({ length: 256 }, (_, byte) => decodeMulawSample(byte));

export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) samples[i] = DECODE_TABLE[bytes[i]!]!;
  return samples;
}

export function encodeMulaw(samples: ArrayLike<number>): Buffer {
  const bytes = Buffer.allocUnsafe(samples.length);
  for (let i = 0; i < samples.length; i += 1) bytes[i] = encodeMulawSample(samples[i]!);
  return bytes;
}

/** Mean absolute amplitude (0..32767) of μ-law audio: a crude but deterministic speech detector. */
export function mulawEnergy(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 1) sum += Math.abs(DECODE_TABLE[bytes[i]!]!);
  return sum / bytes.length;
}

/**
 * A sine tone as μ-law bytes, starting at sample `phaseSamples` so consecutive
 * calls continue one waveform. Deterministic: the same arguments give the same bytes.
 */
export function mulawTone(durationMs: number, frequencyHz = 440, amplitude = 8_000, phaseSamples = 0): Buffer {
  const count = Math.round((durationMs * MULAW_SAMPLE_RATE_HZ) / 1000);
  const samples = new Array<number>(count);
  for (let i = 0; i < count; i += 1) {
    samples[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * (i + phaseSamples)) / MULAW_SAMPLE_RATE_HZ);
  }
  return encodeMulaw(samples);
}

export function mulawSilence(durationMs: number): Buffer {
  return Buffer.alloc(Math.round((durationMs * MULAW_SAMPLE_RATE_HZ) / 1000), MULAW_SILENCE_BYTE);
}
