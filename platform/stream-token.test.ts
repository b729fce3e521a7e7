import { createHmac } from 'node:crypto';
import { signStreamToken, verifyStreamToken } from './stream-token';

const SECRET = 'unit-test-secret';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('stream token', () => {
  it('verifies its own claims until it expires', () => {
    const token = signStreamToken({ businessId: 'b-1', callSid: 'CA123' }, SECRET, 120, NOW);
    expect(verifyStreamToken(token, SECRET, NOW)).toEqual({ ok: true, claims: { businessId: 'b-1', callSid: 'CA123', expiresAt: NOW / 1000 + 120 } });
    expect(verifyStreamToken(token, SECRET, NOW + 120_000).ok).toBe(true);
    expect(verifyStreamToken(token, SECRET, NOW + 121_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another secret, a tampered payload and garbage, without throwing', () => {
    const token = signStreamToken({ businessId: 'b-1', callSid: 'CA123' }, SECRET, 120, NOW);
    expect(verifyStreamToken(token, 'other', NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    const [v, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ b: 'b-2', c: 'CA123', e: NOW / 1000 + 120 })).toString('base64url');
    expect(verifyStreamToken(`${v}.${forged}.${sig}`, SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of [undefined, 42, '', 'v1', 'v1.a', 'v2.a.b', 'v1.a.b.c', 'x'.repeat(5000)]) {
      expect(verifyStreamToken(bad, SECRET, NOW).ok).toBe(false);
    }
  });

  it('refuses a signed payload with the wrong shape', () => {
    const payload = Buffer.from(JSON.stringify({ b: 1, c: 'CA1', e: 'soon' })).toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`v1.${payload}`).digest('base64url');
    expect(verifyStreamToken(`v1.${payload}.${sig}`, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});
