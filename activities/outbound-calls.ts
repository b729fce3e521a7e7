import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { Op } from 'sequelize';
import { Call, PhoneNumber } from '../data';
import type { PhoneNumberChannel } from '../data/models';
import { extractPhoneNumber } from '../domain';
import { TwilioRequestRefusedError } from '../platform/twilio-voice-rest';
import { FAILURE_TYPES } from '../temporal-config';
import type { ActivityDependencies } from './dependencies';

export interface PlaceOutboundCallInput {
  businessId: string;
  /** The same key places one call, however often the activity runs. */
  idempotencyKey: string;
  to: string;
  leadId?: string | null;
}

export interface PlacedOutboundCall {
  callId: string;
  callSid: string;
  from: string;
  to: string;
}

const PENDING_PREFIX = 'pending-';

export function createOutboundCallActivities({ db, twilioVoice, publicBaseUrl }: ActivityDependencies) {
  return {
    /**
     * Dials `to` through Twilio's Calls API with the business's own voice number
     * as caller id; when answered, Twilio asks the voice webhook, which connects
     * the assistant. The call row is written under the idempotency key before
     * dialing; a retry that finds it pending asks Twilio whether the call was
     * placed before dialing again.
     */
    async placeOutboundCall(input: PlaceOutboundCallInput): Promise<PlacedOutboundCall> {
      if (!twilioVoice || !publicBaseUrl) throw ApplicationFailure.nonRetryable('Twilio voice (account, token, PUBLIC_BASE_URL) is not configured', FAILURE_TYPES.outboundCallRefused, { reason: 'not_configured' });
      const to = extractPhoneNumber(input.to).e164;
      if (!to) throw ApplicationFailure.nonRetryable('the number to call is not valid', FAILURE_TYPES.outboundCallRefused, { reason: 'invalid_number' });
      const prepared = await db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const number = await PhoneNumber.findOne({ where: { channels: { [Op.contains]: ['voice'] as PhoneNumberChannel[] } }, order: [['createdAt', 'ASC']], transaction });
        if (!number) return null;
        const existing = await Call.findOne({ where: { idempotencyKey: input.idempotencyKey }, transaction });
        if (existing) return { call: existing, from: existing.fromE164 ?? number.e164 };
        const pendingSid = `${PENDING_PREFIX}${createHash('sha256').update(`${input.businessId}|${input.idempotencyKey}`).digest('hex').slice(0, 32)}`;
        const call = await Call.create(
          { businessId: input.businessId, callSid: pendingSid, direction: 'outbound', fromE164: number.e164, toE164: to, status: 'queued', idempotencyKey: input.idempotencyKey, leadId: input.leadId ?? null },
          { transaction },
        );
        return { call, from: number.e164 };
      });
      if (!prepared) throw ApplicationFailure.nonRetryable('the business has no voice number to call from', FAILURE_TYPES.outboundCallRefused, { reason: 'no_caller_id' });
      const { call, from } = prepared;
      const placed = (sid: string): PlacedOutboundCall => ({ callId: call.id, callSid: sid, from, to: call.toE164 ?? to });
      if (!call.callSid.startsWith(PENDING_PREFIX)) return placed(call.callSid);

      // A pending row may be ours from an attempt whose answer was lost: look before dialing twice.
      const earlier =
        call.status === 'dialing'
          ? (await twilioVoice.findCalls({ to: call.toE164 ?? to, from, startedOnOrAfter: call.createdAt })).find(
              (found) => !found.dateCreated || Date.parse(found.dateCreated) >= call.createdAt.getTime() - 1_000,
            )
          : undefined;
      let sid = earlier?.sid;
      if (!sid) {
        await db.withTenant({ businessId: input.businessId }, () => Call.update({ status: 'dialing' }, { where: { id: call.id } }));
        try {
          const base = publicBaseUrl.replace(/\/+$/, '');
          sid = (await twilioVoice.createCall({ to: call.toE164 ?? to, from, url: `${base}/webhooks/twilio/voice`, statusCallback: `${base}/webhooks/twilio/status` })).sid;
        } catch (error) {
          if (error instanceof TwilioRequestRefusedError) {
            await db.withTenant({ businessId: input.businessId }, () => Call.update({ status: 'failed' }, { where: { id: call.id } }));
            throw ApplicationFailure.nonRetryable(error.message, FAILURE_TYPES.outboundCallRefused, { reason: 'twilio_refused', code: error.code });
          }
          throw error;
        }
      }
      await db.withTenant({ businessId: input.businessId }, async (transaction) => {
        // Twilio's first status callback may have come before this answer and stored the call under its sid:
        // keep our row (key, lead) and take the status it recorded.
        const early = await Call.findOne({ where: { callSid: sid }, transaction });
        if (early && early.id !== call.id) {
          await early.destroy({ transaction });
          await Call.update({ callSid: sid, status: early.status, endedAt: early.endedAt, durationSeconds: early.durationSeconds }, { where: { id: call.id }, transaction });
          return;
        }
        await Call.update({ callSid: sid, status: 'queued' }, { where: { id: call.id }, transaction });
      });
      return placed(sid!);
    },
  };
}
