import type { Action } from '$domain/policy';

/**
 * Sections of the CRM, in sidebar order. A section becomes a link when its pages exist:
 * flip `available` in the issue that builds it. `permission` hides a section from the
 * roles the policy refuses (an agent sees no settings or users).
 */
export interface NavSection {
	id: string;
	href: string;
	available: boolean;
	permission?: Action;
	/** Shown to a signed-in user who acts in no business (a system_admin not impersonating). */
	platform?: boolean;
}

export const NAV_SECTIONS: readonly NavSection[] = [
	{ id: 'dashboard', href: '/dashboard', available: true },
	{ id: 'leads', href: '/leads', available: true },
	{ id: 'calendar', href: '/calendar', available: true },
	{ id: 'tasks', href: '/tasks', available: true },
	{ id: 'calls', href: '/calls', available: true },
	{ id: 'whatsapp', href: '/whatsapp', available: true, permission: 'conversation.read' },
	{ id: 'billing', href: '/billing', available: true, permission: 'billing.manage' },
	{ id: 'settings', href: '/settings', available: true, permission: 'settings.read' },
	{ id: 'aiSettings', href: '/ai-settings', available: true, permission: 'settings.read' },
	{ id: 'users', href: '/users', available: true, permission: 'user.list' },
	{ id: 'businesses', href: '/businesses', available: true, permission: 'business.list', platform: true },
	{ id: 'audit', href: '/audit-log', available: true, permission: 'auditLog.read', platform: true }
];
