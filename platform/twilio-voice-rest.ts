/**
 * Twilio Programmable Voice REST (2010-04-01): place outbound calls and fetch
 * or delete recordings. Form-encoded requests with HTTP basic auth, as Twilio's
 * own SDK sends them; the base URL points at the local fake in development and tests.
 */
export interface TwilioVoiceRestOptions {
  accountSid: string;
  authToken: string;
  apiBaseUrl: string;
  timeoutMs?: number;
}

export interface PlacedCall {
  sid: string;
  status: string;
}

/** Twilio refused the request for good (bad number, unverified caller id ...): retrying cannot help. */
export class TwilioRequestRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioRequestRefusedError';
  }
}

export type RecordingFormat = 'mp3' | 'wav';

export const RECORDING_CONTENT_TYPES: Record<RecordingFormat, string> = { mp3: 'audio/mpeg', wav: 'audio/wav' };

export class TwilioVoiceRest {
  readonly #options: TwilioVoiceRestOptions;

  constructor(options: TwilioVoiceRestOptions) {
    this.#options = options;
  }

  get accountSid(): string {
    return this.#options.accountSid;
  }

  #url(path: string): string {
    return `${this.#options.apiBaseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.#options.accountSid)}${path}`;
  }

  #authorization(): string {
    return `Basic ${Buffer.from(`${this.#options.accountSid}:${this.#options.authToken}`).toString('base64')}`;
  }

  async #request(method: string, path: string, form?: Record<string, string>): Promise<Response> {
    return fetch(this.#url(path), {
      method,
      headers: { authorization: this.#authorization(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
    });
  }

  async #refusalOrError(response: Response, what: string): Promise<Error> {
    const payload = (await response.json().catch(() => ({}))) as { code?: number; message?: string };
    const text = `${what}: Twilio answered HTTP ${response.status} ${payload.code ?? ''} ${payload.message ?? ''}`.trim();
    if (response.status >= 400 && response.status < 500 && response.status !== 429) return new TwilioRequestRefusedError(response.status, payload.code ?? null, text);
    return new Error(text);
  }

  /** POST /Calls.json: Twilio dials `to` from `from` and asks `url` for TwiML when answered. */
  async createCall(input: { to: string; from: string; url: string; statusCallback?: string }): Promise<PlacedCall> {
    const form: Record<string, string> = { To: input.to, From: input.from, Url: input.url, Method: 'POST' };
    if (input.statusCallback) {
      form.StatusCallback = input.statusCallback;
      form.StatusCallbackMethod = 'POST';
      form.StatusCallbackEvent = 'initiated ringing answered completed';
    }
    const response = await this.#request('POST', '/Calls.json', form);
    if (!response.ok) throw await this.#refusalOrError(response, 'create call');
    const call = (await response.json()) as { sid?: string; status?: string };
    if (!call.sid) throw new Error('create call: Twilio answered without a call sid');
    return { sid: call.sid, status: call.status ?? 'queued' };
  }

  /** GET /Calls.json filtered by To, From and start day: finds a call placed before a crash lost the answer. */
  async findCalls(input: { to: string; from: string; startedOnOrAfter: Date }): Promise<Array<{ sid: string; dateCreated: string | null }>> {
    const query = new URLSearchParams({ To: input.to, From: input.from, 'StartTime>': input.startedOnOrAfter.toISOString().slice(0, 10), PageSize: '50' });
    const response = await this.#request('GET', `/Calls.json?${query.toString()}`);
    if (!response.ok) throw await this.#refusalOrError(response, 'list calls');
    const page = (await response.json()) as { calls?: Array<{ sid: string; date_created?: string | null }> };
    return (page.calls ?? []).map((call) => ({ sid: call.sid, dateCreated: call.date_created ?? null }));
  }

  /** POST /Calls/{sid}.json with new TwiML: the live call leaves what it was doing (the media stream) and runs it. */
  async updateCall(callSid: string, twiml: string): Promise<void> {
    if (!/^CA[0-9a-zA-Z]{2,64}$/.test(callSid)) throw new TwilioRequestRefusedError(400, null, `not a call sid: ${callSid}`);
    const response = await this.#request('POST', `/Calls/${callSid}.json`, { Twiml: twiml });
    if (!response.ok) throw await this.#refusalOrError(response, `update call ${callSid}`);
  }

  /** The recording's media (`.mp3` or `.wav` of the Recording resource). */
  async fetchRecording(recordingSid: string, format: RecordingFormat): Promise<{ body: Buffer; contentType: string }> {
    if (!/^RE[0-9a-zA-Z]{2,64}$/.test(recordingSid)) throw new TwilioRequestRefusedError(400, null, `not a recording sid: ${recordingSid}`);
    const response = await this.#request('GET', `/Recordings/${recordingSid}.${format}`);
    if (!response.ok) throw await this.#refusalOrError(response, `fetch recording ${recordingSid}`);
    return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? RECORDING_CONTENT_TYPES[format] };
  }

  /** DELETE /Recordings/{sid}.json: our copy is stored, Twilio's goes. A recording already gone is fine. */
  async deleteRecording(recordingSid: string): Promise<void> {
    const response = await this.#request('DELETE', `/Recordings/${recordingSid}.json`);
    if (!response.ok && response.status !== 404) throw await this.#refusalOrError(response, `delete recording ${recordingSid}`);
  }
}

/** Twilio voice REST when credentials are configured, else null (outbound calls and recording copies are then refused). */
export function createTwilioVoiceRest(config: { TWILIO_ACCOUNT_SID?: string; TWILIO_AUTH_TOKEN?: string; TWILIO_API_BASE_URL: string }): TwilioVoiceRest | null {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN) return null;
  return new TwilioVoiceRest({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, apiBaseUrl: config.TWILIO_API_BASE_URL });
}
