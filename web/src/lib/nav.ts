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
}

export const NAV_SECTIONS: readonly NavSection[] = [
	{ id: 'dashboard', href: '/dashboard', available: true },
	{ id: 'leads', href: '/leads', available: true },
	{ id: 'calendar', href: '/calendar', available: true },
	{ id: 'tasks', href: '/tasks', available: false },
	{ id: 'calls', href: '/calls', available: false },
	{ id: 'whatsapp', href: '/whatsapp', available: true, permission: 'conversation.read' },
	{ id: 'billing', href: '/billing', available: false, permission: 'billing.manage' },
	{ id: 'settings', href: '/settings', available: false, permission: 'settings.read' },
	{ id: 'users', href: '/users', available: false, permission: 'user.list' },
	{ id: 'businesses', href: '/businesses', available: false, permission: 'business.list' },
	{ id: 'audit', href: '/audit-log', available: false, permission: 'auditLog.read' }
];
