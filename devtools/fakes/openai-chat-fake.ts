import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface FakeChatRequest {
  model: string;
  messages: Array<{ role: string; content?: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
}

/** What the fake model answers to one request: text, or tool calls (arguments as the model would write them). */
export type FakeChatAnswer = { content: string } | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> };

/**
 * A local stand-in for OpenAI's Chat Completions endpoint (POST /v1/chat/completions):
 * bearer auth, the request body the SDK sends, and the same response shape
 * (choices[0].message with content or tool_calls, finish_reason, usage).
 * A script decides each answer from the request, so tests can play a model
 * that calls tools and then answers from their results.
 */
export class FakeOpenAiChat {
  readonly requests: FakeChatRequest[] = [];
  private server: http.Server | null = null;

  constructor(
    private readonly apiKey: string,
    private readonly script: (request: FakeChatRequest) => FakeChatAnswer,
  ) {}

  /** Returns the base URL to give the SDK (ends in /v1). */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/v1`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return this.error(res, 404, 'invalid_request_error', `Unknown request URL: ${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return this.error(res, 401, 'invalid_api_key', 'Incorrect API key provided.');
    let request: FakeChatRequest;
    try {
      request = JSON.parse(await readBody(req)) as FakeChatRequest;
    } catch {
      return this.error(res, 400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
    }
    if (!request.model || !Array.isArray(request.messages)) return this.error(res, 400, 'invalid_request_error', "Missing required parameter: 'messages'.");
    this.requests.push(request);
    const answer = this.script(request);
    const message =
      'content' in answer
        ? { role: 'assistant', content: answer.content, refusal: null }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: answer.toolCalls.map((call) => ({ id: `call_${randomBytes(8).toString('hex')}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
          };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${randomBytes(10).toString('hex')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: 'content' in answer ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      }),
    );
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }));
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
