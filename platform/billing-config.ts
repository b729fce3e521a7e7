import type { BillingActivityDeps } from '../activities';
import type { BillingRouteOptions } from '../api/routes/billing-deps';
import type { AppConfig } from './config';
import { HttpCardPaymentProvider } from './payments/card-provider';
import { ChromiumPdfRenderer } from './pdf/renderer';

/** What the worker's billing activities are built from. */
export function billingActivityDeps(config: AppConfig): BillingActivityDeps {
  const publicBaseUrl = config.PUBLIC_BASE_URL ?? 'http://127.0.0.1:5173';
  return {
    signingSecret: config.BILLING_SIGNING_SECRET,
    publicBaseUrl,
    webhookBaseUrl: config.BILLING_WEBHOOK_BASE_URL ?? config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.API_PORT}`,
    pdf: new ChromiumPdfRenderer(config.PDF_CHROMIUM_PATH),
    card: config.BILLING_CARD_API_URL ? new HttpCardPaymentProvider(config.BILLING_CARD_API_URL, config.BILLING_CARD_API_KEY ?? '') : null,
    // No Tax Authority client ships yet: invoices that need an allocation number are flagged (DealView.allocationMissing).
    allocation: null,
    allocationThresholdAgorot: config.BILLING_ALLOCATION_THRESHOLD_SHEKELS * 100,
  };
}

/** The API's billing timers and webhook secret. */
export function billingRouteOptions(config: AppConfig): BillingRouteOptions {
  return {
    signingTtlMs: config.BILLING_SIGNING_LINK_HOURS * 3_600_000,
    reminderOffsetsMs: config.BILLING_REMINDER_HOURS.map((hours) => hours * 3_600_000),
    cardWebhookSecret: config.BILLING_CARD_WEBHOOK_SECRET ?? null,
  };
}
