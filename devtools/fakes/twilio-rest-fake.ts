import { randomBytes } from 'node:crypto';
import http from 'node:http';

export interface FakeTwilioCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  url: string;
  statusCallback: string | null;
  dateCreated: string;
}

export interface FakeTwilioRecording {
  sid: string;
  callSid: string;
  /** The media as served for `.wav` (and, in this fake, for `.mp3` too: the bytes are opaque). */
  media: Buffer;
  durationSeconds: number;
  deleted: boolean;
}

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  dateCreated: string;
}

/**
 * A local stand-in for Twilio's REST API (2010-04-01): the Messages, Calls and
 * Recordings resources with the same paths, form-encoded POST, HTTP basic auth
 * and JSON answers, recording every message it "sends" and call it "places",
 * and serving recording media added with addRecording(). Faults can be
 * injected: plain failures, and a message that is recorded but whose answer
 * never arrives (a crash after sending).
 */
export class FakeTwilioRest {
  readonly messages: FakeTwilioMessage[] = [];
  readonly calls: FakeTwilioCall[] = [];
  readonly recordings = new Map<string, FakeTwilioRecording>();
  /** Runs after a call is created and before the answer goes back (a status callback that overtakes the answer). */
  beforeCallAnswer: ((call: FakeTwilioCall) => Promise<void>) | null = null;
  /** Live-call updates (POST /Calls/{sid}.json): the TwiML each call was redirected to. */
  readonly callUpdates: Array<{ sid: string; twiml: string }> = [];
  private server: http.Server | null = null;
  private failures: number[] = [];
  private dropAnswersTo = new Map<string, number>();
  private refused = new Set<string>();
  /** Messages whose answer was dropped on purpose. */
  readonly droppedAnswers: FakeTwilioMessage[] = [];

  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
  ) {}

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  /** The next `count` sends answer with this HTTP status and record nothing. */
  failNext(count: number, status = 503): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** The next `count` sends to this number are recorded, but the connection drops before the answer. */
  dropAnswerAfterSending(to: string, count = 1): void {
    this.dropAnswersTo.set(to, (this.dropAnswersTo.get(to) ?? 0) + count);
  }

  /**
   * Every send to this address is refused as Twilio refuses an unreachable
   * recipient (HTTP 400, e.g. 63003 for a WhatsApp number that is not on WhatsApp), and nothing is recorded.
   */
  refuseTo(to: string, code = 63003): void {
    this.refused.add(`${to}|${code}`);
  }

  sentTo(to: string): FakeTwilioMessage[] {
    return this.messages.filter((message) => message.to === to);
  }

  /** A finished recording of a call, served at /Recordings/{sid}.mp3|.wav until deleted. */
  addRecording(callSid: string, media: Buffer, durationSeconds = Math.round(media.length / 8000)): FakeTwilioRecording {
    const recording = { sid: `RE${randomBytes(16).toString('hex')}`, callSid, media, durationSeconds, deleted: false };
    this.recordings.set(recording.sid, recording);
    return recording;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const account = /^\/2010-04-01\/Accounts\/([^/]+)\//.exec(url.pathname);
    if (!account) return this.answer(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (!this.authorized(req, account[1]!)) return this.answer(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    const resource = url.pathname.slice(account[0].length);
    if (resource === 'Calls.json') return this.handleCalls(req, res, url, account[1]!);
    const update = /^Calls\/(CA[0-9a-zA-Z]+)\.json$/.exec(resource);
    if (update && req.method === 'POST') {
      const twiml = new URLSearchParams(await readBody(req)).get('Twiml');
      if (!twiml) return this.answer(res, 400, { code: 21220, message: 'Invalid call state or missing Twiml', status: 400 });
      this.callUpdates.push({ sid: update[1]!, twiml });
      return this.answer(res, 200, { sid: update[1], status: 'in-progress' });
    }
    const recording = /^Recordings\/(RE[0-9a-zA-Z]+)\.(mp3|wav|json)$/.exec(resource);
    if (recording) return this.handleRecording(req, res, recording[1]!, recording[2]!);
    if (resource !== 'Messages.json') return this.answer(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const match = account;

    if (req.method === 'GET') {
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const found = this.messages.filter((m) => (!to || m.to === to) && (!from || m.from === from));
      return this.answer(res, 200, { messages: found.map(toResource), page: 0, page_size: found.length });
    }
    if (req.method !== 'POST') return this.answer(res, 405, { code: 20004, message: 'Method not allowed', status: 405 });

    const form = new URLSearchParams(await readBody(req));
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    if (!to || !from || !body) return this.answer(res, 400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
    // WhatsApp through the same resource: numbers carry a `whatsapp:` prefix (and both sides must).
    if (!/^(whatsapp:)?\+[1-9]\d{6,14}$/.test(to) || to.startsWith('whatsapp:') !== from.startsWith('whatsapp:')) return this.answer(res, 400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
    const refusal = [...this.refused].find((entry) => entry.startsWith(`${to}|`));
    if (refusal) return this.answer(res, 400, { code: Number(refusal.split('|')[1]), message: `Twilio could not find a Channel with the specified To address: ${to}`, status: 400 });
    const failure = this.failures.shift();
    if (failure) return this.answer(res, failure, { code: 20500, message: 'Internal Server Error', status: failure });

    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid: match[1]!,
      to,
      from,
      body,
      dateCreated: new Date().toUTCString(),
    };
    this.messages.push(message);
    const drops = this.dropAnswersTo.get(to) ?? 0;
    if (drops > 0) {
      this.dropAnswersTo.set(to, drops - 1);
      this.droppedAnswers.push(message);
      req.socket.destroy();
      return;
    }
    return this.answer(res, 201, toResource(message));
  }

  private async handleCalls(req: http.IncomingMessage, res: http.ServerResponse, url: URL, accountSid: string): Promise<void> {
    if (req.method === 'GET') {
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const found = this.calls.filter((c) => (!to || c.to === to) && (!from || c.from === from));
      return this.answer(res, 200, { calls: found.map(callResource), page: 0, page_size: found.length });
    }
    if (req.method !== 'POST') return this.answer(res, 405, { code: 20004, message: 'Method not allowed', status: 405 });
    const form = new URLSearchParams(await readBody(req));
    const to = form.get('To');
    const from = form.get('From');
    const target = form.get('Url') ?? form.get('Twiml');
    if (!to || !from || !target) return this.answer(res, 400, { code: 21205, message: "A 'To', 'From' and 'Url' are required", status: 400 });
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return this.answer(res, 400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
    const refusal = [...this.refused].find((entry) => entry.startsWith(`${to}|`));
    if (refusal) return this.answer(res, 400, { code: Number(refusal.split('|')[1]), message: `Twilio could not find a Channel with the specified To address: ${to}`, status: 400 });
    const failure = this.failures.shift();
    if (failure) return this.answer(res, failure, { code: 20500, message: 'Internal Server Error', status: failure });
    const call: FakeTwilioCall = { sid: `CA${randomBytes(16).toString('hex')}`, accountSid, to, from, url: target, statusCallback: form.get('StatusCallback'), dateCreated: new Date().toUTCString() };
    this.calls.push(call);
    await this.beforeCallAnswer?.(call);
    return this.answer(res, 201, callResource(call));
  }

  private handleRecording(req: http.IncomingMessage, res: http.ServerResponse, sid: string, extension: string): void {
    const recording = this.recordings.get(sid);
    if (!recording || recording.deleted) return this.answer(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (req.method === 'DELETE' && extension === 'json') {
      recording.deleted = true;
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET') return this.answer(res, 405, { code: 20004, message: 'Method not allowed', status: 405 });
    if (extension === 'json') return this.answer(res, 200, { sid, call_sid: recording.callSid, duration: String(recording.durationSeconds), status: 'completed' });
    res.writeHead(200, { 'content-type': extension === 'mp3' ? 'audio/mpeg' : 'audio/x-wav', 'content-length': recording.media.length });
    res.end(recording.media);
  }

  private authorized(req: http.IncomingMessage, accountSid: string): boolean {
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    return accountSid === this.accountSid && req.headers.authorization === expected;
  }

  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

function toResource(message: FakeTwilioMessage) {
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    to: message.to,
    from: message.from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-api',
    date_created: message.dateCreated,
    api_version: '2010-04-01',
  };
}

function callResource(call: FakeTwilioCall) {
  return { sid: call.sid, account_sid: call.accountSid, to: call.to, from: call.from, status: 'queued', direction: 'outbound-api', date_created: call.dateCreated, api_version: '2010-04-01' };
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
