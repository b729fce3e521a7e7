import { Appointment, Lead } from '../data';
import type { ActivityDependencies } from './dependencies';

export function createSystemProbeActivities({ db }: ActivityDependencies) {
  return {
    /** Counts rows the business can see; proves the tenant context reaches activities. */
    async countTenantRows(input: { businessId: string }): Promise<{ leads: number; appointments: number }> {
      return db.withTenant({ businessId: input.businessId }, async () => ({
        leads: await Lead.count(),
        appointments: await Appointment.count(),
      }));
    },
  };
}
