import type { FaqEmbedder } from '../realtime/faq-matcher';

export interface OpenAIEmbeddingsOptions {
  apiKey: string;
  baseUrl: string;
  model: string;
  /** A phone turn cannot wait long: past this the FAQ fallback gives up and the model answers. */
  timeoutMs: number;
}

/** The semantic fallback of the FAQ matcher through OpenAI's embeddings endpoint (POST {base}/embeddings). */
export class OpenAIEmbeddings implements FaqEmbedder {
  constructor(readonly options: OpenAIEmbeddingsOptions) {}

  async embed(texts: string[]): Promise<number[][]> {
    const response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: this.options.model, input: texts }),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) throw new Error(`embeddings request failed with HTTP ${response.status}`);
    const body = (await response.json()) as { data?: Array<{ index?: number; embedding?: unknown }> };
    const vectors: number[][] = [];
    for (const row of body.data ?? []) {
      if (typeof row.index !== 'number' || !Array.isArray(row.embedding)) throw new Error('embeddings response without index/embedding');
      vectors[row.index] = row.embedding as number[];
    }
    if (vectors.length !== texts.length || vectors.some((vector) => !vector)) throw new Error('embeddings response does not cover every input');
    return vectors;
  }
}

/** The embedder when OPENAI_API_KEY and FAQ_EMBEDDING_MODEL are set; null = the local trigram fallback. */
export function faqEmbedderFromConfig(config: { OPENAI_API_KEY?: string; OPENAI_BASE_URL: string; FAQ_EMBEDDING_MODEL: string; FAQ_EMBEDDING_TIMEOUT_MS: number }): OpenAIEmbeddings | null {
  if (!config.OPENAI_API_KEY || !config.FAQ_EMBEDDING_MODEL) return null;
  return new OpenAIEmbeddings({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.FAQ_EMBEDDING_MODEL, timeoutMs: config.FAQ_EMBEDDING_TIMEOUT_MS });
}
