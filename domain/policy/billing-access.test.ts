import { can, type Actor } from './access';

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ userId: 'u', role, businessId: 'b', via: 'session', ...extra });

describe('billing permissions', () => {
  it('keeps billing from agents and admins entirely', () => {
    for (const role of ['agent', 'admin'] as const) {
      for (const action of ['billing.read', 'billing.write', 'billing.manage'] as const) {
        expect(can(actor(role), action)).toEqual({ allowed: false, reason: 'role_too_low' });
      }
    }
  });

  it('gives the owner everything, and API keys nothing of billing', () => {
    for (const action of ['billing.read', 'billing.write', 'billing.manage'] as const) expect(can(actor('owner'), action).allowed).toBe(true);
    const key = actor('admin', { via: 'api_key', scopes: ['read', 'write'] });
    for (const action of ['billing.read', 'billing.write', 'billing.manage'] as const) {
      expect(can(key, action)).toEqual({ allowed: false, reason: 'api_key_not_allowed' });
    }
  });
});
