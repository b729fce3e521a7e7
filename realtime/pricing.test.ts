import { addUsage, DEFAULT_REALTIME_PRICES, emptyUsage, parsePriceTable, usageCostUsd } from './pricing';

const usage = {
  total_tokens: 1_500,
  input_tokens: 1_000,
  output_tokens: 500,
  input_token_details: { text_tokens: 400, audio_tokens: 600, cached_tokens: 300, cached_tokens_details: { text_tokens: 200, audio_tokens: 100 } },
  output_token_details: { text_tokens: 100, audio_tokens: 400 },
};

describe('realtime usage and cost', () => {
  it('splits cached tokens out of the input counts and sums responses', () => {
    const total = addUsage(addUsage(emptyUsage(), usage), usage);
    expect(total).toEqual({
      responses: 2,
      textInputTokens: 400,
      textCachedInputTokens: 400,
      textOutputTokens: 200,
      audioInputTokens: 1_000,
      audioCachedInputTokens: 200,
      audioOutputTokens: 800,
    });
  });

  it('prices each modality from the table', () => {
    const one = addUsage(emptyUsage(), usage);
    // 200*4 + 200*0.4 + 100*16 + 500*32 + 100*0.4 + 400*64 = 800 + 80 + 1600 + 16000 + 40 + 25600 = 44120 per 1M
    expect(usageCostUsd(one, DEFAULT_REALTIME_PRICES)).toBe(0.04412);
    expect(usageCostUsd(one, { ...DEFAULT_REALTIME_PRICES, audioOutput: 0 })).toBe(0.01852);
  });

  it('counts a missing or malformed usage as zero tokens', () => {
    expect(addUsage(emptyUsage(), undefined)).toEqual({ ...emptyUsage(), responses: 1 });
    expect(addUsage(emptyUsage(), { input_token_details: { text_tokens: -5, audio_tokens: 'x' } })).toEqual({ ...emptyUsage(), responses: 1 });
  });

  it('reads overrides from REALTIME_PRICES_JSON and refuses malformed ones', () => {
    expect(parsePriceTable(undefined)).toEqual(DEFAULT_REALTIME_PRICES);
    expect(parsePriceTable('{"audioOutput": 20}')).toEqual({ ...DEFAULT_REALTIME_PRICES, audioOutput: 20 });
    expect(() => parsePriceTable('{')).toThrow(/not valid JSON/);
    expect(() => parsePriceTable('{"audioOut": 1}')).toThrow(/REALTIME_PRICES_JSON/);
    expect(() => parsePriceTable('{"audioOutput": -1}')).toThrow(/REALTIME_PRICES_JSON/);
  });
});
