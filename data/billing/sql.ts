import { QueryTypes } from 'sequelize';
import { Business } from '../models';
import { TenantContextMissingError, currentScope, requireBusinessId } from '../tenant-context';

/**
 * Billing reads and writes in SQL: the numbering and locking rules are easier to see there than
 * behind a model. Every query joins the caller's open withTenant() transaction (CLS), and row-level
 * security keeps it inside the business; requireBusinessId() makes a call outside one fail early.
 */
function sequelize() {
  const instance = Business.sequelize;
  if (!instance) throw new Error('models are not initialised (open a Database first)');
  return instance;
}

export async function select<T extends object>(text: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  const businessId = requireBusinessId();
  return sequelize().query<T>(text, { replacements: { businessId, ...replacements }, type: QueryTypes.SELECT });
}

export async function selectOne<T extends object>(text: string, replacements: Record<string, unknown> = {}): Promise<T | null> {
  return (await select<T>(text, replacements))[0] ?? null;
}

/** INSERT/UPDATE … RETURNING: the returned rows. */
export async function write<T>(text: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  const businessId = requireBusinessId();
  const [rows] = await sequelize().query(text, { replacements: { businessId, ...replacements } });
  return rows as T[];
}

/** pg hands bigint back as a string; every amount here is far below 2^53. */
export function int(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** A read in the audited system scope (withSystemScope), for lookups that find the business first. */
export async function selectAsSystem<T extends object>(text: string, replacements: Record<string, unknown> = {}): Promise<T[]> {
  if (currentScope()?.kind !== 'system') throw new TenantContextMissingError('this lookup runs in withSystemScope()');
  return sequelize().query<T>(text, { replacements, type: QueryTypes.SELECT });
}
