import { Op, type WhereOptions } from 'sequelize';
import { Lead } from '../../data';

/**
 * One page of the leads list, as the CRM's /leads page shows it (newest first). Call inside
 * withTenant: row-level security limits it to the business. The indexes it leans on are
 * leads_business_created_idx (business_id, created_at DESC) and leads_business_status_idx.
 */

export const LEADS_PAGE_SIZE = 25;
/**
 * Pages beyond this (the newest 10,000 leads) are not offered: an OFFSET that deep costs
 * hundreds of milliseconds on a big business, and search or a status filter narrows a list
 * that long better than paging does.
 */
export const MAX_LEADS_PAGE = 400;

/** The same search as GET /api/v1/leads: name or e-mail contains, or phone digits (3+) contain. */
export function leadSearchWhere(search: string | undefined, status: string | undefined): WhereOptions<Lead> {
  const where: WhereOptions<Lead> = {};
  if (status) Object.assign(where, { statusKey: status });
  if (search) {
    const pattern = `%${search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const digits = search.replace(/\D/g, '');
    Object.assign(where, {
      [Op.or]: [{ fullName: { [Op.iLike]: pattern } }, { email: { [Op.iLike]: pattern } }, ...(digits.length >= 3 ? [{ phoneE164: { [Op.like]: `%${digits}%` } }] : [])],
    });
  }
  return where;
}

export interface LeadListQuery {
  search?: string;
  status?: string;
  page: number;
}

export async function listLeadsPage(query: LeadListQuery): Promise<{ rows: Lead[]; count: number }> {
  const page = Math.min(Math.max(query.page, 1), MAX_LEADS_PAGE);
  return Lead.findAndCountAll({
    where: leadSearchWhere(query.search, query.status),
    order: [
      ['createdAt', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: LEADS_PAGE_SIZE,
    offset: (page - 1) * LEADS_PAGE_SIZE,
  });
}
