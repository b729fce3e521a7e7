import { Op } from 'sequelize';
import twilio from 'twilio';
import { AssistantSettings, PhoneNumber, TwilioCallEvent } from '../data';
import type { PhoneNumberChannel } from '../data/models';
import { TwilioRequestRefusedError } from '../platform/twilio-voice-rest';
import type { ActivityDependencies } from './dependencies';

export interface CallTransferResult {
  transferred: boolean;
  /** Why not: not_configured, no_transfer_number, call_not_active. */
  reason?: string;
  to?: string;
}

const TRANSFER_SAY = 'מעביר אותך לנציג מהעסק, רק רגע.';

export function createCallTransferActivities({ db, twilioVoice }: ActivityDependencies) {
  return {
    /**
     * Hands a live call to a person: Twilio's call is updated with TwiML that
     * dials the business's transfer number (caller id: the business's own
     * number), which ends the media stream. Recorded once per call, so a retry
     * does not redirect the call a second time.
     */
    async transferCallToHuman(input: { businessId: string; callSid: string }): Promise<CallTransferResult> {
      if (!twilioVoice) return { transferred: false, reason: 'not_configured' };
      const plan = await db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const [settings, number] = await Promise.all([
          AssistantSettings.findOne({ transaction }),
          PhoneNumber.findOne({ where: { channels: { [Op.contains]: ['voice'] as PhoneNumberChannel[] } }, order: [['createdAt', 'ASC']], transaction }),
        ]);
        if (!settings?.transferPhoneE164) return null;
        const [event] = await TwilioCallEvent.findOrCreate({
          where: { callSid: input.callSid, eventKey: 'transfer:requested' },
          defaults: { businessId: input.businessId, callSid: input.callSid, eventKey: 'transfer:requested', payload: { to: settings.transferPhoneE164, sent: false } },
          transaction,
        });
        return { to: settings.transferPhoneE164, from: number?.e164 ?? null, sent: event.payload.sent === true };
      });
      if (!plan) return { transferred: false, reason: 'no_transfer_number' };
      if (plan.sent) return { transferred: true, to: plan.to };
      const twiml = new twilio.twiml.VoiceResponse();
      twiml.say({ language: 'he-IL' }, TRANSFER_SAY);
      twiml.dial(plan.from ? { callerId: plan.from } : {}, plan.to);
      try {
        await twilioVoice.updateCall(input.callSid, twiml.toString());
      } catch (error) {
        if (error instanceof TwilioRequestRefusedError) return { transferred: false, reason: 'call_not_active' };
        throw error;
      }
      await db.withTenant({ businessId: input.businessId }, () =>
        TwilioCallEvent.update({ payload: { to: plan.to, sent: true } }, { where: { callSid: input.callSid, eventKey: 'transfer:requested' } }),
      );
      return { transferred: true, to: plan.to };
    },
  };
}
