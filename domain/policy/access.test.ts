import { ACTIONS, can, requirePermission, PermissionDeniedError, assignableRoles, type Actor } from './index';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({
  userId: `${role}-user`,
  role,
  businessId: role === 'system_admin' ? null : A,
  via: 'session',
  ...extra,
});

describe('can', () => {
  it('gives platform actions to system_admin only, and names the query-parameter override', () => {
    for (const action of ['business.list', 'business.create', 'business.impersonate', 'auditLog.readAll'] as const) {
      expect(can(actor('system_admin'), action).allowed).toBe(true);
      for (const role of ['owner', 'admin', 'agent'] as const) expect(can(actor(role), action)).toEqual({ allowed: false, reason: 'platform_only' });
    }
    expect(can(actor('owner'), 'business.selectByQuery')).toEqual({ allowed: false, reason: 'business_override_forbidden' });
  });

  it('makes an impersonating system_admin stop before platform actions', () => {
    const impersonating = actor('owner', { impersonatorUserId: 'admin-1' });
    expect(can(impersonating, 'business.list')).toEqual({ allowed: false, reason: 'impersonation_required_stop' });
    expect(can(impersonating, 'user.list').allowed).toBe(true);
  });

  it('keeps agents to leads, calls, conversations, tasks and appointments', () => {
    const agent = actor('agent');
    for (const action of ['lead.write', 'call.read', 'conversation.write', 'task.write', 'appointment.write', 'business.read'] as const) {
      expect(can(agent, action).allowed).toBe(true);
    }
    for (const action of ['settings.read', 'settings.update', 'user.list', 'apiKey.create', 'billing.manage', 'auditLog.read'] as const) {
      expect(can(agent, action)).toEqual({ allowed: false, reason: 'role_too_low' });
    }
  });

  it('leaves billing and the audit log to the owner', () => {
    expect(can(actor('admin'), 'billing.manage').allowed).toBe(false);
    expect(can(actor('admin'), 'auditLog.read').allowed).toBe(false);
    expect(can(actor('owner'), 'billing.manage').allowed).toBe(true);
    expect(can(actor('owner'), 'auditLog.read').allowed).toBe(true);
  });

  it('refuses another business to everyone but system_admin', () => {
    for (const role of ['owner', 'admin', 'agent'] as const) {
      expect(can(actor(role), 'lead.read', { businessId: B })).toEqual({ allowed: false, reason: 'other_business' });
    }
    expect(can(actor('system_admin'), 'lead.read', { businessId: B }).allowed).toBe(true);
  });

  it('lets admins manage only roles below owner, owners everything in the business', () => {
    expect(can(actor('admin'), 'user.delete', { userId: 'x', role: 'owner' })).toEqual({ allowed: false, reason: 'target_role_too_high' });
    expect(can(actor('admin'), 'user.changeRole', { userId: 'x', role: 'agent', newRole: 'owner' })).toEqual({ allowed: false, reason: 'assign_role_too_high' });
    expect(can(actor('admin'), 'user.changeRole', { userId: 'x', role: 'agent', newRole: 'admin' }).allowed).toBe(true);
    expect(can(actor('owner'), 'user.changeRole', { userId: 'x', role: 'admin', newRole: 'owner' }).allowed).toBe(true);
    expect(can(actor('owner'), 'user.create', { role: 'system_admin' }).allowed).toBe(false);
    expect(assignableRoles('admin')).toEqual(['admin', 'agent']);
    expect(assignableRoles('agent')).toEqual([]);
  });

  it('lets nobody delete, deactivate or demote themselves', () => {
    const owner = actor('owner');
    expect(can(owner, 'user.delete', { userId: owner.userId, role: 'owner' })).toEqual({ allowed: false, reason: 'self_delete' });
    expect(can(owner, 'user.deactivate', { userId: owner.userId, role: 'owner' })).toEqual({ allowed: false, reason: 'self_deactivate' });
    expect(can(owner, 'user.changeRole', { userId: owner.userId, role: 'owner', newRole: 'admin' })).toEqual({ allowed: false, reason: 'self_demote' });
  });

  it('limits API keys to their scopes and never to account management', () => {
    const reader = actor('admin', { via: 'api_key', scopes: ['read'] });
    expect(can(reader, 'lead.read').allowed).toBe(true);
    expect(can(reader, 'lead.write')).toEqual({ allowed: false, reason: 'api_key_scope' });
    const writer = actor('admin', { via: 'api_key', scopes: ['read', 'write'] });
    for (const action of ['apiKey.create', 'user.create', 'user.delete', 'auditLog.read', 'settings.update'] as const) {
      expect(can(writer, action)).toEqual({ allowed: false, reason: 'api_key_not_allowed' });
    }
  });

  it('decides every action for every role without throwing', () => {
    for (const action of ACTIONS) {
      for (const role of ['system_admin', 'owner', 'admin', 'agent'] as const) expect(typeof can(actor(role), action).allowed).toBe('boolean');
    }
  });
});

describe('requirePermission', () => {
  it('throws a typed error carrying Hebrew and English messages', () => {
    try {
      requirePermission(actor('agent'), 'user.delete', { userId: 'x', role: 'agent' });
      throw new Error('expected a denial');
    } catch (error) {
      expect(error).toBeInstanceOf(PermissionDeniedError);
      const denied = error as PermissionDeniedError;
      expect(denied.reason).toBe('role_too_low');
      expect(denied.messages.he).toMatch(/הרשאה/);
      expect(denied.messages.en).toMatch(/role/);
    }
  });
});
