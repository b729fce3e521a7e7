/** Roles, highest first. system_admin belongs to the platform and has no business of its own. */
export const ROLES = ['system_admin', 'owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];
/** Roles a user of a business can hold. */
export const BUSINESS_ROLES = ['owner', 'admin', 'agent'] as const satisfies readonly Role[];
export type BusinessRole = (typeof BUSINESS_ROLES)[number];

const RANK: Record<Role, number> = { system_admin: 4, owner: 3, admin: 2, agent: 1 };

export function roleRank(role: Role): number {
  return RANK[role];
}

/** True when `role` is at least as high as `minimum`. */
export function hasRoleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
