/**
 * The words of every message the system sends, in Hebrew and English. Pure and
 * deterministic (same input, same text), because a retried send is matched
 * against the provider's record by its body.
 */
export type NotificationKind =
  | 'appointment_confirmed'
  | 'appointment_reminder'
  | 'appointment_rescheduled'
  | 'appointment_cancelled'
  | 'owner_new_appointment'
  | 'owner_new_lead'
  | 'owner_call_summary'
  | 'owner_whatsapp_handoff'
  | 'crm_reminder'
  | 'contract_signing'
  | 'contract_signing_reminder'
  | 'contract_expired'
  | 'contract_cancelled'
  | 'invoice_issued'
  | 'receipt_issued'
  | 'owner_contract_signed'
  | 'owner_payment_received';

export interface NotificationParams {
  businessName: string;
  customerName?: string;
  startsAt?: string;
  customerPhone?: string;
  title?: string;
  /** A link the customer opens (signing page, card payment page). */
  link?: string;
  /** An amount already formatted for the business's locale (e.g. "₪1,180.00"). */
  amount?: string;
  /** An invoice or receipt number. */
  documentNumber?: number;
}

const whenFormats = new Map<string, Intl.DateTimeFormat>();

export function formatWhen(iso: string, timeZone: string, locale: 'he' | 'en'): string {
  const key = `${locale}|${timeZone}`;
  let format = whenFormats.get(key);
  if (!format) {
    // Building a DateTimeFormat costs far more than using one; there are few zones and two locales.
    format = new Intl.DateTimeFormat(locale === 'he' ? 'he-IL' : 'en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    whenFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

export function notificationText(kind: NotificationKind, params: NotificationParams, locale: 'he' | 'en', timeZone: string): string {
  const when = params.startsAt ? formatWhen(params.startsAt, timeZone, locale) : '';
  const name = params.customerName ?? '';
  const he: Record<NotificationKind, string> = {
    appointment_confirmed: `שלום ${name}, התור שלך ב${params.businessName} נקבע ל${when}. להתראות!`,
    appointment_reminder: `תזכורת: התור שלך ב${params.businessName} ב${when}.`,
    appointment_rescheduled: `שלום ${name}, התור שלך ב${params.businessName} הועבר ל${when}.`,
    appointment_cancelled: `שלום ${name}, התור שלך ב${params.businessName} ב${when} בוטל.`,
    owner_new_appointment: `תור חדש: ${name} (${params.customerPhone ?? ''}) ב${when}.`,
    owner_new_lead: `ליד חדש: ${name} (${params.customerPhone ?? ''}).`,
    owner_call_summary: `שיחה נכנסת: ${name} (${params.customerPhone ?? ''}). ${params.title ?? ''}`,
    owner_whatsapp_handoff: `לקוח/ה בוואטסאפ מבקש/ת נציג/ה: ${name} (${params.customerPhone ?? ''}). ${params.title ?? ''}`,
    crm_reminder: `תזכורת: ${params.title ?? ''}`,
    contract_signing: `שלום ${name}, ${params.businessName} שלח/ה לך הסכם "${params.title ?? ''}" לחתימה: ${params.link ?? ''}`,
    contract_signing_reminder: `תזכורת: ההסכם "${params.title ?? ''}" מ${params.businessName} עדיין ממתין לחתימתך: ${params.link ?? ''}`,
    contract_expired: `שלום ${name}, תוקף הקישור לחתימה על "${params.title ?? ''}" מ${params.businessName} פג. לחידוש פנה/י לעסק.`,
    contract_cancelled: `שלום ${name}, ההסכם "${params.title ?? ''}" מ${params.businessName} בוטל.`,
    invoice_issued: `תודה ${name}! חשבונית מס' ${params.documentNumber ?? ''} מ${params.businessName} על סך ${params.amount ?? ''}.${params.link ? ` לתשלום בכרטיס: ${params.link}` : ''}`,
    receipt_issued: `קיבלנו את תשלומך בסך ${params.amount ?? ''}. קבלה מס' ${params.documentNumber ?? ''} מ${params.businessName}. תודה!`,
    owner_contract_signed: `${name} חתם/ה על "${params.title ?? ''}". הופקה חשבונית מס' ${params.documentNumber ?? ''}.`,
    owner_payment_received: `התקבל תשלום מ${name} בסך ${params.amount ?? ''} (קבלה מס' ${params.documentNumber ?? ''}).`,
  };
  const en: Record<NotificationKind, string> = {
    appointment_confirmed: `Hi ${name}, your appointment at ${params.businessName} is booked for ${when}. See you!`,
    appointment_reminder: `Reminder: your appointment at ${params.businessName} is on ${when}.`,
    appointment_rescheduled: `Hi ${name}, your appointment at ${params.businessName} moved to ${when}.`,
    appointment_cancelled: `Hi ${name}, your appointment at ${params.businessName} on ${when} is cancelled.`,
    owner_new_appointment: `New appointment: ${name} (${params.customerPhone ?? ''}) on ${when}.`,
    owner_new_lead: `New lead: ${name} (${params.customerPhone ?? ''}).`,
    owner_call_summary: `Call: ${name} (${params.customerPhone ?? ''}). ${params.title ?? ''}`,
    owner_whatsapp_handoff: `A WhatsApp customer asks for a person: ${name} (${params.customerPhone ?? ''}). ${params.title ?? ''}`,
    crm_reminder: `Reminder: ${params.title ?? ''}`,
    contract_signing: `Hi ${name}, ${params.businessName} sent you the agreement "${params.title ?? ''}" to sign: ${params.link ?? ''}`,
    contract_signing_reminder: `Reminder: the agreement "${params.title ?? ''}" from ${params.businessName} is still waiting for your signature: ${params.link ?? ''}`,
    contract_expired: `Hi ${name}, the signing link for "${params.title ?? ''}" from ${params.businessName} has expired. Contact the business to renew it.`,
    contract_cancelled: `Hi ${name}, the agreement "${params.title ?? ''}" from ${params.businessName} was cancelled.`,
    invoice_issued: `Thank you ${name}! Invoice no. ${params.documentNumber ?? ''} from ${params.businessName} for ${params.amount ?? ''}.${params.link ? ` Pay by card: ${params.link}` : ''}`,
    receipt_issued: `We received your payment of ${params.amount ?? ''}. Receipt no. ${params.documentNumber ?? ''} from ${params.businessName}. Thank you!`,
    owner_contract_signed: `${name} signed "${params.title ?? ''}". Invoice no. ${params.documentNumber ?? ''} was issued.`,
    owner_payment_received: `Payment from ${name}: ${params.amount ?? ''} (receipt no. ${params.documentNumber ?? ''}).`,
  };
  return (locale === 'he' ? he : en)[kind].replace(/\s+/g, ' ').trim();
}

/** The subject line when a notification goes out by email (the text above is its body). */
export function notificationSubject(kind: NotificationKind, params: NotificationParams, locale: 'he' | 'en'): string {
  const title = params.title ?? '';
  const number = params.documentNumber ?? '';
  const he: Partial<Record<NotificationKind, string>> = {
    contract_signing: `הסכם לחתימה: ${title} — ${params.businessName}`,
    contract_signing_reminder: `תזכורת: הסכם ממתין לחתימתך — ${title}`,
    contract_expired: `פג תוקף הקישור לחתימה — ${title}`,
    contract_cancelled: `ההסכם בוטל — ${title}`,
    invoice_issued: `חשבונית מס' ${number} מ${params.businessName}`,
    receipt_issued: `קבלה מס' ${number} מ${params.businessName}`,
  };
  const en: Partial<Record<NotificationKind, string>> = {
    contract_signing: `Agreement to sign: ${title} — ${params.businessName}`,
    contract_signing_reminder: `Reminder: an agreement is waiting for your signature — ${title}`,
    contract_expired: `Signing link expired — ${title}`,
    contract_cancelled: `Agreement cancelled — ${title}`,
    invoice_issued: `Invoice no. ${number} from ${params.businessName}`,
    receipt_issued: `Receipt no. ${number} from ${params.businessName}`,
  };
  return ((locale === 'he' ? he : en)[kind] ?? params.businessName).replace(/\s+/g, ' ').trim();
}
