import type { Database } from '../data';
import type { AssistantProvider } from '../platform/assistant-provider';
import type { MessageProvider } from '../platform/messaging';
import type { Logger } from '../platform/logger';
import type { BillingActivityDeps } from './billing';

/** What activities are built from; the worker creates these once. */
export interface ActivityDependencies {
  db: Database;
  logger: Logger;
  /** SMS (Twilio) or the log in development. */
  messages: MessageProvider;
  /** After-call summary and lead fields; default the deterministic local provider. */
  assistant?: AssistantProvider;
  /** Signing links, PDF rendering and the card provider; development defaults when absent. */
  billing?: BillingActivityDeps;
}
