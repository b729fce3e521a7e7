import { ApplicationFailure } from '@temporalio/activity';
import { UniqueConstraintError } from 'sequelize';
import { extractPhoneNumber } from '../domain';
import { Appointment, Task } from '../data';
import type { LeadSource } from '../data/models';
import { INVALID_BOOKING, upsertLeadByPhone } from './booking';
import type { ActivityDependencies } from './dependencies';

export interface LeadDetails {
  businessId: string;
  fullName: string;
  phone: string;
  email?: string | null;
  need?: string | null;
  source: LeadSource;
}

export interface CapturedLead {
  leadId: string;
  created: boolean;
  fullName: string;
  phoneE164: string;
}

/** Collapses whitespace and stray punctuation around a name as people type or say it. */
export function normalizeName(name: string): string {
  return name.replace(/[\s\u200f\u200e]+/g, ' ').replace(/^[\s,.;:-]+|[\s,.;:-]+$/g, '').trim();
}

export function createLeadActivities({ db }: ActivityDependencies) {
  return {
    /** Normalizes and dedupes by E.164 phone within the business, merging new details into the existing lead. */
    async captureLead(input: LeadDetails): Promise<CapturedLead> {
      const phone = extractPhoneNumber(input.phone).e164;
      if (!phone) throw ApplicationFailure.nonRetryable('the phone number is not valid', INVALID_BOOKING, { field: 'phone' });
      const fullName = normalizeName(input.fullName);
      if (!fullName) throw ApplicationFailure.nonRetryable('a name is required', INVALID_BOOKING, { field: 'fullName' });
      const attempt = () =>
        db.withTenant({ businessId: input.businessId }, (transaction) =>
          upsertLeadByPhone(input.businessId, { fullName, phone, source: input.source, email: input.email, need: input.need }, transaction),
        );
      let result;
      try {
        result = await attempt();
      } catch (error) {
        // Two captures of a new phone at once: the loser merges into the winner's lead.
        if (!(error instanceof UniqueConstraintError)) throw error;
        result = await attempt();
      }
      return { leadId: result.lead.id, created: result.created, fullName: result.lead.fullName, phoneE164: phone };
    },

    async leadHasAppointment(input: { businessId: string; leadId: string }): Promise<boolean> {
      const count = await db.withTenant({ businessId: input.businessId }, () => Appointment.count({ where: { leadId: input.leadId } }));
      return count > 0;
    },

    async createFollowUpTask(input: { businessId: string; leadId: string; idempotencyKey: string; title: string; dueAt: string }): Promise<{ taskId: string }> {
      return db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const [task] = await Task.findOrCreate({
          where: { idempotencyKey: input.idempotencyKey },
          defaults: {
            businessId: input.businessId,
            leadId: input.leadId,
            title: input.title,
            dueAt: new Date(input.dueAt),
            idempotencyKey: input.idempotencyKey,
          },
          transaction,
        });
        return { taskId: task.id };
      });
    },
  };
}
