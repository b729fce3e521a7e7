import { z } from 'zod';

/**
 * The one place environment variables are read. Every service calls loadConfig()
 * once at start-up and passes the pieces it needs down as arguments.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://prosaas_app:...@host:5432/prosaas)'),
  DATABASE_ADMIN_URL: z.string().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('prosaas'),
  TEMPORAL_TASK_QUEUE: z.string().default('prosaas-main'),
  /**
   * Workflows a worker keeps in memory between their tasks. Bookings and lead captures wait idle for
   * days; the SDK's default (from the heap limit: ~2,300 on a 4 GB heap) kept hundreds of them, and
   * the worker's GC pauses and booking latency grew with them. An evicted workflow replays its
   * (short) history when it wakes.
   */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).max(100_000).default(250),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(3000),
  REALTIME_HOST: z.string().default('127.0.0.1'),
  REALTIME_PORT: port(3001),
  WORKER_HEALTH_PORT: port(3003),
  PUBLIC_BASE_URL: z.string().optional(),
  PUBLIC_REALTIME_URL: z.string().optional(),
  TRUST_PROXY: z.string().default('loopback'),
  SESSION_SECRET: z.string().default('dev-only-session-secret-change-me'),
  STREAM_TOKEN_SECRET: z.string().default('dev-only-stream-token-secret-change-me'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  SESSION_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  TWILIO_VALIDATE_SIGNATURES: bool(true),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_API_BASE_URL: z.string().url().default('https://api.twilio.com'),
  /** A lead with no appointment after this long gets a follow-up task. */
  LEAD_FOLLOW_UP_MINUTES: z.coerce.number().int().min(1).max(60 * 24 * 30).default(24 * 60),
  STREAM_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_REALTIME_MODEL: z.string().default('gpt-realtime'),
  /** API base URL for the text model (after-call summaries); a compatible gateway may replace it. */
  OPENAI_BASE_URL: z.string().url().default('https://api.openai.com/v1'),
  /** Text model that summarizes calls when OPENAI_API_KEY is set (otherwise the local provider). */
  OPENAI_SUMMARY_MODEL: z.string().default('gpt-4o-mini'),
  /** Embeddings model of the FAQ matcher's semantic fallback when OPENAI_API_KEY is set; empty = local trigram similarity. */
  FAQ_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  FAQ_EMBEDDING_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(800),
  OPENAI_REALTIME_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
  REALTIME_MAX_AHEAD_MS: z.coerce.number().int().min(20).max(2000).default(200),
  REALTIME_OUTBOUND_QUEUE_MAX_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  REALTIME_TWILIO_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  REALTIME_INBOUND_BUFFER_MAX_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  REALTIME_BARGE_IN_GRACE_MS: z.coerce.number().int().min(0).max(5_000).default(350),
  REALTIME_MARK_INTERVAL_MS: z.coerce.number().int().min(20).max(1_000).default(100),
  REALTIME_DTMF_IDLE_MS: z.coerce.number().int().min(200).max(30_000).default(3_000),
  REALTIME_PRICES_JSON: z.string().optional(),
  /** The realtime service talks to Temporal (tools through workflows, call-session signals); false = static tools and a log sink. */
  REALTIME_TEMPORAL: bool(true),
  /** Longest a phone tool (booking, availability ...) may take before the caller hears an apology. */
  REALTIME_TOOL_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(8_000),
  /** A call workflow that hears nothing for this long finalizes the call (the realtime process died). */
  CALL_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(3600).default(120),
  /** Where call recordings are kept: local disk (RECORDINGS_DIR) or an S3-compatible bucket. */
  RECORDING_STORAGE: z.enum(['local', 's3']).default('local'),
  RECORDINGS_DIR: z.string().default('.data/recordings'),
  RECORDING_S3_ENDPOINT: z.string().url().optional(),
  RECORDING_S3_BUCKET: z.string().optional(),
  RECORDING_S3_REGION: z.string().default('us-east-1'),
  RECORDING_S3_ACCESS_KEY_ID: z.string().optional(),
  RECORDING_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Days a recording is kept when its business has no retention of its own (the cleanup schedule passes it on). */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(2),
  /** How often the recording cleanup schedule runs (each run deletes what is past each business's retention). */
  RECORDING_CLEANUP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  /** Key the contract signing links' tokens are derived from (HMAC); only their hashes are stored. */
  BILLING_SIGNING_SECRET: z.string().min(16).default('dev-only-billing-signing-secret-change-me'),
  /** How long a contract signing link works. */
  BILLING_SIGNING_LINK_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(7 * 24),
  /** Reminders to sign, in hours after the link was sent (comma-separated). */
  BILLING_REMINDER_HOURS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'comma-separated whole hours, e.g. 48,120')
    .default('48,120')
    .transform((v) => v.split(',').map((h) => Number(h.trim()))),
  /** Card payment provider (hosted checkout + signed webhooks); unset = manual payments only. */
  BILLING_CARD_API_URL: z.string().url().optional(),
  BILLING_CARD_API_KEY: z.string().optional(),
  BILLING_CARD_WEBHOOK_SECRET: z.string().optional(),
  /** Public origin the card provider posts webhooks to (default PUBLIC_BASE_URL; /api/v1 is appended). */
  BILLING_WEBHOOK_BASE_URL: z.string().url().optional(),
  /** SMTP server for email (smtp://user:password@host:587 or smtps://…:465); unset = emails go to the log. */
  SMTP_URL: z.string().url().optional(),
  /** Sender address of the emails (billing@example.com). */
  EMAIL_FROM: z.string().min(3).default('no-reply@localhost'),
  /** Amount before VAT (whole shekels) from which a tax invoice needs the Tax Authority's allocation number. */
  BILLING_ALLOCATION_THRESHOLD_SHEKELS: z.coerce.number().int().min(0).max(10_000_000).default(5000),
  /** Chromium that prints contracts, invoices and receipts to PDF. */
  PDF_CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  /** Text model of the WhatsApp assistant when OPENAI_API_KEY is set (otherwise the local provider). */
  OPENAI_CHAT_MODEL: z.string().default('gpt-4o-mini'),
  /** Health port of the whatsapp service (Baileys sessions). */
  WHATSAPP_PORT: port(3002),
  /** A whatsapp process that stops renewing loses its sessions to another after this long. */
  WHATSAPP_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /** How often a whatsapp process renews its leases and claims free sessions (at most half the lease). */
  WHATSAPP_LEASE_RENEW_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /** Most Baileys sessions one whatsapp process runs. */
  WHATSAPP_MAX_SESSIONS: z.coerce.number().int().min(1).max(10_000).default(200),
  /** QR codes shown with nobody scanning before the session stops until the owner asks again. */
  WHATSAPP_MAX_QR_CODES: z.coerce.number().int().min(1).max(50).default(5),
  WHATSAPP_RECONNECT_BASE_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  WHATSAPP_RECONNECT_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Consecutive failed reconnects before a session is marked failed. */
  WHATSAPP_MAX_RECONNECTS: z.coerce.number().int().min(1).max(1_000).default(20),
  /** How often the whatsapp service looks for inbound messages not yet handed to their conversation workflow. */
  WHATSAPP_INBOX_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** First retry delay of an inbound message whose hand-over failed (doubles, with jitter, up to the max). */
  WHATSAPP_INBOX_RETRY_BASE_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  WHATSAPP_INBOX_RETRY_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /** Longest inbound WhatsApp text: the Twilio webhook refuses longer ones (413), a Baileys session keeps them cut (characters). */
  WHATSAPP_MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(65_536).default(4_096),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty value (VAR= in .env) means "not set", so defaults and required checks apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const problems: string[] = [];
    if (config.SESSION_SECRET.startsWith('dev-only')) problems.push('SESSION_SECRET must be set in production');
    if (config.STREAM_TOKEN_SECRET.startsWith('dev-only')) problems.push('STREAM_TOKEN_SECRET must be set in production');
    if (config.BILLING_SIGNING_SECRET.startsWith('dev-only')) problems.push('BILLING_SIGNING_SECRET must be set in production');
    if (config.BILLING_CARD_API_URL && !config.BILLING_CARD_WEBHOOK_SECRET) problems.push('BILLING_CARD_WEBHOOK_SECRET must be set with BILLING_CARD_API_URL');
    if (config.SESSION_COOKIE_SECURE === 'false') problems.push('SESSION_COOKIE_SECURE=false is allowed only outside production');
    if (!config.TWILIO_VALIDATE_SIGNATURES) problems.push('TWILIO_VALIDATE_SIGNATURES=false is allowed only outside production');
    if (config.OPENAI_REALTIME_URL?.startsWith('ws://')) problems.push('OPENAI_REALTIME_URL must be wss:// in production (ws:// is for the local fake)');
    if (config.RECORDING_STORAGE === 's3' && !(config.RECORDING_S3_ENDPOINT && config.RECORDING_S3_BUCKET && config.RECORDING_S3_ACCESS_KEY_ID && config.RECORDING_S3_SECRET_ACCESS_KEY)) {
      problems.push('RECORDING_STORAGE=s3 needs RECORDING_S3_ENDPOINT, RECORDING_S3_BUCKET, RECORDING_S3_ACCESS_KEY_ID and RECORDING_S3_SECRET_ACCESS_KEY');
    }
    if (problems.length) throw new ConfigError(problems);
  }
  return config;
}
