import { signCardWebhook, verifyCardWebhook } from './card-provider';
import { hashSigningToken, signingToken } from './signing-token';

const SECRET = 'webhook-secret-0123456789';
const BODY = Buffer.from('{"id":"evt_1","type":"checkout.completed"}');
const NOW = Date.UTC(2031, 0, 7, 10, 0);

describe('card webhook signatures', () => {
  it('accepts the provider signature over the exact raw body', () => {
    const header = signCardWebhook(SECRET, BODY, NOW / 1000);
    expect(verifyCardWebhook(SECRET, header, BODY, NOW)).toBe(true);
  });

  it('refuses a forged, altered, stale or malformed signature', () => {
    const header = signCardWebhook(SECRET, BODY, NOW / 1000);
    expect(verifyCardWebhook('another-secret', header, BODY, NOW)).toBe(false);
    expect(verifyCardWebhook(SECRET, header, Buffer.from(`${BODY.toString()} `), NOW)).toBe(false);
    expect(verifyCardWebhook(SECRET, header, BODY, NOW + 6 * 60_000)).toBe(false);
    expect(verifyCardWebhook(SECRET, undefined, BODY, NOW)).toBe(false);
    expect(verifyCardWebhook(SECRET, 't=abc,v1=zz', BODY, NOW)).toBe(false);
    expect(verifyCardWebhook('', header, BODY, NOW)).toBe(false);
  });
});

describe('signing tokens', () => {
  it('are 43 base64url characters, one per contract and link version, and stored only as a hash', () => {
    const token = signingToken('secret', 'contract-1', 1);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signingToken('secret', 'contract-1', 1)).toBe(token);
    expect(signingToken('secret', 'contract-1', 2)).not.toBe(token);
    expect(signingToken('secret', 'contract-2', 1)).not.toBe(token);
    expect(signingToken('other', 'contract-1', 1)).not.toBe(token);
    expect(hashSigningToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSigningToken(token)).not.toContain(token);
  });
});
