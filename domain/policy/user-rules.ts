import { PolicyConflictError } from './access';
import type { Role } from './roles';

export type OwnerLosingChange = 'delete' | 'demote' | 'deactivate';

export interface LastOwnerCheck {
  /** The user's current role and whether the user is active now. */
  targetRole: Role;
  targetIsActive: boolean;
  change: OwnerLosingChange;
  /** For a demotion: the role the user would get. */
  newRole?: Role;
  /** Active owners of the business right now, the target included. */
  activeOwnerCount: number;
}

/** True when the change would leave the business without an active owner. */
export function wouldRemoveLastOwner(check: LastOwnerCheck): boolean {
  if (check.targetRole !== 'owner' || !check.targetIsActive) return false;
  if (check.change === 'demote' && check.newRole === 'owner') return false;
  return check.activeOwnerCount <= 1;
}

export function requireNotLastOwner(check: LastOwnerCheck): void {
  if (wouldRemoveLastOwner(check)) throw new PolicyConflictError('last_owner');
}
