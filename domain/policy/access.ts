import { CONFLICT_MESSAGES, DENIAL_MESSAGES, type ConflictReason, type DenialReason } from './messages';
import { hasRoleAtLeast, roleRank, type Role } from './roles';

export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Whoever a request, activity or job acts as. Built once per request by the API's auth middleware. */
export interface Actor {
  userId: string;
  role: Role;
  /** The business the actor acts in: own business, the impersonated one, or the one a system_admin picked. */
  businessId: string | null;
  /** The system_admin behind an impersonated session. */
  impersonatorUserId?: string | null;
  via: 'session' | 'api_key';
  /** Only for API keys. */
  scopes?: readonly ApiKeyScope[];
}

/** Every action the policy knows. Adding one means deciding here who may do it. */
export const ACTIONS = [
  'business.list',
  'business.create',
  'business.impersonate',
  'business.selectByQuery',
  'business.read',
  'settings.read',
  'settings.update',
  'billing.manage',
  'user.list',
  'user.read',
  'user.create',
  'user.update',
  'user.changeRole',
  'user.deactivate',
  'user.reactivate',
  'user.delete',
  'apiKey.list',
  'apiKey.create',
  'apiKey.revoke',
  'auditLog.read',
  'auditLog.readAll',
  'data.export',
  'lead.read',
  'lead.write',
  'call.read',
  'call.write',
  'conversation.read',
  'conversation.write',
  'task.read',
  'task.write',
  'appointment.read',
  'appointment.write',
  'billing.read',
  'billing.write',
] as const;
export type Action = (typeof ACTIONS)[number];

/** What the action is done to; only the facts the decision needs. */
export interface Target {
  /** The business the resource belongs to (omit for "the actor's own business"). */
  businessId?: string | null;
  /** For user actions: the user acted on, its current role, and the role it would get. */
  userId?: string;
  role?: Role;
  newRole?: Role;
}

interface ActionRule {
  /** Lowest role that may do it (system_admin always may, unless platformOnly says otherwise). */
  minRole: Role;
  /** Scope an API key needs; absent = API keys may never do it. */
  apiKeyScope?: ApiKeyScope;
  /** A system_admin impersonating a business must stop first. */
  notWhileImpersonating?: boolean;
}

const RULES: Record<Action, ActionRule> = {
  'business.list': { minRole: 'system_admin', notWhileImpersonating: true },
  'business.create': { minRole: 'system_admin', notWhileImpersonating: true },
  'business.impersonate': { minRole: 'system_admin', notWhileImpersonating: true },
  'business.selectByQuery': { minRole: 'system_admin', notWhileImpersonating: true },
  'auditLog.readAll': { minRole: 'system_admin', notWhileImpersonating: true },
  'business.read': { minRole: 'agent', apiKeyScope: 'read' },
  'settings.read': { minRole: 'admin', apiKeyScope: 'read' },
  'settings.update': { minRole: 'admin' },
  'billing.manage': { minRole: 'owner' },
  'user.list': { minRole: 'admin', apiKeyScope: 'read' },
  'user.read': { minRole: 'admin', apiKeyScope: 'read' },
  'user.create': { minRole: 'admin' },
  'user.update': { minRole: 'admin' },
  'user.changeRole': { minRole: 'admin' },
  'user.deactivate': { minRole: 'admin' },
  'user.reactivate': { minRole: 'admin' },
  'user.delete': { minRole: 'admin' },
  'apiKey.list': { minRole: 'admin' },
  'apiKey.create': { minRole: 'admin' },
  'apiKey.revoke': { minRole: 'admin' },
  'auditLog.read': { minRole: 'owner' },
  'data.export': { minRole: 'admin', apiKeyScope: 'read' },
  'lead.read': { minRole: 'agent', apiKeyScope: 'read' },
  'lead.write': { minRole: 'agent', apiKeyScope: 'write' },
  'call.read': { minRole: 'agent', apiKeyScope: 'read' },
  'call.write': { minRole: 'agent', apiKeyScope: 'write' },
  'conversation.read': { minRole: 'agent', apiKeyScope: 'read' },
  'conversation.write': { minRole: 'agent', apiKeyScope: 'write' },
  'task.read': { minRole: 'agent', apiKeyScope: 'read' },
  'task.write': { minRole: 'agent', apiKeyScope: 'write' },
  'appointment.read': { minRole: 'agent', apiKeyScope: 'read' },
  'appointment.write': { minRole: 'agent', apiKeyScope: 'write' },
  // Offers, contracts, invoices, payments: the owner's alone (agents and admins see no billing at all,
  // and API keys, which act as admin, neither). billing.manage covers templates and credit notes.
  'billing.read': { minRole: 'owner' },
  'billing.write': { minRole: 'owner' },
};

