import { ApplicationFailure } from '@temporalio/activity';
import { Op, QueryTypes } from 'sequelize';
import { Call } from '../data';
import { recordingKey, type RecordingStorage } from '../platform/recordings/storage';
import { TwilioRequestRefusedError, type RecordingFormat, type TwilioVoiceRest } from '../platform/twilio-voice-rest';
import type { ActivityDependencies } from './dependencies';

export interface StoreCallRecordingInput {
  businessId: string;
  callSid: string;
  recordingSid: string;
  durationSeconds: number | null;
}

/** The recording cannot be fetched for good (Twilio says it does not exist, or nothing is configured). */
export const RECORDING_UNAVAILABLE = 'RecordingUnavailable';

const FORMAT: RecordingFormat = 'mp3';
/** The retention when neither the business nor the schedule names one. */
const FALLBACK_RETENTION_DAYS = 2;

/**
 * The moment before which a business's recordings have expired: `:now` minus its own retention, else
 * the platform's default (RECORDING_RETENTION_DAYS, given by the schedule), over `businesses b`. The
 * lookup and the deletion both use this one expression, so they cannot disagree.
 */
const RETENTION_CUTOFF_SQL = `:now::timestamptz - make_interval(days => COALESCE(b.recording_retention_days, :defaultDays))`;

/** The replacements RETENTION_CUTOFF_SQL reads. */
function cutoffReplacements(input: { now: string; defaultRetentionDays?: number }): { now: string; defaultDays: number } {
  return { now: new Date(input.now).toISOString(), defaultDays: input.defaultRetentionDays ?? FALLBACK_RETENTION_DAYS };
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw ApplicationFailure.nonRetryable(`${what} is not configured in this worker`, RECORDING_UNAVAILABLE);
  return value;
}

export function createRecordingActivities({ db, logger, recordings, twilioVoice }: ActivityDependencies) {
  return {
    /**
     * Copies a finished Twilio recording into our storage and onto the call row,
     * then deletes Twilio's copy. Keyed by the recording sid: a retry overwrites
     * the same object and writes the same row.
     */
    async storeCallRecording(input: StoreCallRecordingInput): Promise<{ key: string; bytes: number }> {
      const storage: RecordingStorage = required(recordings, 'recording storage');
      const twilio: TwilioVoiceRest = required(twilioVoice, 'Twilio (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)');
      const key = recordingKey(input.businessId, input.callSid, input.recordingSid, FORMAT);
      const call = await db.withTenant({ businessId: input.businessId }, () => Call.findOne({ where: { callSid: input.callSid } }));
      if (!call) throw ApplicationFailure.nonRetryable('the call is not in this business', RECORDING_UNAVAILABLE);
      if (call.recordingDeletedAt) return { key, bytes: 0 }; // past retention already: never store it again
      let media: { body: Buffer; contentType: string };
      try {
        media = await twilio.fetchRecording(input.recordingSid, FORMAT);
      } catch (error) {
        if (error instanceof TwilioRequestRefusedError) {
          // Gone at Twilio: if our copy is stored (a retry after the delete), we are done.
          if (call.recordingPath === key && call.recordingStoredAt) return { key, bytes: 0 };
          throw ApplicationFailure.nonRetryable(error.message, RECORDING_UNAVAILABLE);
        }
        throw error;
      }
      await storage.put(key, media.body, media.contentType);
      await db.withTenant({ businessId: input.businessId }, () =>
        Call.update(
          {
            recordingSid: input.recordingSid,
            recordingPath: key,
            recordingStoredAt: new Date(),
            recordingContentType: media.contentType,
            recordingDurationSeconds: input.durationSeconds,
          },
          { where: { callSid: input.callSid } },
        ),
      );
      await twilio.deleteRecording(input.recordingSid).catch((error: unknown) => {
        logger.warn({ err: error, recordingSid: input.recordingSid }, 'stored the recording, but Twilio kept its copy');
      });
      return { key, bytes: media.body.length };
    },

    /** Businesses that hold at least one recording older than their retention at `now` (system-wide by nature). */
    async findBusinessesWithExpiredRecordings(input: { now: string; defaultRetentionDays?: number; businessIds?: string[] }): Promise<string[]> {
      if (input.businessIds && input.businessIds.length === 0) return [];
      // One query for every business, each against its own retention (not one count per business).
      return db.withSystemScope('recording cleanup: which businesses hold expired recordings', async (transaction) => {
        const rows = await db.sequelize.query<{ id: string }>(
          `SELECT b.id FROM businesses b
           WHERE ${input.businessIds ? 'b.id IN (:businessIds) AND ' : ''}EXISTS (
             SELECT 1 FROM calls c
             WHERE c.business_id = b.id AND c.recording_path IS NOT NULL AND c.recording_deleted_at IS NULL
               AND c.created_at <= ${RETENTION_CUTOFF_SQL})
           ORDER BY b.id`,
          {
            replacements: { ...cutoffReplacements(input), businessIds: input.businessIds ?? [] },
            type: QueryTypes.SELECT,
            transaction,
          },
        );
        return rows.map((row) => row.id);
      });
    },

    /** Deletes this business's recordings past its retention at `now`: the stored object first, then the row's path. */
    async deleteExpiredRecordings(input: { businessId: string; now: string; defaultRetentionDays?: number }): Promise<{ deleted: number }> {
      const storage = required(recordings, 'recording storage');
      return db.withTenant({ businessId: input.businessId }, async (transaction) => {
        const [retention] = await db.sequelize.query<{ cutoff: Date }>(`SELECT ${RETENTION_CUTOFF_SQL} AS cutoff FROM businesses b WHERE b.id = :businessId`, {
          replacements: { ...cutoffReplacements(input), businessId: input.businessId },
          type: QueryTypes.SELECT,
          transaction,
        });
        if (!retention) return { deleted: 0 }; // no such business
        const cutoff = retention.cutoff;
        const calls = await Call.findAll({ where: { recordingPath: { [Op.ne]: null }, recordingDeletedAt: null, createdAt: { [Op.lte]: cutoff } }, limit: 500 });
        for (const call of calls) {
          await storage.delete(call.recordingPath!);
          await call.update({ recordingPath: null, recordingDeletedAt: new Date() });
        }
        if (calls.length) logger.info({ businessId: input.businessId, deleted: calls.length }, 'recordings past retention deleted');
        return { deleted: calls.length };
      });
    },
  };
}
