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
  | 'crm_reminder';

export interface NotificationParams {
  businessName: string;
  customerName?: string;
  startsAt?: string;
  customerPhone?: string;
  title?: string;
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
    crm_reminder: `תזכורת: ${params.title ?? ''}`,
  };
  const en: Record<NotificationKind, string> = {
    appointment_confirmed: `Hi ${name}, your appointment at ${params.businessName} is booked for ${when}. See you!`,
    appointment_reminder: `Reminder: your appointment at ${params.businessName} is on ${when}.`,
    appointment_rescheduled: `Hi ${name}, your appointment at ${params.businessName} moved to ${when}.`,
    appointment_cancelled: `Hi ${name}, your appointment at ${params.businessName} on ${when} is cancelled.`,
    owner_new_appointment: `New appointment: ${name} (${params.customerPhone ?? ''}) on ${when}.`,
    owner_new_lead: `New lead: ${name} (${params.customerPhone ?? ''}).`,
    owner_call_summary: `Call: ${name} (${params.customerPhone ?? ''}). ${params.title ?? ''}`,
    crm_reminder: `Reminder: ${params.title ?? ''}`,
  };
  return (locale === 'he' ? he : en)[kind].replace(/\s+/g, ' ').trim();
}
