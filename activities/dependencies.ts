import type { Client } from '@temporalio/client';
import type { Database } from '../data';
import type { AssistantProvider } from '../platform/assistant-provider';
import type { MessageProvider, WhatsappSender } from '../platform/messaging';
import type { ChatAssistantProvider } from '../platform/chat-assistant';
import type { Logger } from '../platform/logger';

/** What activities are built from; the worker creates these once. */
export interface ActivityDependencies {
  db: Database;
  logger: Logger;
  /** SMS (Twilio) or the log in development. */
  messages: MessageProvider;
  /** After-call summary and lead fields; default the deterministic local provider. */
  assistant?: AssistantProvider;
  /** The WhatsApp text assistant; default the deterministic local provider. */
  chat?: ChatAssistantProvider;
  /** A Temporal client for the assistant's tools (bookings through workflows); without it the static tools answer. */
  temporal?: { client: Client; taskQueue: string; leadFollowUpAfterMs: number };
  /** Ways out to WhatsApp this worker has: Twilio in the main worker, the Baileys sessions in a whatsapp process. */
  whatsappSenders?: Partial<Record<'baileys' | 'twilio', WhatsappSender>>;
}
