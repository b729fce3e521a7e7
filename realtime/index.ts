import http from 'node:http';
import type { Duplex } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { WebSocketServer } from 'ws';
import { Business, Database, findAssistantConfig } from '../data';
import type { AppConfig } from '../platform/config';
import { closeServer, handleHealthRequest, listen, respondJson } from '../platform/health';
import { createLogger, type Logger } from '../platform/logger';
import type { RunningService } from '../platform/lifecycle';
import { faqEmbedderFromConfig } from '../platform/openai-embeddings';
import { verifyStreamToken } from '../platform/stream-token';
import { defaultProfile, profileFromConfig, type AssistantProfile } from './assistant-profile';
import { StaticAssistantTools, type AssistantTools } from './assistant-tools';
import type { CallBridgeTiming } from './bridge-timing';
import { CallBridge, type StartAuthorization } from './call-bridge';
import type { TwilioStart } from './media-stream-messages';
import { LoggingCallEvents, type CallEvents } from './call-events';
import type { FaqEmbedder } from './faq-matcher';
import { parsePriceTable } from './pricing';
import { TemporalAssistantTools } from './temporal-tools';
import { WorkflowCallEvents } from './workflow-events';

export const MEDIA_STREAM_PATH = '/media-stream';
/** The call never waits longer than this for the business's profile; it falls back to the defaults. */
const PROFILE_LOOKUP_TIMEOUT_MS = 1_500;

export interface StartedRealtime extends RunningService {
  port: number;
  /** Calls in progress (for diagnostics and tests). */
  activeCalls(): number;
}

/** What a caller of startRealtime may replace: the tools and event sink later become Temporal-backed. */
export interface RealtimeDependencies {
  tools?: AssistantTools;
  events?: CallEvents;
  loadProfile?: (businessId: string) => Promise<AssistantProfile>;
  logger?: Logger;
  /** A Temporal client to use instead of one built from TEMPORAL_ADDRESS (tests); the caller closes it. */
  temporal?: { client: Client; taskQueue: string };
  /** The FAQ fast path's semantic fallback; null = local trigram similarity; absent = from configuration. */
  faqEmbedder?: FaqEmbedder | null;
}

export function realtimeModelUrl(config: Pick<AppConfig, 'OPENAI_REALTIME_URL' | 'OPENAI_REALTIME_MODEL'>): string {
  return config.OPENAI_REALTIME_URL ?? `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(config.OPENAI_REALTIME_MODEL)}`;
}

export function bridgeTiming(config: AppConfig): CallBridgeTiming {
  return {
    maxAheadMs: config.REALTIME_MAX_AHEAD_MS,
    outboundQueueMaxMs: config.REALTIME_OUTBOUND_QUEUE_MAX_MS,
    twilioMaxBufferedBytes: config.REALTIME_TWILIO_MAX_BUFFERED_BYTES,
    inboundBufferMaxMs: config.REALTIME_INBOUND_BUFFER_MAX_MS,
    bargeInGraceMs: config.REALTIME_BARGE_IN_GRACE_MS,
    markIntervalMs: config.REALTIME_MARK_INTERVAL_MS,
    dtmfIdleMs: config.REALTIME_DTMF_IDLE_MS,
  };
}

/**
 * Decides whether an upgrade to the media stream path is Twilio's: the
 * X-Twilio-Signature must sign the public wss URL exactly as TwiML wrote it
 * (not the Host or scheme this process sees behind the proxy), with no params.
 */
export function authenticateUpgrade(
  req: http.IncomingMessage,
  config: Pick<AppConfig, 'TWILIO_VALIDATE_SIGNATURES' | 'TWILIO_AUTH_TOKEN' | 'PUBLIC_REALTIME_URL'>,
): { ok: true } | { ok: false; status: 401 | 403 | 503; reason: string } {
  if (!config.TWILIO_VALIDATE_SIGNATURES) return { ok: true };
  if (!config.TWILIO_AUTH_TOKEN || !config.PUBLIC_REALTIME_URL) {
    return { ok: false, status: 503, reason: 'TWILIO_AUTH_TOKEN and PUBLIC_REALTIME_URL are needed to validate media streams' };
  }
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || signature.length === 0) return { ok: false, status: 401, reason: 'missing X-Twilio-Signature' };
  if (!validateRequest(config.TWILIO_AUTH_TOKEN, signature, config.PUBLIC_REALTIME_URL, {})) {
    return { ok: false, status: 403, reason: 'invalid X-Twilio-Signature' };
  }
  return { ok: true };
}

/** The stream token of `start` must verify and belong to this very call. */
export function authorizeStreamStart(start: TwilioStart, secret: string, nowMs = Date.now()): StartAuthorization {
  const verified = verifyStreamToken(start.customParameters.token, secret, nowMs);
  if (!verified.ok) return { ok: false, reason: `stream token ${verified.reason}` };
  if (verified.claims.callSid !== start.callSid) return { ok: false, reason: 'stream token belongs to another call' };
  if (start.customParameters.businessId && start.customParameters.businessId !== verified.claims.businessId) {
    return { ok: false, reason: 'stream token belongs to another business' };
  }
  return { ok: true, businessId: verified.claims.businessId };
}

