import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Contract templates moved under settings; old bookmarks still arrive (the new page checks the owner). */
export const GET: RequestHandler = () => redirect(308, '/settings/contract-templates');