const USER_TARGET_ACTIONS = new Set<Action>([
  'user.create',
  'user.update',
  'user.changeRole',
  'user.deactivate',
  'user.reactivate',
  'user.delete',
]);

export type Decision = { allowed: true } | { allowed: false; reason: DenialReason };

const ALLOW: Decision = { allowed: true };
const deny = (reason: DenialReason): Decision => ({ allowed: false, reason });

/**
 * The one permission decision: may `actor` do `action` to `target`?
 * Pure: everything it needs arrives as arguments.
 */
export function can(actor: Actor, action: Action, target: Target = {}): Decision {
  const rule = RULES[action];
  if (rule.notWhileImpersonating && actor.impersonatorUserId) return deny('impersonation_required_stop');
  if (rule.minRole === 'system_admin' && actor.role !== 'system_admin') {
    return deny(action === 'business.selectByQuery' ? 'business_override_forbidden' : 'platform_only');
  }
  if (actor.via === 'api_key') {
    if (!rule.apiKeyScope) return deny('api_key_not_allowed');
    if (!actor.scopes?.includes(rule.apiKeyScope)) return deny('api_key_scope');
  }
  if (!hasRoleAtLeast(actor.role, rule.minRole)) return deny('role_too_low');
  if (target.businessId !== undefined && actor.role !== 'system_admin' && target.businessId !== actor.businessId) {
    return deny('other_business');
  }
  if (USER_TARGET_ACTIONS.has(action)) return canManageUser(actor, action, target);
  return ALLOW;
}

/** The highest role `actor` may manage or grant: owners manage owners; admins only roles below owner. */
export function highestManageableRole(actorRole: Role): Role | null {
  switch (actorRole) {
    case 'system_admin':
    case 'owner':
      return 'owner';
    case 'admin':
      return 'admin';
    case 'agent':
      return null;
  }
}

/** Roles the actor may give to a user of a business (for a role picker). */
export function assignableRoles(actorRole: Role): Role[] {
  const highest = highestManageableRole(actorRole);
  if (!highest) return [];
  return (['owner', 'admin', 'agent'] as const).filter((role) => roleRank(role) <= roleRank(highest));
}

function canManageUser(actor: Actor, action: Action, target: Target): Decision {
  const highest = highestManageableRole(actor.role);
  if (!highest) return deny('role_too_low');
  const isSelf = target.userId !== undefined && target.userId === actor.userId;
  if (isSelf && action === 'user.delete') return deny('self_delete');
  if (isSelf && action === 'user.deactivate') return deny('self_deactivate');
  if (isSelf && action === 'user.changeRole' && target.newRole && roleRank(target.newRole) < roleRank(target.role ?? actor.role)) {
    return deny('self_demote');
  }
  if (target.role && roleRank(target.role) > roleRank(highest)) return deny('target_role_too_high');
  if (target.newRole && roleRank(target.newRole) > roleRank(highest)) return deny('assign_role_too_high');
  return ALLOW;
}

/** Thrown by requirePermission; the API maps it to 403 with both messages. */
export class PermissionDeniedError extends Error {
  readonly messages: { he: string; en: string };
  constructor(
    readonly action: Action,
    readonly reason: DenialReason,
  ) {
    super(DENIAL_MESSAGES[reason].en);
    this.name = 'PermissionDeniedError';
    this.messages = DENIAL_MESSAGES[reason];
  }
}

/** Thrown when an allowed action would break an invariant (last owner ...); the API maps it to 409. */
export class PolicyConflictError extends Error {
  readonly messages: { he: string; en: string };
  constructor(readonly reason: ConflictReason) {
    super(CONFLICT_MESSAGES[reason].en);
    this.name = 'PolicyConflictError';
    this.messages = CONFLICT_MESSAGES[reason];
  }
}

/** Immich-style: one line at the top of every service method. */
export function requirePermission(actor: Actor, action: Action, target: Target = {}): void {
  const decision = can(actor, action, target);
  if (!decision.allowed) throw new PermissionDeniedError(action, decision.reason);
}
