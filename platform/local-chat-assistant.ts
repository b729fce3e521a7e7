import { parseHebrewDateTime, stripNiqqud } from '../domain';
import type { ChatAssistantProvider, ChatReply, ChatReplyInput, ChatTurn } from './chat-assistant';

/** The assistant's confirmation starts with this mark; what came before it is a finished booking. */
export const BOOKED_MARK = '✅';
const BOOKING_WORDS = /(תור|לקבוע|לקבע|פגישה|להזמין|פנוי|פנויה)/u;
const CANCEL_WORDS = /(לבטל|ביטול|בטל)/u;
const GREETING_WORDS = /^(היי|הי|שלום|בוקר טוב|ערב טוב|אהלן|hello|hi)\b/iu;
const NAME_INTRO = /(?:קוראים לי|שמי|השם שלי(?: הוא)?|השם הוא|על שם)\s+([\u05d0-\u05ea'"-]+(?:\s+[\u05d0-\u05ea'"-]+)?)/u;
const ASKED_FOR_NAME = 'על איזה שם';
const NOT_NAME = new Set(['ו', 'הטלפון', 'טלפון', 'מספר', 'רוצה', 'אני', 'צריך', 'צריכה', 'שלי', 'לקבוע', 'תור']);

/**
 * A deterministic, offline WhatsApp assistant (development, tests, benchmarks):
 * reads the day and time with the domain's Hebrew parser, the name from "קוראים
 * לי …" or a short answer to its own question, takes the phone from WhatsApp,
 * and books, offers free times, cancels or answers FAQ only through the tools.
 */
export class LocalChatAssistant implements ChatAssistantProvider {
  readonly name = 'local';

  async reply(input: ChatReplyInput): Promise<ChatReply> {
    const toolCalls: ChatReply['toolCalls'] = [];
    const call = async (name: string, args: Record<string, unknown>) => {
      const output = await input.tools.invoke(name, args);
      toolCalls.push({ name, output });
      return output;
    };
    const open = openTurns(input.history);
    const latest = open.filter((turn) => turn.role === 'user').at(-1)?.text ?? '';
    const answer = (text: string): ChatReply => ({ text, toolCalls });

    if (CANCEL_WORDS.test(latest)) {
      const result = await call('cancel_appointment', { phone: input.contactE164 });
      if (result.cancelled === true) return answer(`${BOOKED_MARK} התור בוטל. אם תרצה לקבוע מחדש, אני כאן.`);
      if (result.error === 'no_appointment') return answer('לא מצאתי תור קרוב על המספר הזה. אולי הוא נקבע ממספר אחר?');
      return answer('לא הצלחתי לבטל כרגע. מישהו מהעסק יחזור אליך בהקדם.');
    }

    const userTexts = open.filter((turn) => turn.role === 'user').map((turn) => turn.text);
    const when = latestDateTime(userTexts, input);
    const wantsBooking = userTexts.some((text) => BOOKING_WORDS.test(text)) || when.date !== null;
    if (!wantsBooking) {
      const faq = await call('answer_faq', { question: latest });
      if (faq.found === true && typeof faq.answer === 'string') return answer(faq.answer);
      if (GREETING_WORDS.test(latest.trim()) || open.length <= 1) {
        return answer(`שלום${input.contactName ? ` ${input.contactName}` : ''}! כאן ${input.businessName}. אפשר לקבוע כאן תור או לשאול כל שאלה. במה אוכל לעזור?`);
      }
      return answer('אני יכול לקבוע לך תור, לבטל תור קיים או לענות על שאלות. מה תרצה?');
    }
    if (!when.date) return answer('בשמחה! לאיזה יום ובאיזו שעה?');
    if (!when.time) {
      const free = await call('check_availability', { date: when.date });
      const slots = Array.isArray(free.slots) ? (free.slots as Array<{ time?: string }>).map((slot) => slot.time).filter(Boolean) : [];
      if (!slots.length) return answer('אין תורים פנויים ביום הזה. אולי יום אחר?');
      return answer(`ביום הזה פנוי ב: ${slots.join(', ')}. איזו שעה מתאימה?`);
    }
    const name = findName(open) ?? input.contactName;
    if (!name) return answer(`${ASKED_FOR_NAME} לרשום את התור?`);
    const booked = await call('book_appointment', { slotStart: `${when.date}T${when.time}`, name, phone: input.contactE164 });
    if (booked.booked === true) return answer(`${BOOKED_MARK} קבעתי לך תור ל${String(booked.when ?? `${when.date} ${when.time}`)}, על שם ${name}. נתראה!`);
    if (booked.error === 'slot_unavailable') {
      const alternatives = Array.isArray(booked.alternatives) ? (booked.alternatives as Array<{ when?: string }>).map((slot) => slot.when).filter(Boolean) : [];
      return answer(alternatives.length ? `השעה הזו לא פנויה. אפשר: ${alternatives.join(' / ')}. מה מתאים?` : 'השעה הזו לא פנויה. אולי שעה אחרת?');
    }
    return answer('לא הצלחתי לקבוע את התור כרגע. מישהו מהעסק יחזור אליך בהקדם.');
  }
}

/** The turns after the last finished booking or cancellation: what the customer is asking for now. */
function openTurns(history: ChatTurn[]): ChatTurn[] {
  let start = 0;
  history.forEach((turn, index) => {
    if (turn.role === 'assistant' && turn.text.startsWith(BOOKED_MARK)) start = index + 1;
  });
  return history.slice(start);
}

/** The latest day and the latest time said, which may come in different messages ("מחר", then "בעשר"). */
function latestDateTime(texts: string[], input: Pick<ChatReplyInput, 'now' | 'timeZone'>): { date: string | null; time: string | null } {
  let date: string | null = null;
  let time: string | null = null;
  for (const text of texts) {
    const parsed = parseHebrewDateTime(text, { now: input.now, timeZone: input.timeZone });
    if (parsed.date) date = parsed.date;
    if (parsed.time) time = parsed.time;
  }
  return { date, time };
}

function findName(turns: ChatTurn[]): string | null {
  let name: string | null = null;
  turns.forEach((turn, index) => {
    if (turn.role !== 'user') return;
    const text = stripNiqqud(turn.text).replace(/[,.!?;:]+/g, ' ').replace(/\s+/g, ' ').trim();
    const intro = NAME_INTRO.exec(text);
    if (intro) {
      const words = intro[1]!.split(' ').filter((word) => !NOT_NAME.has(word));
      if (words.length) name = words.join(' ');
      return;
    }
    const asked = turns[index - 1]?.role === 'assistant' && turns[index - 1]!.text.includes(ASKED_FOR_NAME);
    if (asked && /^[\u05d0-\u05eaA-Za-z'" -]{2,40}$/u.test(text) && text.split(' ').length <= 3) name = text;
  });
  return name;
}
