/**
 * The assistant's per-business configuration, read and written inside the
 * caller's tenant transaction (withTenant): settings, per-channel instruction
 * versions and FAQ. Used by the API, the CRM and the realtime service.
 */
import type { Transaction } from 'sequelize';
import { AssistantInstruction, AssistantSettings, FaqEntry, type AssistantChannel } from './models';

export interface AssistantSettingsValues {
  assistantName: string;
  greeting: string;
  voice: string;
  vadThreshold: number;
  vadPrefixPaddingMs: number;
  vadSilenceDurationMs: number;
  /** E.164 number transfer_to_human dials; null = none. */
  transferPhoneE164: string | null;
}

export interface InstructionVersionView {
  id: string;
  channel: AssistantChannel;
  version: number;
  body: string;
  isActive: boolean;
  restoredFromVersion: number | null;
  createdAt: string;
}

export interface FaqView {
  id: string;
  question: string;
  answer: string;
  channels: AssistantChannel[];
  position: number;
}

export interface AssistantConfigView {
  /** null = the business never saved settings (the built-in defaults apply). */
  settings: AssistantSettingsValues | null;
  /** The active instructions of each channel ('' when none). */
  activeInstructions: Record<AssistantChannel, string>;
  faq: FaqView[];
}

export function toInstructionView(row: AssistantInstruction): InstructionVersionView {
  return { id: row.id, channel: row.channel, version: row.version, body: row.body, isActive: row.isActive, restoredFromVersion: row.restoredFromVersion, createdAt: row.createdAt.toISOString() };
}

export function toFaqView(row: FaqEntry): FaqView {
  return { id: row.id, question: row.question, answer: row.answer, channels: row.channels, position: row.position };
}

/** Everything the assistant needs for one business, in one read (the realtime profile, the settings page). */
export async function findAssistantConfig(transaction?: Transaction): Promise<AssistantConfigView> {
  const [settings, active, faq] = await Promise.all([
    AssistantSettings.findOne({ transaction }),
    AssistantInstruction.findAll({ where: { isActive: true }, transaction }),
    FaqEntry.findAll({ order: [['position', 'ASC'], ['createdAt', 'ASC']], transaction }),
  ]);
  const activeInstructions: Record<AssistantChannel, string> = { voice: '', whatsapp: '' };
  for (const row of active) activeInstructions[row.channel] = row.body;
  return {
    settings: settings
      ? { assistantName: settings.assistantName, greeting: settings.greeting, voice: settings.voice, vadThreshold: settings.vadThreshold, vadPrefixPaddingMs: settings.vadPrefixPaddingMs, vadSilenceDurationMs: settings.vadSilenceDurationMs, transferPhoneE164: settings.transferPhoneE164 }
      : null,
    activeInstructions,
    faq: faq.map(toFaqView),
  };
}

export async function saveAssistantSettings(businessId: string, values: AssistantSettingsValues, userId: string | null): Promise<AssistantSettingsValues> {
  const existing = await AssistantSettings.findOne();
  if (existing) await existing.update({ ...values, updatedByUserId: userId });
  else await AssistantSettings.create({ businessId, ...values, updatedByUserId: userId });
  return values;
}

export async function listInstructionVersions(channel: AssistantChannel): Promise<InstructionVersionView[]> {
  const rows = await AssistantInstruction.findAll({ where: { channel }, order: [['version', 'DESC']], limit: 100 });
  return rows.map(toInstructionView);
}

/**
 * A new version of a channel's instructions becomes the active one. Versions
 * are never edited or removed: a rollback adds a version with the old text.
 */
export async function addInstructionVersion(businessId: string, channel: AssistantChannel, body: string, userId: string | null, restoredFromVersion: number | null = null): Promise<InstructionVersionView> {
  const latest = await AssistantInstruction.max<number, AssistantInstruction>('version', { where: { channel } });
  await AssistantInstruction.update({ isActive: false }, { where: { channel, isActive: true } });
  const row = await AssistantInstruction.create({ businessId, channel, version: (latest ?? 0) + 1, body, isActive: true, restoredFromVersion, authorUserId: userId });
  return toInstructionView(row);
}

/** Rolls a channel back to an earlier version's text; null when there is no such version. */
export async function restoreInstructionVersion(businessId: string, channel: AssistantChannel, version: number, userId: string | null): Promise<InstructionVersionView | null> {
  const old = await AssistantInstruction.findOne({ where: { channel, version } });
  if (!old) return null;
  return addInstructionVersion(businessId, channel, old.body, userId, version);
}
