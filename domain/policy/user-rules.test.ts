import { PolicyConflictError, requireNotLastOwner, wouldRemoveLastOwner } from './index';

describe('wouldRemoveLastOwner', () => {
  it('protects the only active owner from delete, demotion and deactivation', () => {
    for (const change of ['delete', 'demote', 'deactivate'] as const) {
      expect(wouldRemoveLastOwner({ targetRole: 'owner', targetIsActive: true, change, newRole: 'admin', activeOwnerCount: 1 })).toBe(true);
    }
    expect(() => requireNotLastOwner({ targetRole: 'owner', targetIsActive: true, change: 'delete', activeOwnerCount: 1 })).toThrow(PolicyConflictError);
  });

  it('allows the change when another active owner remains, or the target is not an active owner', () => {
    expect(wouldRemoveLastOwner({ targetRole: 'owner', targetIsActive: true, change: 'delete', activeOwnerCount: 2 })).toBe(false);
    expect(wouldRemoveLastOwner({ targetRole: 'admin', targetIsActive: true, change: 'delete', activeOwnerCount: 1 })).toBe(false);
    expect(wouldRemoveLastOwner({ targetRole: 'owner', targetIsActive: false, change: 'delete', activeOwnerCount: 1 })).toBe(false);
  });
});
