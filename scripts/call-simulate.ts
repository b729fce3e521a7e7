/**
 * `npm run call:simulate -- --to <business number> --script <file>`: holds a scripted
 * Hebrew phone call against the running stack (`npm start`, fake model) from the
 * terminal and prints the transcript, the tool calls and the booking as they happen.
 *
 * Options: --from <caller number>, --api <url> (default http://127.0.0.1:$API_PORT),
 * --realtime <ws url> (default ws://127.0.0.1:$REALTIME_PORT/media-stream),
 * --fake-model <url> (default http://127.0.0.1:$FAKE_OPENAI_PORT; "none" = do not arm it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { readCallScript, simulateCall } from '../devtools/call-simulator';
import { DEFAULT_NAMESPACE } from '../temporal-config';
import { DEFAULT_FAKE_OPENAI_PORT, DEV_TWILIO_AUTH_TOKEN } from './lib/dev-telephony';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  if (fs.existsSync(path.join(root, '.env'))) process.loadEnvFile(path.join(root, '.env'));
  const env = (name: string) => (process.env[name] ? process.env[name] : undefined);
  const { values } = parseArgs({
    options: {
      to: { type: 'string' },
      script: { type: 'string' },
      from: { type: 'string' },
      api: { type: 'string' },
      realtime: { type: 'string' },
      'fake-model': { type: 'string' },
    },
  });
  if (!values.to || !values.script) {
    process.stderr.write('usage: npm run call:simulate -- --to <business number, e.g. +97233000000> --script <file.yaml|json> [--from <caller>]\n');
    process.exit(2);
  }
  const script = readCallScript(path.resolve(values.script));
  if (values.from) script.caller = values.from;
  const fakeModel = values['fake-model'] ?? `http://127.0.0.1:${env('FAKE_OPENAI_PORT') ?? DEFAULT_FAKE_OPENAI_PORT}`;
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') ?? `127.0.0.1:${env('TEMPORAL_PORT') ?? 7233}`, connectTimeout: 10_000 });
  try {
    await simulateCall({
      to: values.to,
      script,
      apiUrl: values.api ?? `http://127.0.0.1:${env('API_PORT') ?? 3000}`,
      realtimeConnectUrl: values.realtime ?? `ws://127.0.0.1:${env('REALTIME_PORT') ?? 3001}/media-stream`,
      fakeModelUrl: fakeModel === 'none' ? null : fakeModel,
      authToken: env('TWILIO_VALIDATE_SIGNATURES') === 'false' ? null : (env('TWILIO_AUTH_TOKEN') ?? DEV_TWILIO_AUTH_TOKEN),
      temporal: new Client({ connection, namespace: env('TEMPORAL_NAMESPACE') ?? DEFAULT_NAMESPACE }),
    });
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`call:simulate failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
