import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaqMatcher } from '../realtime/faq-matcher';
import { OpenAIEmbeddings, faqEmbedderFromConfig } from './openai-embeddings';

describe('OpenAIEmbeddings (the FAQ matcher with a key)', () => {
  let server: http.Server;
  let baseUrl = '';
  const requests: Array<{ authorization?: string; body: { model: string; input: string[] } }> = [];
  const vectorOf = (text: string): number[] => (text.includes('פתוח') || text.includes('פתיחה') ? [1, 0.05] : [0, 1]);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        requests.push({ authorization: req.headers.authorization, body });
        if (req.url !== '/v1/embeddings' || body.model === 'broken') return void res.writeHead(500).end();
        // Rows in reverse order: the client must place them by index.
        const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })).reverse();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: body.model }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the texts with the key and model, and returns the vectors in input order', async () => {
    const embedder = new OpenAIEmbeddings({ apiKey: 'sk-x', baseUrl, model: 'text-embedding-3-small', timeoutMs: 2_000 });
    await expect(embedder.embed(['מתי אתם פתוחים', 'חניה'])).resolves.toEqual([[1, 0.05], [0, 1]]);
    expect(requests.at(-1)).toEqual({ authorization: 'Bearer sk-x', body: { model: 'text-embedding-3-small', input: ['מתי אתם פתוחים', 'חניה'] } });
  });

  it('is the semantic fallback of the matcher; an HTTP failure means no match', async () => {
    const faq = [{ question: 'מה שעות הפתיחה?', answer: 'א-ה 9-18' }, { question: 'יש חניה?', answer: 'כן' }];
    const good = new FaqMatcher(faq, { embedder: new OpenAIEmbeddings({ apiKey: 'sk-x', baseUrl, model: 'm', timeoutMs: 2_000 }) });
    await expect(good.match('מתי אתם פתוחים ביום ראשון')).resolves.toMatchObject({ method: 'embedding', entry: { answer: 'א-ה 9-18' } });
    const broken = new FaqMatcher(faq, { embedder: new OpenAIEmbeddings({ apiKey: 'sk-x', baseUrl, model: 'broken', timeoutMs: 2_000 }) });
    await expect(broken.match('מתי אתם פתוחים ביום ראשון')).resolves.toBeNull();
  });

  it('is configured only with a key and a model', () => {
    const base = { OPENAI_BASE_URL: baseUrl, FAQ_EMBEDDING_MODEL: 'text-embedding-3-small', FAQ_EMBEDDING_TIMEOUT_MS: 800 };
    expect(faqEmbedderFromConfig(base)).toBeNull();
    expect(faqEmbedderFromConfig({ ...base, OPENAI_API_KEY: 'sk-x', FAQ_EMBEDDING_MODEL: '' })).toBeNull();
    expect(faqEmbedderFromConfig({ ...base, OPENAI_API_KEY: 'sk-x' })).toBeInstanceOf(OpenAIEmbeddings);
  });
});
