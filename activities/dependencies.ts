import type { Client } from '@temporalio/client';
import type { Database } from '../data';
import type { AssistantProvider } from '../platform/assistant-provider';
import type { EmailProvider, MessageProvider, WhatsappSender } from '../platform/messaging';
import type { ChatAssistantProvider } from '../platform/chat-assistant';
import type { Logger } from '../platform/logger';
import type { RecordingStorage } from '../platform/recordings/storage';
import type { TwilioVoiceRest } from '../platform/twilio-voice-rest';
import type { BillingActivityDeps } from './billing';

/** What activities are built from; the worker creates these once. */
export interface ActivityDependencies {
  db: Database;
  logger: Logger;
  /** SMS (Twilio) or the log in development. */
  messages: MessageProvider;
  /** Email (SMTP, or the log in development); absent: nothing goes out by email. */
  email?: EmailProvider;
  /** After-call summary and lead fields; default the deterministic local provider. */
  assistant?: AssistantProvider;
  /** Where call recordings are stored; absent = recording activities fail as not configured. */
  recordings?: RecordingStorage;
  /** Twilio's voice REST API (outbound calls, recording media); absent without Twilio credentials. */
  twilioVoice?: TwilioVoiceRest | null;
  /** Public origin Twilio calls back (voice and status webhooks of outbound calls). */
  publicBaseUrl?: string;
  /** Signing links, PDF rendering and the card provider; development defaults when absent. */
  billing?: BillingActivityDeps;
  /** The WhatsApp text assistant; default the deterministic local provider. */
  chat?: ChatAssistantProvider;
  /** A Temporal client for the assistant's tools (bookings through workflows); without it the static tools answer. */
  temporal?: { client: Client; taskQueue: string; leadFollowUpAfterMs: number };
  /** Ways out to WhatsApp this worker has: Twilio in the main worker, the Baileys sessions in a whatsapp process. */
  whatsappSenders?: Partial<Record<'baileys' | 'twilio', WhatsappSender>>;
}
