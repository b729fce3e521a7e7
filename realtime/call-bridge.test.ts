import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import { testLogger } from '../test/support/infra';
import { defaultProfile } from './assistant-profile';
import { StaticAssistantTools } from './assistant-tools';
import { CallBridge } from './call-bridge';
import { parseTwilioStart } from './media-stream-messages';
import { RecordingCallEvents } from './call-events';
import { DEFAULT_REALTIME_PRICES } from './pricing';

function bridgeWith(timing: Record<string, number>): CallBridge {
  return new CallBridge({
    twilioSocket: new EventEmitter() as unknown as WebSocket,
    logger: testLogger,
    modelUrl: 'ws://127.0.0.1:1/unused',
    authorizeStart: () => ({ ok: false, reason: 'test' }),
    loadProfile: (id) => Promise.resolve(defaultProfile(id)),
    tools: new StaticAssistantTools(),
    events: new RecordingCallEvents(),
    prices: DEFAULT_REALTIME_PRICES,
    timing,
  });
}

describe('CallBridge options', () => {
  it('refuses timing outside its range with a RangeError naming the range', () => {
    expect(() => bridgeWith({ maxAheadMs: 5 })).toThrow(new RangeError('maxAheadMs must be between 20 and 5000, got 5'));
    expect(() => bridgeWith({ bargeInGraceMs: -1 })).toThrow(RangeError);
    expect(() => bridgeWith({ markIntervalMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('parseTwilioStart', () => {
  it('reads the fields the bridge needs and keeps only string custom parameters', () => {
    expect(
      parseTwilioStart({ event: 'start', streamSid: 'MZ1', start: { streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', customParameters: { token: 't', n: 5 } } }),
    ).toEqual({ streamSid: 'MZ1', callSid: 'CA1', accountSid: 'AC1', customParameters: { token: 't' } });
  });

  it('is total: null for anything malformed', () => {
    for (const bad of [{}, { start: null }, { start: 'x' }, { start: { streamSid: 'MZ1' } }, { start: { callSid: 'CA1' } }, { start: { streamSid: 5, callSid: 'CA1' } }]) {
      expect(parseTwilioStart(bad as Record<string, unknown>)).toBeNull();
    }
  });
});
