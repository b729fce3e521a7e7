import type { Transaction } from 'sequelize';
import { LeadStatus } from './models';

/** The pipeline every new business starts with; owners rename, reorder and extend it in settings. */
export const DEFAULT_LEAD_STATUSES = [
  { key: 'new', labelHe: 'חדש', labelEn: 'New', color: '#2563eb', isDefault: true },
  { key: 'contacted', labelHe: 'נוצר קשר', labelEn: 'Contacted', color: '#7c3aed' },
  { key: 'qualified', labelHe: 'מתאים', labelEn: 'Qualified', color: '#0891b2' },
  { key: 'appointment_set', labelHe: 'נקבעה פגישה', labelEn: 'Appointment set', color: '#ca8a04' },
  { key: 'won', labelHe: 'נסגר', labelEn: 'Won', color: '#16a34a', isWon: true },
  { key: 'lost', labelHe: 'לא רלוונטי', labelEn: 'Lost', color: '#64748b', isLost: true },
] as const;

/** Gives a new business the default pipeline (inside its tenant or system transaction). */
export async function createDefaultLeadStatuses(businessId: string, transaction?: Transaction): Promise<void> {
  await LeadStatus.bulkCreate(
    DEFAULT_LEAD_STATUSES.map((status, position) => ({ businessId, position, ...status })),
    { transaction },
  );
}
