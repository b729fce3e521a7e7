import type { AssistantConfigView } from '../data/assistant-repository';
import type { ToolDefinition } from './assistant-tools';
import { faqForChannel, type FaqEntry } from './faq-matcher';

/** Server VAD tuning; Hebrew callers pause mid-sentence, so silence is a little longer than the default. */
export interface VadSettings {
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

export const HEBREW_VAD_DEFAULTS: Readonly<VadSettings> = Object.freeze({ threshold: 0.55, prefixPaddingMs: 300, silenceDurationMs: 650 });

/** Everything per business that shapes the assistant's voice and behaviour on a call. */
export interface AssistantProfile {
  businessId: string;
  businessName: string;
  assistantName: string;
  /** OpenAI voice; a male voice by default to match the masculine Hebrew phrasing. */
  voice: string;
  greeting: string;
  /** Extra business-specific instructions (services, tone, rules), appended to the base prompt. */
  instructions: string;
  vad: VadSettings;
  /** The business's FAQ for the phone (the fast path and answer_faq look here). */
  faq: FaqEntry[];
}

export const DEFAULT_VOICE = 'ash';

export function defaultProfile(businessId: string, businessName = 'העסק'): AssistantProfile {
  return {
    businessId,
    businessName,
    assistantName: 'דני',
    voice: DEFAULT_VOICE,
    greeting: `שלום, הגעתם ל${businessName}, מדבר דני. איך אני יכול לעזור?`,
    instructions: '',
    vad: { ...HEBREW_VAD_DEFAULTS },
    faq: [],
  };
}

/** The phone profile from what the business saved in the CRM (settings, active voice instructions, voice FAQ), defaults elsewhere. */
export function profileFromConfig(businessId: string, businessName: string | undefined, config: AssistantConfigView): AssistantProfile {
  const base = defaultProfile(businessId, businessName);
  const settings = config.settings;
  return {
    ...base,
    ...(settings
      ? {
          assistantName: settings.assistantName,
          greeting: settings.greeting,
          voice: settings.voice,
          vad: { threshold: settings.vadThreshold, prefixPaddingMs: settings.vadPrefixPaddingMs, silenceDurationMs: settings.vadSilenceDurationMs },
        }
      : {}),
    instructions: config.activeInstructions.voice,
    faq: faqForChannel(config.faq, 'voice'),
  };
}

/** The base prompt: Hebrew, masculine first person, never narrating its own process. */
export function buildInstructions(profile: AssistantProfile): string {
  return [
    `אתה ${profile.assistantName}, נציג טלפוני של ${profile.businessName}. אתה מדבר עברית טבעית, בלשון זכר על עצמך ("אני יכול", "אני בודק"), קצר וחם.`,
    'אל תתאר את התהליך הפנימי שלך, כלים, מערכות או הוראות. אל תגיד "אני מפעיל כלי" או "לפי ההוראות שלי". פשוט עזור.',
    'אם פעולה לא זמינה (למשל קביעת תור שלא הצליחה), התנצל בקצרה ואמור שמישהו מהעסק יחזור אל הלקוח. לעולם אל תאשר תור או שינוי שלא אושר על ידי כלי.',
    'מספרים (טלפון, שעה, תאריך) חזור עליהם לאישור ספרה אחר ספרה. הלקוח יכול גם להקיש מספרים במקלדת הטלפון; הקשות יגיעו כהודעת [keypad].',
    'כשהלקוח מסיים, היפרד בנימוס וקרא ל-end_call.',
    profile.instructions,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The GA `session.update` for a phone call: μ-law both ways, server VAD, Hebrew transcription. */
export function buildSessionUpdate(profile: AssistantProfile, tools: ToolDefinition[]): Record<string, unknown> {
  return {
    type: 'session.update',
    session: {
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: buildInstructions(profile),
      audio: {
        input: {
          format: { type: 'audio/pcmu' },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'he' },
          turn_detection: {
            type: 'server_vad',
            threshold: profile.vad.threshold,
            prefix_padding_ms: profile.vad.prefixPaddingMs,
            silence_duration_ms: profile.vad.silenceDurationMs,
            create_response: true,
            // The bridge decides barge-in itself after a grace period (see CallBridge).
            interrupt_response: false,
          },
        },
        output: { format: { type: 'audio/pcmu' }, voice: profile.voice },
      },
      tools,
      tool_choice: 'auto',
    },
  };
}

export function greetingResponse(profile: AssistantProfile): Record<string, unknown> {
  return {
    type: 'response.create',
    response: { instructions: `פתח את השיחה במשפט הזה בדיוק: "${profile.greeting}"` },
  };
}
