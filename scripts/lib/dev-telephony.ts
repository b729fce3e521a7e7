/**
 * What `npm start` sets for telephony when the environment leaves it empty, so a
 * simulated call works locally with signatures checked: a development-only
 * Twilio auth token, the local media-stream URL, and the local fake model.
 * `npm run call:simulate` signs with the same token.
 */
export const DEV_TWILIO_AUTH_TOKEN = 'dev-only-twilio-auth-token';
export const DEFAULT_FAKE_OPENAI_PORT = 8765;

export interface DevTelephony {
  env: Record<string, string>;
  /** Port of the fake OpenAI Realtime service to run, or null when a real model (or another URL) is configured. */
  fakeModelPort: number | null;
}

export function devTelephony(env: NodeJS.ProcessEnv, ports: { realtime: number; fakeModel: number }): DevTelephony {
  const out: Record<string, string> = {};
  if (!env.TWILIO_AUTH_TOKEN) out.TWILIO_AUTH_TOKEN = DEV_TWILIO_AUTH_TOKEN;
  if (!env.PUBLIC_REALTIME_URL) out.PUBLIC_REALTIME_URL = `ws://127.0.0.1:${ports.realtime}/media-stream`;
  const useFake = !env.OPENAI_API_KEY && !env.OPENAI_REALTIME_URL;
  if (useFake) out.OPENAI_REALTIME_URL = `ws://127.0.0.1:${ports.fakeModel}/v1/realtime?model=gpt-realtime`;
  return { env: out, fakeModelPort: useFake ? ports.fakeModel : null };
}
