import {
  AssistantSettings,
  FaqEntry,
  addInstructionVersion,
  restoreInstructionVersion,
  saveAssistantSettings,
  toFaqView,
  type AssistantChannel,
  type AssistantSettingsValues,
  type FaqView,
  type InstructionVersionView,
} from '../../data';
import { LocalizedHttpError } from '../routes/registry';
import type { AuditWriter } from './audit-writer';

/**
 * Every change to the AI assistant (settings with voice and VAD, instruction versions and
 * rollbacks, FAQ entries), made inside the caller's tenant transaction and audited as a
 * `settings.change` with its area, before and after. The API's routes and the CRM's AI
 * settings page both change the assistant only through these functions.
 */
export interface AssistantChangeContext {
  businessId: string;
  /** The acting user, kept on the row as its author (null for an API key). */
  userId: string | null;
  audit: AuditWriter;
}

export const FAQ_LIMIT = 500;
const FAQ_FULL = { he: `אפשר לשמור עד ${FAQ_LIMIT} שאלות`, en: `Up to ${FAQ_LIMIT} FAQ entries can be kept` };

async function record(ctx: AssistantChangeContext, area: string, targetType: string, targetId: string, details: Record<string, unknown>): Promise<void> {
  await ctx.audit({ action: 'settings.change', businessId: ctx.businessId, targetType, targetId, details: { area, ...details } });
}

function settingsValues(row: AssistantSettings | null): AssistantSettingsValues | null {
  if (!row) return null;
  const { assistantName, greeting, voice, vadThreshold, vadPrefixPaddingMs, vadSilenceDurationMs, transferPhoneE164 } = row;
  return { assistantName, greeting, voice, vadThreshold, vadPrefixPaddingMs, vadSilenceDurationMs, transferPhoneE164 };
}

/** Name, greeting, voice, VAD, transfer number. The audit row names the fields that changed. */
export async function changeAssistantSettings(ctx: AssistantChangeContext, values: AssistantSettingsValues): Promise<AssistantSettingsValues> {
  const before = settingsValues(await AssistantSettings.findOne());
  const saved = await saveAssistantSettings(ctx.businessId, values, ctx.userId);
  const changed = (Object.keys(values) as Array<keyof AssistantSettingsValues>).filter((key) => before?.[key] !== values[key]);
  await record(ctx, 'assistant_settings', 'assistant_settings', ctx.businessId, { before, after: saved, changed });
  return saved;
}

/** A new active version of a channel's instructions. */
export async function addAssistantInstructions(ctx: AssistantChangeContext, channel: AssistantChannel, body: string): Promise<InstructionVersionView> {
  const version = await addInstructionVersion(ctx.businessId, channel, body, ctx.userId);
  await record(ctx, 'assistant_instructions', 'assistant_instruction', version.id, { channel, version: version.version, body });
  return version;
}

/** A rollback: a new version with an old version's text; null when that version does not exist. */
export async function restoreAssistantInstructions(ctx: AssistantChangeContext, channel: AssistantChannel, version: number): Promise<InstructionVersionView | null> {
  const restored = await restoreInstructionVersion(ctx.businessId, channel, version, ctx.userId);
  if (restored) await record(ctx, 'assistant_instructions', 'assistant_instruction', restored.id, { channel, version: restored.version, restoredFromVersion: version });
  return restored;
}

export interface FaqInput {
  question: string;
  answer: string;
  channels?: AssistantChannel[];
  position?: number;
}

/** Adds an FAQ entry (both channels and last in order unless told otherwise); 409 past the limit. */
export async function createFaqEntry(ctx: AssistantChangeContext, input: FaqInput): Promise<FaqView> {
  if ((await FaqEntry.count()) >= FAQ_LIMIT) throw new LocalizedHttpError(409, 'faq_full', FAQ_FULL);
  const position = input.position ?? ((await FaqEntry.max<number, FaqEntry>('position')) ?? 0) + 1;
  const row = await FaqEntry.create({ businessId: ctx.businessId, question: input.question, answer: input.answer, channels: input.channels ?? ['voice', 'whatsapp'], position });
  const after = toFaqView(row);
  await record(ctx, 'assistant_faq', 'faq_entry', row.id, { operation: 'create', after });
  return after;
}

/** Edits an FAQ entry; null when it does not exist (in this business). */
export async function updateFaqEntry(ctx: AssistantChangeContext, id: string, changes: Partial<FaqInput>): Promise<FaqView | null> {
  const row = await FaqEntry.findByPk(id);
  if (!row) return null;
  const before = toFaqView(row);
  await row.update(Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
  const after = toFaqView(row);
  await record(ctx, 'assistant_faq', 'faq_entry', id, { operation: 'update', before, after });
  return after;
}

/** Removes an FAQ entry; false when it does not exist (in this business). */
export async function deleteFaqEntry(ctx: AssistantChangeContext, id: string): Promise<boolean> {
  const row = await FaqEntry.findByPk(id);
  if (!row) return false;
  const before = toFaqView(row);
  await row.destroy();
  await record(ctx, 'assistant_faq', 'faq_entry', id, { operation: 'delete', before });
  return true;
}
