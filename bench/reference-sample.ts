/**
 * The reference for the realtime bench: Twilio's own sample bridge
 * (twilio-samples/speech-assistant-openai-realtime-api-node), run from a
 * checkout OUTSIDE this repository (never committed here), under the same load
 * as ours. Set REFERENCE_SAMPLE_DIR to that checkout with its dependencies
 * installed (`git clone … && npm install`); the bench writes a patched copy of
 * its index.js beside it that talks to the local fake model instead of
 * api.openai.com and lets the assistant speak first (the sample's own
 * commented-out `sendInitialConversationItem()`), so both bridges carry audio
 * both ways.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../scripts/lib/ports';

const SAMPLE_OPENAI_URL = /wss:\/\/api\.openai\.com\/v1\/realtime\?model=gpt-realtime&temperature=\$\{TEMPERATURE\}/;
const SPEAK_FIRST = '// sendInitialConversationItem();';

export function referenceSampleDir(): string | null {
  const dir = process.env.REFERENCE_SAMPLE_DIR;
  if (!dir) return null;
  const ok = fs.existsSync(path.join(dir, 'index.js')) && fs.existsSync(path.join(dir, 'node_modules', 'fastify'));
  return ok ? path.resolve(dir) : null;
}

/** Writes index.bench.mjs beside the sample's index.js, pointed at `modelUrl`. */
function patchedEntry(dir: string, modelUrl: string): string {
  const source = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
  if (!SAMPLE_OPENAI_URL.test(source) || !source.includes(SPEAK_FIRST)) {
    throw new Error(`${dir}/index.js no longer has the lines the bench patches (the OpenAI URL, ${SPEAK_FIRST}): update bench/reference-sample.ts`);
  }
  const patched = source.replace(SAMPLE_OPENAI_URL, modelUrl).replace(SPEAK_FIRST, SPEAK_FIRST.replace('// ', ''));
  const entry = path.join(dir, 'index.bench.mjs');
  fs.writeFileSync(entry, patched);
  return entry;
}

export async function spawnReferenceSample(dir: string, modelUrl: string, pinToCore: boolean, nodeFlags: readonly string[]): Promise<{ proc: ChildProcess; port: number }> {
  const entry = patchedEntry(dir, modelUrl);
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), OPENAI_API_KEY: 'sk-bench' };
  const proc = pinToCore
    ? spawn('taskset', ['-c', '0', process.execPath, ...nodeFlags, entry], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] })
    : spawn(process.execPath, [...nodeFlags, entry], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the reference sample exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the reference sample did not start within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { proc, port };
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, ms) and resident memory (bytes) of a process, from /proc. */
export function processSample(pid: number): { cpuMs: number; rssBytes: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the full line)
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
}
