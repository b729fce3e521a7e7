import { Op } from 'sequelize';
import { Lead, LeadStatus } from '$data';
import { audit } from './audit';

/**
 * Status moves and bulk changes of leads, as PATCH /leads/:id does them (the status must be
 * one of the business's own), inside the caller's withTenant.
 */
export async function moveLeadsToStatus(ids: readonly string[], statusKey: string): Promise<number | 'unknown_status'> {
	if (!(await LeadStatus.count({ where: { key: statusKey } }))) return 'unknown_status';
	const [count] = await Lead.update({ statusKey }, { where: { id: { [Op.in]: [...ids] } } });
	return count;
}

/** Deletes the leads (their appointments stay, without the link); one audit row per lead. */
export async function deleteLeads(businessId: string, ids: readonly string[]): Promise<number> {
	const leads = await Lead.findAll({ where: { id: { [Op.in]: [...ids] } } });
	for (const lead of leads) {
		await lead.destroy();
		await audit({ action: 'lead.delete', businessId, targetType: 'lead', targetId: lead.id, details: { fullName: lead.fullName, bulk: ids.length > 1 } });
	}
	return leads.length;
}
