import { z } from 'zod';
import { Lead, LeadStatus } from '../../data';
import { requirePermission } from '../../domain/policy';
import { LocalizedHttpError, notFound } from '../routes/registry';
import type { SettingsContext } from './business-settings';

/**
 * A business's own lead pipeline: add, rename (labels and colour), reorder and delete
 * statuses. Runs inside the caller's tenant transaction; every change is audited.
 */

export const statusKeySchema = z.string().regex(/^[a-z0-9_]{1,40}$/);

export const leadStatusLabelsBody = z.strictObject({
  labelHe: z.string().trim().min(1).max(60),
  labelEn: z.string().trim().min(1).max(60),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
});
export type LeadStatusLabels = z.infer<typeof leadStatusLabelsBody>;

export const leadStatusMoveBody = z.strictObject({ key: statusKeySchema, direction: z.enum(['up', 'down']) });
export const leadStatusDeleteBody = z
  .strictObject({ key: statusKeySchema, moveLeadsTo: statusKeySchema })
  .refine((body) => body.key !== body.moveLeadsTo, { message: 'Choose another status for its leads', path: ['moveLeadsTo'] });

const STATUS_NOT_FOUND = { he: 'הסטטוס לא נמצא', en: 'Lead status not found' };
const DEFAULT_STATUS = { he: 'לא ניתן למחוק את סטטוס ברירת המחדל של לידים חדשים', en: 'The default status of new leads cannot be deleted' };
const MAX_STATUSES = 30;
const TOO_MANY = { he: `אפשר להגדיר עד ${MAX_STATUSES} סטטוסים`, en: `A business may have up to ${MAX_STATUSES} statuses` };

async function ordered(): Promise<LeadStatus[]> {
  return LeadStatus.findAll({ order: [['position', 'ASC'], ['createdAt', 'ASC']], lock: true });
}

async function findStatus(key: string): Promise<LeadStatus> {
  const status = await LeadStatus.findOne({ where: { key }, lock: true });
  if (!status) throw notFound(STATUS_NOT_FOUND);
  return status;
}

/** A key made from the English label (`follow_up`), or `status_<n>` when that is empty or taken. */
function keyFor(labelEn: string, taken: Set<string>): string {
  const slug = labelEn
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  if (slug && !taken.has(slug)) return slug;
  for (let n = taken.size + 1; ; n++) if (!taken.has(`status_${n}`)) return `status_${n}`;
}

export async function addLeadStatus(ctx: SettingsContext, labels: LeadStatusLabels): Promise<LeadStatus> {
  requirePermission(ctx.auth, 'settings.update');
  const existing = await ordered();
  if (existing.length >= MAX_STATUSES) throw new LocalizedHttpError(409, 'too_many_statuses', TOO_MANY);
  const key = keyFor(labels.labelEn, new Set(existing.map((status) => status.key)));
  const position = existing.reduce((max, status) => Math.max(max, status.position), -1) + 1;
  const status = await LeadStatus.create({ businessId: ctx.businessId, key, position, ...labels });
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'lead_status', targetId: key, details: { area: 'lead_statuses', added: labels } });
  return status;
}

export async function renameLeadStatus(ctx: SettingsContext, key: string, labels: LeadStatusLabels): Promise<LeadStatus> {
  requirePermission(ctx.auth, 'settings.update');
  const status = await findStatus(key);
  const before = { labelHe: status.labelHe, labelEn: status.labelEn, color: status.color };
  await status.update(labels);
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'lead_status', targetId: key, details: { area: 'lead_statuses', before, after: labels } });
  return status;
}

/** Swaps the status with its neighbour; positions are renumbered 0..n-1 on the way. */
export async function moveLeadStatus(ctx: SettingsContext, key: string, direction: 'up' | 'down'): Promise<void> {
  requirePermission(ctx.auth, 'settings.update');
  const statuses = await ordered();
  const index = statuses.findIndex((status) => status.key === key);
  if (index < 0) throw notFound(STATUS_NOT_FOUND);
  const other = direction === 'up' ? index - 1 : index + 1;
  if (other < 0 || other >= statuses.length) return;
  [statuses[index], statuses[other]] = [statuses[other]!, statuses[index]!];
  for (const [position, status] of statuses.entries()) {
    if (status.position !== position) await status.update({ position });
  }
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'lead_status', targetId: key, details: { area: 'lead_statuses', moved: direction } });
}

/** Deletes the status; its leads move to `moveLeadsTo`. The default status stays. */
export async function deleteLeadStatus(ctx: SettingsContext, key: string, moveLeadsTo: string): Promise<number> {
  requirePermission(ctx.auth, 'settings.update');
  const status = await findStatus(key);
  if (status.isDefault) throw new LocalizedHttpError(409, 'default_status', DEFAULT_STATUS);
  await findStatus(moveLeadsTo);
  const [moved] = await Lead.update({ statusKey: moveLeadsTo }, { where: { statusKey: key } });
  await status.destroy();
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType: 'lead_status', targetId: key, details: { area: 'lead_statuses', deleted: key, movedLeads: moved, to: moveLeadsTo } });
  return moved;
}
