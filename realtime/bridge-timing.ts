import { FRAME_BYTES, FRAME_MS } from './playback';

export interface CallBridgeTiming {
  /** Assistant audio sent to Twilio ahead of real-time playback. */
  maxAheadMs: number;
  /** Hard cap of the outbound queue, in ms of audio. */
  outboundQueueMaxMs: number;
  /** Stop pulling from the queue while the Twilio socket has more unsent bytes than this. */
  twilioMaxBufferedBytes: number;
  /** Caller audio kept while the model socket opens. */
  inboundBufferMaxMs: number;
  bargeInGraceMs: number;
  markIntervalMs: number;
  dtmfIdleMs: number;
}

export const DEFAULT_BRIDGE_TIMING: Readonly<CallBridgeTiming> = Object.freeze({
  maxAheadMs: 200,
  outboundQueueMaxMs: 60_000,
  twilioMaxBufferedBytes: 64 * 1024,
  inboundBufferMaxMs: 5_000,
  bargeInGraceMs: 350,
  markIntervalMs: 100,
  dtmfIdleMs: 3_000,
});

export function validateTiming(timing: CallBridgeTiming): void {
  const ranges: Record<keyof CallBridgeTiming, [number, number]> = {
    maxAheadMs: [FRAME_MS, 5_000],
    outboundQueueMaxMs: [FRAME_MS, 600_000],
    twilioMaxBufferedBytes: [FRAME_BYTES, 64 * 1024 * 1024],
    inboundBufferMaxMs: [0, 60_000],
    bargeInGraceMs: [0, 10_000],
    markIntervalMs: [FRAME_MS, 10_000],
    dtmfIdleMs: [1, 60_000],
  };
  for (const [key, [min, max]] of Object.entries(ranges) as Array<[keyof CallBridgeTiming, [number, number]]>) {
    const value = timing[key];
    if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`${key} must be between ${min} and ${max}, got ${value}`);
  }
}