export function databaseProfileLoader(db: Database, logger: Logger): (businessId: string) => Promise<AssistantProfile> {
  return async (businessId) => {
    let timer: NodeJS.Timeout | undefined;
    const lookup = db.withTenant({ businessId }, async (transaction) => {
      const [business, config] = await Promise.all([Business.findByPk(businessId, { transaction }), findAssistantConfig(transaction)]);
      return profileFromConfig(businessId, business?.name ?? undefined, config);
    });
    const fallback = new Promise<AssistantProfile>((resolve) => {
      timer = setTimeout(() => {
        logger.warn({ businessId }, 'business profile lookup slow: the call goes on with the default profile');
        resolve(defaultProfile(businessId));
      }, PROFILE_LOOKUP_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([lookup, fallback]);
    } catch (error) {
      logger.error({ err: error, businessId }, 'business profile lookup failed: default profile');
      return defaultProfile(businessId);
    } finally {
      clearTimeout(timer);
    }
  };
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

/**
 * The realtime service: the WebSocket endpoint for Twilio Media Streams. Each
 * authenticated stream gets one CallBridge, which opens one model socket once
 * the stream's token has verified. This process owns no data; /ready reports
 * whether it can accept streams.
 */
export async function startRealtime(config: AppConfig, deps: RealtimeDependencies = {}): Promise<StartedRealtime> {
  const logger = deps.logger ?? createLogger('realtime', config.LOG_LEVEL);
  const prices = parsePriceTable(config.REALTIME_PRICES_JSON);
  const timing = bridgeTiming(config);
  const modelUrl = realtimeModelUrl(config);
  let db: Database | null = null;
  const database = () => (db ??= new Database({ url: config.DATABASE_URL, logger, poolMax: 2 }));
  const loadProfile = deps.loadProfile ?? databaseProfileLoader(database(), logger);
  // Temporal behind configuration: tools book through workflows and each call signals its session workflow.
  // The connection is lazy (made on first use), so the service starts and takes calls while Temporal is down.
  let ownConnection: Connection | null = null;
  let temporal = deps.temporal ?? null;
  if (!temporal && config.REALTIME_TEMPORAL && (!deps.tools || !deps.events)) {
    ownConnection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
    temporal = { client: new Client({ connection: ownConnection, namespace: config.TEMPORAL_NAMESPACE }), taskQueue: config.TEMPORAL_TASK_QUEUE };
  }
  const tools =
    deps.tools ??
    (temporal
      ? new TemporalAssistantTools({
          ...temporal,
          db: database(),
          logger,
          timeoutMs: config.REALTIME_TOOL_TIMEOUT_MS,
          leadFollowUpAfterMs: config.LEAD_FOLLOW_UP_MINUTES * 60_000,
        })
      : new StaticAssistantTools());
  const workflowEvents =
    !deps.events && temporal
      ? new WorkflowCallEvents({
          ...temporal,
          logger,
          heartbeatTimeoutMs: config.CALL_HEARTBEAT_TIMEOUT_SECONDS * 1000,
          leadFollowUpAfterMs: config.LEAD_FOLLOW_UP_MINUTES * 60_000,
          also: new LoggingCallEvents(logger),
        })
      : null;
  const events = deps.events ?? workflowEvents ?? new LoggingCallEvents(logger);
  if (!config.OPENAI_API_KEY && !config.OPENAI_REALTIME_URL) {
    logger.warn('OPENAI_API_KEY is empty: calls will fail to reach the model (set OPENAI_REALTIME_URL to a local fake for development)');
  }
  const faqEmbedder = deps.faqEmbedder !== undefined ? deps.faqEmbedder : faqEmbedderFromConfig(config);
  const bridges = new Set<CallBridge>();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024, perMessageDeflate: false });

  const server = http.createServer((req, res) => {
    if (handleHealthRequest('realtime', { websocket: async () => undefined }, req, res)) return;
    respondJson(res, 404, { error: { code: 'not_found', message: `No route for ${req.method} ${req.url}` } });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== MEDIA_STREAM_PATH) {
      logger.warn({ path }, 'websocket upgrade refused: unknown path');
      refuseUpgrade(socket, 404, 'not found');
      return;
    }
    const authentication = authenticateUpgrade(req, config);
    if (!authentication.ok) {
      logger.warn({ path, status: authentication.status, reason: authentication.reason, remote: req.socket.remoteAddress }, 'media stream upgrade refused');
      refuseUpgrade(socket, authentication.status, authentication.reason);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (twilioSocket) => {
      const bridge = new CallBridge({
        twilioSocket,
        logger,
        modelUrl,
        apiKey: config.OPENAI_API_KEY,
        authorizeStart: (start) => authorizeStreamStart(start, config.STREAM_TOKEN_SECRET),
        loadProfile,
        tools,
        faqEmbedder,
        events,
        prices,
        timing,
        dontLogModelData: config.NODE_ENV === 'production',
      });
      bridges.add(bridge);
      twilioSocket.once('close', () => bridges.delete(bridge));
    });
  });
  const port = await listen(server, config.REALTIME_PORT, config.REALTIME_HOST);
  logger.info({ port }, `realtime listening on http://${config.REALTIME_HOST}:${port}`);
  return {
    port,
    activeCalls: () => bridges.size,
    close: async () => {
      for (const bridge of bridges) bridge.close();
      for (const client of sockets.clients) client.close(1001, 'server shutting down');
      sockets.close();
      await closeServer(server);
      workflowEvents?.close();
      await workflowEvents?.flush();
      await ownConnection?.close();
      await db?.close();
    },
  };
}
