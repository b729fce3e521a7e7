import { literal, QueryTypes, type WhereOptions } from 'sequelize';
import { Lead } from '../../data';

/**
 * The leads list, newest first, as both GET /api/v1/leads and the CRM's /leads page read it. Call
 * inside withTenant: row-level security limits it to the business.
 *
 * Paging is by keyset (a cursor naming the last row shown), so every page is an index walk on
 * leads_business_created_id_idx whatever its depth. Search goes through lead_search_terms
 * (migration 0011): `term ^@ <query>` is leakproof, so under RLS it is an index condition next to
 * the tenant's, where ILIKE could only filter every lead of the business.
 */

export const LEADS_PAGE_SIZE = 25;
/** Counting stops here: past it the list says "10,000+" (search: "1,000+") instead of counting on. */
export const LEADS_COUNT_CAP = 10_000;
export const LEADS_SEARCH_COUNT_CAP = 1_000;

export interface LeadListQuery {
  search?: string;
  status?: string;
  /** From a previous page's nextCursor or previousCursor; none: the newest leads. */
  cursor?: string;
  limit?: number;
}

export interface LeadListPage {
  rows: Lead[];
  /** Leads matching the search and filter, counted up to the cap. */
  total: number;
  /** true when there are more than `total` (the count stopped at the cap). */
  totalIsLowerBound: boolean;
  /** Older leads; null on the last page. */
  nextCursor: string | null;
  /** Newer leads; null on the first page. */
  previousCursor: string | null;
}

interface Position {
  /** after: older than this row (next page); before: newer than it (previous page). */
  direction: 'after' | 'before';
  createdAt: string;
  id: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** created_at to the microsecond: a JavaScript Date keeps only milliseconds, and a cursor that
 * lost the rest would skip the rows created within the same millisecond. */
const CURSOR_AT = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export class InvalidLeadCursorError extends Error {
  constructor() {
    super('The cursor is not one this list gave out');
  }
}

function encodeCursor(position: Position): string {
  return Buffer.from(`${position.direction === 'after' ? 'a' : 'b'}|${position.createdAt}|${position.id}`).toString('base64url');
}

/** The position a cursor names; InvalidLeadCursorError for anything this list did not give out. */
export function decodeLeadCursor(cursor: string): Position {
  const [direction, createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || (direction !== 'a' && direction !== 'b') || !createdAt || !CURSOR_TIME.test(createdAt) || !id || !UUID.test(id)) {
    throw new InvalidLeadCursorError();
  }
  return { direction: direction === 'a' ? 'after' : 'before', createdAt, id };
}

function escape(value: string): string {
  return Lead.sequelize!.escape(value);
}

/** Phone digits are searched from 3 digits on, as the terms keep them. */
function searchDigits(search: string): string | null {
  const digits = search.replace(/\D/g, '');
  return digits.length >= 3 ? digits : null;
}

/**
 * SQL that is true for a lead (as `outer`) matching the search: a name or e-mail word starting
 * with it, or phone digits containing its digits.
 */
function searchCondition(search: string, outer: string): string {
  const digits = searchDigits(search);
  const prefixes = [`t.term ^@ prosaas_search_normalize(${escape(search)})`, ...(digits ? [`t.term ^@ ${escape(digits)}`] : [])];
  return `EXISTS (SELECT 1 FROM lead_search_terms t WHERE t.lead_id = ${outer}.id AND (${prefixes.join(' OR ')}))`;
}

function filterConditions(query: Pick<LeadListQuery, 'search' | 'status'>, outer: string): string[] {
  const conditions: string[] = [];
  if (query.status) conditions.push(`${outer}.status_key = ${escape(query.status)}`);
  if (query.search?.trim()) conditions.push(searchCondition(query.search.trim(), outer));
  return conditions;
}

/** The same search and status filter for Sequelize finders (the CSV export). */
export function leadSearchWhere(search: string | undefined, status: string | undefined): WhereOptions<Lead> {
  const conditions = filterConditions({ search, status }, '"Lead"');
  return conditions.length > 0 ? literal(conditions.join(' AND ')) : {};
}

async function readRows(query: LeadListQuery, limit: number, position: Position | null): Promise<Array<{ lead: Lead; cursorAt: string }>> {
  const conditions = filterConditions(query, 'leads');
  const newerFirst = !position || position.direction === 'after';
  if (position) {
    const row = `(${escape(position.createdAt)}::timestamptz, ${escape(position.id)}::uuid)`;
    conditions.push(`(leads.created_at, leads.id) ${newerFirst ? '<' : '>'} ${row}`);
  }
  const order = newerFirst ? 'DESC' : 'ASC';
  const leads = await Lead.sequelize!.query(
    `SELECT leads.*, ${CURSOR_AT} AS cursor_at FROM leads
      ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY leads.created_at ${order}, leads.id ${order} LIMIT ${limit}`,
    { type: QueryTypes.SELECT, model: Lead, mapToModel: true },
  );
  return leads.map((lead) => ({ lead, cursorAt: String(lead.get('cursor_at' as keyof Lead)) }));
}

async function countUpTo(query: LeadListQuery, cap: number): Promise<number> {
  const conditions = filterConditions(query, 'leads');
  const [row] = await Lead.sequelize!.query<{ count: string }>(
    `SELECT count(*) AS count FROM (SELECT 1 FROM leads ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} LIMIT ${cap + 1}) AS matching`,
    { type: QueryTypes.SELECT },
  );
  return Number(row?.count ?? 0);
}

/** One page of the list; a cursor this list did not give out throws InvalidLeadCursorError. */
export async function listLeadsPage(query: LeadListQuery): Promise<LeadListPage> {
  const limit = query.limit ?? LEADS_PAGE_SIZE;
  const position = query.cursor ? decodeLeadCursor(query.cursor) : null;
  const cap = query.search?.trim() ? LEADS_SEARCH_COUNT_CAP : LEADS_COUNT_CAP;
  const [count, firstRead] = await Promise.all([countUpTo(query, cap), readRows(query, limit + 1, position)]);
  let rows = firstRead;
  let hasNewer = position !== null;
  let hasOlder: boolean;
  if (position?.direction === 'before') {
    // Fewer than a page newer than the cursor: that is the first page, shown in full.
    if (rows.length <= limit) {
      rows = await readRows(query, limit + 1, null);
      hasNewer = false;
      hasOlder = rows.length > limit;
    } else {
      rows = rows.slice(0, limit).reverse();
      hasOlder = true;
    }
  } else {
    hasOlder = rows.length > limit;
  }
  rows = rows.slice(0, limit);

  const first = rows[0];
  const last = rows.at(-1);
  return {
    rows: rows.map((row) => row.lead),
    total: Math.min(count, cap),
    totalIsLowerBound: count > cap,
    nextCursor: hasOlder && last ? encodeCursor({ direction: 'after', createdAt: last.cursorAt, id: last.lead.id }) : null,
    previousCursor: hasNewer && first ? encodeCursor({ direction: 'before', createdAt: first.cursorAt, id: first.lead.id }) : null,
  };
}
