/**
 * A scripted phone call against a running stack, the way Twilio would place it:
 * the signed voice webhook, the media stream the TwiML names (signed upgrade,
 * stream token), the caller's "speech" (tones the fake model's voice detector
 * hears) and keypad digits, while the call's session workflow is followed in
 * Temporal to show the transcript, tool calls and the booking as they happen.
 * Used by `npm run call:simulate` and by its test.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import twilio from 'twilio';
import YAML from 'yaml';
import { callSessionQuery, type CallSessionView } from '../workflows';
import { workflowIds } from '../temporal-config';
import { mulawSilence, mulawTone } from '../realtime/mulaw';
import { NEXT_SESSION_PATH, replyAudioMs, type FakeConversation, type FakeConversationTurn } from './fakes/openai-realtime-fake';
import { TwilioCallerFake } from './fakes/twilio-caller-fake';

export interface CallScript extends FakeConversation {
  /** The caller's number (From); default a fixed Israeli mobile. */
  caller?: string;
}

export interface SimulateOptions {
  /** The business number to dial (To). */
  to: string;
  script: CallScript;
  /** e.g. http://127.0.0.1:3000 — where the voice webhook is. */
  apiUrl: string;
  /** e.g. ws://127.0.0.1:3001/media-stream — where to open the stream (the TwiML URL is what gets signed). */
  realtimeConnectUrl: string;
  /** Base URL of the fake model's control endpoint, e.g. http://127.0.0.1:8765; null = do not arm (the fake is armed already). */
  fakeModelUrl: string | null;
  /** Signs the webhook and the stream upgrade; null when the stack does not validate signatures. */
  authToken: string | null;
  temporal: Client;
  /** Caller silence after each utterance: longer than the business's VAD silence. */
  pauseAfterSpeechMs?: number;
  print?: (line: string) => void;
}

export interface SimulatedCall {
  callSid: string;
  businessId: string;
  view: CallSessionView;
}

const DEFAULT_CALLER = '+972501234567';

