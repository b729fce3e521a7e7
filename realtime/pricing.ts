import { z } from 'zod';

/** USD per 1M tokens, by modality. */
export interface RealtimePriceTable {
  textInput: number;
  textCachedInput: number;
  textOutput: number;
  audioInput: number;
  audioCachedInput: number;
  audioOutput: number;
}

/**
 * gpt-realtime list prices as published by OpenAI on 2025-08-28 (GA launch),
 * USD per 1M tokens. Override with REALTIME_PRICES_JSON when they change.
 */
export const DEFAULT_REALTIME_PRICES: Readonly<RealtimePriceTable> = Object.freeze({
  textInput: 4,
  textCachedInput: 0.4,
  textOutput: 16,
  audioInput: 32,
  audioCachedInput: 0.4,
  audioOutput: 64,
});
export const DEFAULT_REALTIME_PRICES_DATE = '2025-08-28';

const priceOverride = z
  .object({
    textInput: z.number().min(0),
    textCachedInput: z.number().min(0),
    textOutput: z.number().min(0),
    audioInput: z.number().min(0),
    audioCachedInput: z.number().min(0),
    audioOutput: z.number().min(0),
  })
  .partial()
  .strict();

/** The default table with the overrides of REALTIME_PRICES_JSON; a malformed value throws at start-up. */
export function parsePriceTable(json: string | undefined): RealtimePriceTable {
  if (!json) return { ...DEFAULT_REALTIME_PRICES };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('REALTIME_PRICES_JSON is not valid JSON');
  }
  const parsed = priceOverride.safeParse(value);
  if (!parsed.success) throw new Error(`REALTIME_PRICES_JSON: ${parsed.error.issues.map((i) => `${i.path.join('.') || '_'} ${i.message}`).join('; ')}`);
  return { ...DEFAULT_REALTIME_PRICES, ...parsed.data };
}

/** Token counts by modality, summed over a call's `response.done` usages. */
export interface RealtimeUsage {
  responses: number;
  textInputTokens: number;
  textCachedInputTokens: number;
  textOutputTokens: number;
  audioInputTokens: number;
  audioCachedInputTokens: number;
  audioOutputTokens: number;
}

export function emptyUsage(): RealtimeUsage {
  return { responses: 0, textInputTokens: 0, textCachedInputTokens: 0, textOutputTokens: 0, audioInputTokens: 0, audioCachedInputTokens: 0, audioOutputTokens: 0 };
}

const count = z.number().int().min(0).catch(0).default(0);
const usageSchema = z.object({
  input_token_details: z
    .object({
      text_tokens: count,
      audio_tokens: count,
      cached_tokens: count,
      cached_tokens_details: z.object({ text_tokens: count, audio_tokens: count }).partial().nullish(),
    })
    .partial()
    .nullish(),
  output_token_details: z.object({ text_tokens: count, audio_tokens: count }).partial().nullish(),
});

/**
 * Adds one `response.done` usage object to the running total (total parser:
 * missing or malformed fields count as zero). Cached tokens are part of the
 * input counts; they are split out so they are priced at the cached rate.
 */
export function addUsage(total: RealtimeUsage, usage: unknown): RealtimeUsage {
  const parsed = usageSchema.safeParse(usage ?? {});
  if (!parsed.success) return total;
  const input = parsed.data.input_token_details ?? {};
  const output = parsed.data.output_token_details ?? {};
  const cachedText = input.cached_tokens_details?.text_tokens ?? 0;
  const cachedAudio = input.cached_tokens_details?.audio_tokens ?? 0;
  return {
    responses: total.responses + 1,
    textInputTokens: total.textInputTokens + Math.max(0, (input.text_tokens ?? 0) - cachedText),
    textCachedInputTokens: total.textCachedInputTokens + cachedText,
    textOutputTokens: total.textOutputTokens + (output.text_tokens ?? 0),
    audioInputTokens: total.audioInputTokens + Math.max(0, (input.audio_tokens ?? 0) - cachedAudio),
    audioCachedInputTokens: total.audioCachedInputTokens + cachedAudio,
    audioOutputTokens: total.audioOutputTokens + (output.audio_tokens ?? 0),
  };
}

/** Cost in USD, rounded to micro-dollars (the precision of calls.cost_usd). */
export function usageCostUsd(usage: RealtimeUsage, prices: RealtimePriceTable): number {
  const perToken =
    usage.textInputTokens * prices.textInput +
    usage.textCachedInputTokens * prices.textCachedInput +
    usage.textOutputTokens * prices.textOutput +
    usage.audioInputTokens * prices.audioInput +
    usage.audioCachedInputTokens * prices.audioCachedInput +
    usage.audioOutputTokens * prices.audioOutput;
  return Math.round(perToken) / 1_000_000;
}
