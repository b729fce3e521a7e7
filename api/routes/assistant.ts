import { z } from 'zod';
import { actingUserId } from '../auth/context';
import { ASSISTANT_CHANNELS, findAssistantConfig, listInstructionVersions, type AssistantChannel } from '../../data';
import { extractPhoneNumber } from '../../domain';
import { requirePermission } from '../../domain/policy';
import { HttpError } from '../http/errors';
import { defaultProfile } from '../../realtime/assistant-profile';
import {
  addAssistantInstructions,
  changeAssistantSettings,
  createFaqEntry,
  deleteFaqEntry,
  restoreAssistantInstructions,
  updateFaqEntry,
  type AssistantChangeContext,
} from '../services/assistant-changes';
import type { AuditWriter } from '../services/audit-writer';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

/** Voices of the OpenAI Realtime API (GA). */
export const ASSISTANT_VOICES = ['ash', 'ballad', 'cedar', 'echo', 'verse', 'alloy', 'coral', 'marin', 'sage', 'shimmer'] as const;

const FAQ_NOT_FOUND = { he: 'השאלה לא נמצאה', en: 'FAQ entry not found' };
const channel = z.enum(ASSISTANT_CHANNELS);
const channels = z.array(channel).min(1).max(2);

/** Body of PUT /assistant/settings; the CRM's AI settings form validates with it too. */
export const assistantSettingsBody = z.strictObject({
  assistantName: z.string().trim().min(1).max(60),
  greeting: z.string().trim().min(1).max(500),
  voice: z.enum(ASSISTANT_VOICES),
  vadThreshold: z.number().gt(0).lt(1),
  vadPrefixPaddingMs: z.number().int().min(0).max(2000),
  vadSilenceDurationMs: z.number().int().min(100).max(5000),
  /** Where transfer_to_human sends the caller (any Israeli or E.164 form); null or absent = nobody. */
  transferPhone: z.string().trim().max(40).nullable().optional(),
});

const INVALID_TRANSFER_PHONE = { he: 'מספר ההעברה אינו תקין', en: 'The transfer number is not valid' };

/** The transfer number as E.164; undefined when it is not a phone number. */
export function transferPhoneE164(raw: string | null | undefined): string | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  return extractPhoneNumber(raw).e164 ?? undefined;
}

export const instructionsBody = z.strictObject({ channel, body: z.string().trim().max(4000) });
export const restoreBody = z.strictObject({ channel, version: z.number().int().min(1).max(1_000_000) });
export const faqCreateBody = z.strictObject({
  question: z.string().trim().min(1).max(500),
  answer: z.string().trim().min(1).max(2000),
  channels: channels.optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export const faqUpdateBody = z
  .strictObject({ question: faqCreateBody.shape.question.optional(), answer: faqCreateBody.shape.answer.optional(), channels: channels.optional(), position: faqCreateBody.shape.position })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });

const settingsSchema = assistantSettingsBody.omit({ transferPhone: true }).extend({ voice: z.string(), transferPhoneE164: z.string().nullable(), isDefault: z.boolean() });
const versionSchema = z.object({ id: z.uuid(), channel, version: z.number(), body: z.string(), isActive: z.boolean(), restoredFromVersion: z.number().nullable(), createdAt: z.string() });
const faqSchema = z.object({ id: z.uuid(), question: z.string(), answer: z.string(), channels: z.array(channel), position: z.number() });

/** The settings the assistant uses now: what the business saved, else the built-in defaults. */
export function effectiveSettings(saved: Awaited<ReturnType<typeof findAssistantConfig>>['settings'], businessId: string): z.infer<typeof settingsSchema> {
  if (saved) return { ...saved, isDefault: false };
  const profile = defaultProfile(businessId);
  return {
    assistantName: profile.assistantName,
    greeting: profile.greeting,
    voice: profile.voice,
    vadThreshold: profile.vad.threshold,
    vadPrefixPaddingMs: profile.vad.prefixPaddingMs,
    vadSilenceDurationMs: profile.vad.silenceDurationMs,
    transferPhoneE164: null,
    isDefault: true,
  };
}

function changeContext(businessId: string, auth: Parameters<typeof actingUserId>[0], audit: AuditWriter): AssistantChangeContext {
  return { businessId, userId: actingUserId(auth), audit };
}