/** Reads a call script file (YAML or JSON): `greeting`, `caller`, `turns: [{say|dtmf, tool?, reply?}]`. */
export function readCallScript(file: string): CallScript {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = (file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Partial<CallScript> | null;
  if (!parsed || !Array.isArray(parsed.turns) || parsed.turns.length === 0) throw new Error(`${file}: a call script needs a non-empty "turns" list`);
  parsed.turns.forEach((turn: FakeConversationTurn, index: number) => {
    if (typeof turn?.say !== 'string' && typeof turn?.dtmf !== 'string') throw new Error(`${file}: turn ${index + 1} needs "say" or "dtmf"`);
    if (typeof turn.dtmf === 'string' && !/^[0-9*#]+$/.test(turn.dtmf)) throw new Error(`${file}: turn ${index + 1}: dtmf may hold 0-9, * and # only`);
  });
  return parsed as CallScript;
}

function unescapeXml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The <Stream> URL and its <Parameter>s from the voice webhook's TwiML; null when it said something and hung up. */
export function parseConnectTwiml(xml: string): { streamUrl: string; parameters: Record<string, string> } | null {
  const stream = /<Stream url="([^"]+)"/.exec(xml);
  if (!stream) return null;
  const parameters: Record<string, string> = {};
  for (const match of xml.matchAll(/<Parameter name="([^"]+)" value="([^"]*)"\/>/g)) parameters[unescapeXml(match[1]!)] = unescapeXml(match[2]!);
  return { streamUrl: unescapeXml(stream[1]!), parameters };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tool's result as the workflow keeps it, without its long `summary` copy. */
function shortResult(result: Record<string, unknown> | undefined): string {
  const { summary: _summary, ...kept } = result ?? {};
  return JSON.stringify(kept);
}

export async function simulateCall(options: SimulateOptions): Promise<SimulatedCall> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pauseMs = options.pauseAfterSpeechMs ?? 1_200;
  const { script } = options;

  if (options.fakeModelUrl) {
    const armed = await fetch(`${options.fakeModelUrl.replace(/\/+$/, '')}${NEXT_SESSION_PATH}`, { method: 'POST', body: JSON.stringify({ greeting: script.greeting, turns: script.turns }) }).catch((error: unknown) => {
      throw new Error(`the fake model at ${options.fakeModelUrl} does not answer (${(error as Error).message}): start the stack without OPENAI_API_KEY (npm start runs the fake then)`);
    });
    if (!armed.ok) throw new Error(`the fake model refused the script: HTTP ${armed.status} ${await armed.text()}`);
  }

  // 1. Twilio asks the voice webhook what to do with the call (signed, as behind the proxy).
  const callSid = `CA${Date.now().toString(16)}${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`.padEnd(34, '0');
  const webhookUrl = new URL('/webhooks/twilio/voice', options.apiUrl);
  const params = { AccountSid: 'AC00000000000000000000000000000000', CallSid: callSid, From: script.caller ?? DEFAULT_CALLER, To: options.to, Direction: 'inbound', CallStatus: 'ringing', ApiVersion: '2010-04-01' };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': webhookUrl.protocol.replace(':', ''), 'x-forwarded-host': webhookUrl.host };
  if (options.authToken) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(options.authToken, webhookUrl.toString(), params);
  const response = await fetch(webhookUrl, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const xml = await response.text();
  if (!response.ok) throw new Error(`the voice webhook answered HTTP ${response.status}: ${xml}`);
  const connect = parseConnectTwiml(xml);
  if (!connect) {
    print(`the business did not take the call: ${xml.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()}`);
    throw new Error('the call was not connected to the assistant');
  }
  const businessId = connect.parameters.businessId!;
  print(`call ${callSid} to ${options.to} → business ${businessId}`);

  // 2. The media stream, opened like Twilio opens it.
  const caller = await TwilioCallerFake.connect({
    connectUrl: options.realtimeConnectUrl,
    signedUrl: connect.streamUrl,
    authToken: options.authToken,
    callSid,
    customParameters: connect.parameters,
  });
  caller.start();

  // 3. Follow the call workflow: print what is new as it happens.
  const handle = options.temporal.workflow.getHandle(workflowIds.call(businessId, callSid));
  let shownTurns = 0;
  let shownTools = 0;
  let view: CallSessionView | null = null;
  const show = async () => {
    view = await handle.query(callSessionQuery).catch(() => view);
    if (!view) return;
    for (const turn of view.transcript.slice(shownTurns)) print(`${turn.role === 'caller' ? 'מתקשר / caller   ' : turn.role === 'assistant' ? 'עוזר / assistant ' : 'מקשים / keypad  '}: ${turn.text}`);
    shownTurns = view.transcript.length;
    for (const tool of view.toolCalls.slice(shownTools)) print(`  tool ${tool.name}(${JSON.stringify(tool.args ?? {})}) → ${tool.ok ? 'ok' : 'failed'} ${shortResult(tool.result)}`);
    shownTools = view.toolCalls.length;
  };
  let following = true;
  const follower = (async () => {
    while (following) {
      await show();
      await sleep(300);
    }
  })();

  /** Waits until the assistant has been quiet (nothing buffered, nothing new) for a moment. */
  const assistantQuiet = async (minimumMs: number) => {
    const started = performance.now();
    let frames = caller.frames.length;
    let quietSince = performance.now();
    while (performance.now() - started < 30_000) {
      await sleep(100);
      if (caller.frames.length !== frames || caller.bufferedMs > 0) {
        frames = caller.frames.length;
        quietSince = performance.now();
      }
      if (performance.now() - quietSince >= 700 && performance.now() - started >= minimumMs) return;
    }
  };

  try {
    await assistantQuiet(1_000); // the greeting
    for (const turn of script.turns) {
      if (caller.socket.readyState !== caller.socket.OPEN) break;
      if (typeof turn.say === 'string') {
        await caller.streamAudio(Buffer.concat([mulawTone(Math.max(700, turn.say.length * 55), 300, 6_000), mulawSilence(pauseMs)]));
      } else if (turn.dtmf) {
        for (const digit of turn.dtmf) caller.sendDtmf(digit);
      }
      await assistantQuiet(turn.tool ? 1_500 : 500 + replyAudioMs(turn.reply ?? '') / 4);
    }
    if (caller.socket.readyState === caller.socket.OPEN) caller.stop();
    await Promise.race([caller.closed, sleep(5_000)]);
  } finally {
    caller.close();
  }
  const result = (await handle.result()) as CallSessionView;
  following = false;
  await follower;
  view = result;
  for (const turn of result.transcript.slice(shownTurns)) print(`${turn.role === 'caller' ? 'מתקשר / caller   ' : turn.role === 'assistant' ? 'עוזר / assistant ' : 'מקשים / keypad  '}: ${turn.text}`);
  for (const tool of result.toolCalls.slice(shownTools)) print(`  tool ${tool.name}(${JSON.stringify(tool.args ?? {})}) → ${tool.ok ? 'ok' : 'failed'} ${shortResult(tool.result)}`);
  const booking = result.toolCalls.find((tool) => tool.name === 'book_appointment' && tool.result?.booked === true);
  print('');
  print(`ended: ${result.ended?.reason ?? '?'}   outcome recorded on the call`);
  print(booking ? `booked: ${String(booking.result?.when ?? booking.result?.startsAt)} (appointment ${String(booking.result?.appointmentId)})` : 'no appointment was booked');
  if (result.summary) print(`summary: ${result.summary}`);
  return { callSid, businessId, view: result };
}
