import { type BillingInputError } from '../../domain/billing/money';
import { HttpError } from '../http/errors';
import type { TenantIdentity } from '../../data';
import { actingUserId, type RequestAuth } from '../auth/context';
import type { BookingDeps } from './booking-deps';

/** Timers and secrets of the billing routes (from BILLING_* in platform/config.ts). */
export interface BillingRouteOptions {
  /** How long a signing link works. */
  signingTtlMs: number;
  /** Reminders while a contract is unsigned, as offsets from sending. */
  reminderOffsetsMs: number[];
  /** Verifies the card provider's webhooks; null refuses every webhook (403). */
  cardWebhookSecret: string | null;
  /** First wait before an unpaid deal looks for payments whose signal was lost (default 1 hour). */
  paymentCheckMs?: number;
}

export const DEFAULT_BILLING_ROUTE_OPTIONS: BillingRouteOptions = {
  signingTtlMs: 7 * 24 * 3_600_000,
  reminderOffsetsMs: [2 * 24 * 3_600_000, 5 * 24 * 3_600_000],
  cardWebhookSecret: null,
};

export type BillingDeps = BookingDeps & { billing: BillingRouteOptions };

export const BILLING_MESSAGES = {
  offerNotFound: { he: 'ההצעה לא נמצאה', en: 'Offer not found' },
  leadNotFound: { he: 'הליד לא נמצא בעסק', en: 'The lead was not found in this business' },
  templateNotFound: { he: 'התבנית לא נמצאה', en: 'Template not found' },
  contractNotFound: { he: 'החוזה לא נמצא', en: 'Contract not found' },
  invoiceNotFound: { he: 'החשבונית לא נמצאה', en: 'Invoice not found' },
  pdfNotReady: { he: 'קובץ ה-PDF החתום עדיין לא מוכן', en: 'The signed PDF is not ready yet' },
  receiptNotFound: { he: 'הקבלה לא נמצאה', en: 'Receipt not found' },
  documentPdfNotReady: { he: 'קובץ ה-PDF של המסמך עדיין לא מוכן', en: "The document's PDF is not ready yet" },
  notDraft: { he: 'אפשר לשנות או למחוק רק הצעה בטיוטה', en: 'Only a draft offer can be changed or deleted' },
  alreadySent: { he: 'ההצעה כבר נשלחה', en: 'The offer was already sent' },
  noPhone: { he: 'לליד אין מספר טלפון או כתובת אימייל לשליחת הקישור לחתימה', en: 'The lead has no phone number or email address to send the signing link to' },
  notCancellable: {
    he: 'לא ניתן לבטל: החוזה כבר נחתם (לתיקון חשבונית יש להפיק חשבונית זיכוי)',
    en: 'Cannot cancel: the contract is already signed (correct an invoice with a credit note)',
  },
  alreadyClosed: { he: 'העסקה כבר הסתיימה', en: 'The deal has already ended' },
  alreadyPaid: { he: 'החשבונית כבר שולמה במלואה', en: 'The invoice is already paid in full' },
  overpaid: { he: 'הסכום גבוה מהיתרה לתשלום', en: 'The amount is more than the balance due' },
  credited: { he: 'לחשבונית זו כבר הופקה חשבונית זיכוי', en: 'This invoice already has a credit note' },
  notAnInvoice: { he: 'אפשר לזכות או לגבות רק חשבונית (לא חשבונית זיכוי)', en: 'Only an invoice (not a credit note) can be paid or credited' },
  unknownPlaceholders: { he: 'התבנית מכילה שדות לא מוכרים', en: 'The template has unknown placeholders' },
  linkInvalid: { he: 'הקישור לחתימה אינו תקין', en: 'This signing link is not valid' },
  linkExpired: { he: 'תוקף הקישור לחתימה פג; פנו לעסק לקבלת קישור חדש', en: 'This signing link has expired; ask the business for a new one' },
  alreadySigned: { he: 'ההסכם כבר נחתם; לא ניתן להשתמש בקישור שוב', en: 'This agreement is already signed; the link cannot be used again' },
  contractCancelled: { he: 'ההסכם בוטל על ידי העסק', en: 'The business cancelled this agreement' },
  documentChanged: { he: 'המסמך השתנה מאז שנפתח; טענו את הדף מחדש', en: 'The document changed since it was opened; reload the page' },
  badSignature: { he: 'החתימה אינה תמונת PNG תקינה', en: 'The signature is not a valid PNG image' },
  webhookForged: { he: 'חתימת ה-webhook אינה תקינה', en: 'The webhook signature is not valid' },
} as const;

/** Money rules refused a value: a 400 naming the field, in both languages. */
export function billingInputHttpError(error: BillingInputError): HttpError {
  return new HttpError(400, 'validation_failed', error.messages.en, { [error.field]: [error.messages.he, error.messages.en] });
}

/** The identity a route's own tenant transactions record (as the registry's would). */
export function identityOf(auth: RequestAuth, businessId: string, requestId: string): TenantIdentity {
  return { businessId, actorUserId: actingUserId(auth), impersonatorUserId: auth.impersonatorUserId ?? null, requestId };
}