export function assistantRoutes(): AnyRoute[] {
  return [
    defineRoute({
      id: 'assistant.get',
      method: 'get',
      path: '/assistant',
      summary: "The AI assistant's settings, instruction versions per channel and FAQ",
      tag: 'assistant',
      scope: 'tenant',
      response: {
        status: 200,
        description: 'Assistant configuration',
        schema: z.object({ settings: settingsSchema, instructions: z.record(channel, z.array(versionSchema)), faq: z.array(faqSchema) }),
      },
      handler: async ({ auth, businessId }) => {
        requirePermission(auth, 'settings.read');
        const config = await findAssistantConfig();
        const versions = Object.fromEntries(await Promise.all(ASSISTANT_CHANNELS.map(async (c) => [c, await listInstructionVersions(c)] as const))) as Record<AssistantChannel, unknown>;
        return { body: { settings: effectiveSettings(config.settings, businessId), instructions: versions, faq: config.faq } };
      },
    }),
    defineRoute({
      id: 'assistant.updateSettings',
      method: 'put',
      path: '/assistant/settings',
      summary: "Set the assistant's name, greeting, voice and voice-activity detection (used from the next call on)",
      tag: 'assistant',
      scope: 'tenant',
      body: assistantSettingsBody,
      response: { status: 200, description: 'Saved', schema: z.object({ settings: settingsSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        const { transferPhone, ...values } = body;
        const transfer = transferPhoneE164(transferPhone);
        if (transfer === undefined) throw new HttpError(400, 'validation_failed', 'The request has invalid fields', { transferPhone: [`${INVALID_TRANSFER_PHONE.en} / ${INVALID_TRANSFER_PHONE.he}`] });
        const saved = await changeAssistantSettings(changeContext(businessId, auth, audit), { ...values, transferPhoneE164: transfer });
        return { body: { settings: { ...saved, isDefault: false } } };
      },
    }),
    defineRoute({
      id: 'assistant.addInstructions',
      method: 'post',
      path: '/assistant/instructions',
      summary: "A new version of one channel's instructions; it becomes the active one",
      tag: 'assistant',
      scope: 'tenant',
      body: instructionsBody,
      response: { status: 201, description: 'Version added', schema: z.object({ version: versionSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        const version = await addAssistantInstructions(changeContext(businessId, auth, audit), body.channel, body.body);
        return { status: 201, body: { version } };
      },
    }),
    defineRoute({
      id: 'assistant.restoreInstructions',
      method: 'post',
      path: '/assistant/instructions/restore',
      summary: "Roll a channel's instructions back to an earlier version (added as a new version with the old text)",
      tag: 'assistant',
      scope: 'tenant',
      body: restoreBody,
      response: { status: 201, description: 'Restored', schema: z.object({ version: versionSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        const version = await restoreAssistantInstructions(changeContext(businessId, auth, audit), body.channel, body.version);
        if (!version) throw notFound({ he: 'הגרסה לא נמצאה', en: 'Version not found' });
        return { status: 201, body: { version } };
      },
    }),
    defineRoute({
      id: 'faq.create',
      method: 'post',
      path: '/assistant/faq',
      summary: 'Add a question and its answer (per channel) to the FAQ',
      tag: 'assistant',
      scope: 'tenant',
      body: faqCreateBody,
      response: { status: 201, description: 'Added', schema: z.object({ faq: faqSchema }) },
      handler: async ({ auth, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        return { status: 201, body: { faq: await createFaqEntry(changeContext(businessId, auth, audit), body) } };
      },
    }),
    defineRoute({
      id: 'faq.update',
      method: 'patch',
      path: '/assistant/faq/:id',
      summary: 'Edit an FAQ entry',
      tag: 'assistant',
      scope: 'tenant',
      params: uuidParam,
      body: faqUpdateBody,
      response: { status: 200, description: 'Saved', schema: z.object({ faq: faqSchema }) },
      handler: async ({ auth, params, body, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        const faq = await updateFaqEntry(changeContext(businessId, auth, audit), params.id, body);
        if (!faq) throw notFound(FAQ_NOT_FOUND);
        return { body: { faq } };
      },
    }),
    defineRoute({
      id: 'faq.delete',
      method: 'delete',
      path: '/assistant/faq/:id',
      summary: 'Remove an FAQ entry',
      tag: 'assistant',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params, businessId, audit }) => {
        requirePermission(auth, 'settings.update');
        if (!(await deleteFaqEntry(changeContext(businessId, auth, audit), params.id))) throw notFound(FAQ_NOT_FOUND);
      },
    }),
  ];
}
