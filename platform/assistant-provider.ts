import { extractPhoneNumber, stripNiqqud } from '../domain';

/**
 * The text model behind after-call work (summary and lead fields). The local
 * provider is deterministic and offline (development and tests); the OpenAI
 * provider is used only when OPENAI_API_KEY is set.
 */
export interface CallTranscriptTurn {
  role: 'caller' | 'assistant' | 'system';
  text: string;
  at: string;
}

export interface CallSummaryResult {
  summary: string;
  lead: { fullName: string | null; phone: string | null; need: string | null };
}

export interface AssistantProvider {
  readonly name: string;
  summarizeCall(input: { transcript: CallTranscriptTurn[]; callerE164: string | null }): Promise<CallSummaryResult>;
}

const SUMMARY_MAX_CHARS = 400;
const NEED_MAX_CHARS = 200;
/** Phrases after which callers say their name ("קוראים לי דנה כהן"). */
const NAME_INTRO = /(?:קוראים לי|שמי|השם שלי(?: הוא)?|השם הוא|מדבר(?:ת)? כאן|מדבר(?:ת)?)\s+([\u05d0-\u05ea'"-]+(?:\s+[\u05d0-\u05ea'"-]+)?)/u;
/** Words that end a name when said right after it. */
const NOT_NAME = new Set(['ו', 'וה', 'הטלפון', 'טלפון', 'מספר', 'והמספר', 'והטלפון', 'רוצה', 'אני', 'צריך', 'צריכה', 'מעוניין', 'מעוניינת', 'שלי', 'לקבוע']);
const NEED_HINT = /(רוצה|צריך|צריכה|מעוניין|מעוניינת|אפשר|לקבוע|תור)/u;

/** Summary and lead fields from the transcript alone, with the Domain core parsers: same transcript, same answer. */
export class LocalAssistantProvider implements AssistantProvider {
  readonly name = 'local';

  summarizeCall({ transcript, callerE164 }: { transcript: CallTranscriptTurn[]; callerE164: string | null }): Promise<CallSummaryResult> {
    const callerTurns = transcript.filter((turn) => turn.role === 'caller' || turn.role === 'system').map((turn) => turn.text.replace(/^DTMF:\s*/, ''));
    const saidByCaller = transcript.filter((turn) => turn.role === 'caller').map((turn) => turn.text.trim());
    const fullName = findName(saidByCaller);
    const phone = findPhone(callerTurns) ?? callerE164;
    const needTurn = saidByCaller.find((text) => NEED_HINT.test(text));
    const need = needTurn ? truncate(needTurn, NEED_MAX_CHARS) : null;
    const parts: string[] = [];
    if (saidByCaller.length === 0) parts.push('שיחה ללא דברי המתקשר.');
    else parts.push(`המתקשר${fullName ? ` (${fullName})` : ''}: ${saidByCaller.join(' / ')}`);
    if (phone) parts.push(`טלפון: ${phone}.`);
    return Promise.resolve({ summary: truncate(parts.join(' '), SUMMARY_MAX_CHARS), lead: { fullName, phone, need } });
  }
}

/** Chat Completions with a JSON answer; only the shape of the request lives here, no SDK. */
export class OpenAiAssistantProvider implements AssistantProvider {
  readonly name = 'openai';
  constructor(
    private readonly options: { apiKey: string; baseUrl?: string; model?: string; timeoutMs?: number; fetch?: typeof fetch },
  ) {}

  async summarizeCall({ transcript, callerE164 }: { transcript: CallTranscriptTurn[]; callerE164: string | null }): Promise<CallSummaryResult> {
    const doFetch = this.options.fetch ?? fetch;
    const response = await doFetch(`${(this.options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      body: JSON.stringify({
        model: this.options.model ?? 'gpt-4o-mini',
        response_format: { type: 'json_object' },
        temperature: 0,
        messages: [
          {
            role: 'system',
            content:
              'You summarize a phone call to a small business for its owner, in Hebrew, in at most three sentences. ' +
              'Answer JSON: {"summary": string, "fullName": string|null, "phone": string|null, "need": string|null} with the caller\'s name, phone and need only as the caller said them.',
          },
          { role: 'user', content: transcript.map((turn) => `${turn.role}: ${turn.text}`).join('\n') },
        ],
      }),
    });
    if (!response.ok) throw new Error(`OpenAI summary failed with HTTP ${response.status}`);
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
    const answer = JSON.parse(body.choices?.[0]?.message?.content ?? '{}') as Record<string, unknown>;
    const text = (key: string) => (typeof answer[key] === 'string' && (answer[key] as string).trim() ? (answer[key] as string).trim() : null);
    const phone = text('phone');
    return {
      summary: truncate(text('summary') ?? '', SUMMARY_MAX_CHARS),
      // The model's phone goes through the same parser as the local one: never an unchecked number.
      lead: { fullName: text('fullName'), phone: (phone ? extractPhoneNumber(phone).e164 : null) ?? callerE164, need: text('need') },
    };
  }
}

export function createAssistantProvider(config: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string; OPENAI_SUMMARY_MODEL?: string }): AssistantProvider {
  if (!config.OPENAI_API_KEY) return new LocalAssistantProvider();
  return new OpenAiAssistantProvider({ apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_SUMMARY_MODEL });
}

function findName(saidByCaller: string[]): string | null {
  for (const text of saidByCaller) {
    const match = NAME_INTRO.exec(stripNiqqud(text).replace(/[,.!?;:]+/g, ' ').replace(/\s+/g, ' '));
    if (!match) continue;
    const words: string[] = [];
    for (const word of match[1]!.split(/\s+/)) {
      if (NOT_NAME.has(word)) break;
      words.push(word);
    }
    if (words.length) return words.join(' ');
  }
  return null;
}

function findPhone(texts: string[]): string | null {
  for (let i = texts.length - 1; i >= 0; i--) {
    const e164 = extractPhoneNumber(texts[i]!).e164;
    if (e164) return e164;
  }
  return null;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
