/**
 * Realtime bridge load bench: N concurrent simulated calls over loopback.
 *
 * The realtime service runs in a child process pinned to core 0 (taskset), with
 * real signed upgrades and stream tokens. This process (moved to core 1) runs
 * the fake Twilio callers and the fake OpenAI Realtime model. Two phases:
 *  - latency: caller and model both stream real-time 20 ms frames carrying a
 *    unique stamp; added latency = arrival at the far fake - departure from the
 *    near fake, per frame, each direction (both fakes share this clock). Run
 *    twice: calls out of phase with each other (as independent calls are), then
 *    all in phase (every call's frame in the same millisecond: the worst case);
 *  - pacing: the model bursts a long greeting faster than real time and the
 *    bridge paces it; jitter = |inter-arrival gap - 20 ms| at the callers.
 * Also reported: calls held to the end, memory per call in the service, event
 * loop delay on both sides (a saturated harness shows up there, not hidden).
 * Floors printed: >= 200 calls on one core with p99 added latency <= 5 ms.
 * With REFERENCE_SAMPLE_DIR (a checkout of twilio-samples/speech-assistant-
 * openai-realtime-api-node outside this repository, dependencies installed),
 * the same latency phase runs against Twilio's sample bridge on the same core
 * and the ratio of calls per fully used core is printed (bench/reference-sample.ts).
 *
 *   npx tsx bench/realtime-calls.bench.ts            (CALLS=200 PHASE_SECONDS=15)
 *   BENCH_CPU_PROF=/tmp/prof   write a CPU profile of the service process
 *   BENCH_NODE_FLAGS="--trace-gc"   extra node flags for the service process
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { OpenAIRealtimeFake, type FakeModelScript } from '../devtools/fakes/openai-realtime-fake';
import { TwilioCallerFake } from '../devtools/fakes/twilio-caller-fake';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { signStreamToken } from '../platform/stream-token';
import { startRealtime } from '../realtime';
import { defaultProfile } from '../realtime/assistant-profile';
import { StaticAssistantTools } from '../realtime/assistant-tools';
import type { CallEvents } from '../realtime/call-events';
import { mulawSilence } from '../realtime/mulaw';
import { processSample, referenceSampleDir, spawnReferenceSample } from './reference-sample';

const AUTH_TOKEN = 'bench-twilio-auth-token';
const STREAM_SECRET = 'bench-stream-secret';
const BUSINESS_ID = '00000000-0000-4000-8000-00000000b0b0';
const FLOOR_CALLS_PER_CORE = 200;
const FLOOR_P99_ADDED_MS = 5;

interface ChildReport {
  type: 'report';
  rssBytes: number;
  heapUsedBytes: number;
  activeCalls: number;
  loopDelayP99Ms: number;
  /** Service CPU time / wall time since the measurement started (1 = one full core). */
  cpuFraction: number;
}

const silentEvents: CallEvents = { onDtmf: () => undefined, onTranscript: () => undefined, onToolCall: () => undefined, onUsage: () => undefined, onEnd: () => undefined };

/** Child side: the realtime service alone on its core, answering report requests over IPC. */
async function child(): Promise<void> {
  const modelUrl = process.env.BENCH_MODEL_URL!;
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    REALTIME_PORT: '0',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_REALTIME_URL: process.env.BENCH_PUBLIC_URL ?? 'wss://bench.prosaas.test/media-stream',
    STREAM_TOKEN_SECRET: STREAM_SECRET,
    OPENAI_REALTIME_URL: modelUrl,
    OPENAI_API_KEY: 'sk-bench',
  });
  const realtime = await startRealtime(config, {
    events: silentEvents,
    tools: new StaticAssistantTools(),
    loadProfile: (businessId) => Promise.resolve(defaultProfile(businessId)),
    logger: createLogger('realtime-bench', 'warn'),
  });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  let cpuFrom = process.cpuUsage();
  let wallFrom = performance.now();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset-loop') {
      loop.reset();
      cpuFrom = process.cpuUsage();
      wallFrom = performance.now();
    }
    if (message.type === 'start-loop') loop.enable();
    if (message.type === 'report') {
      const loopDelayP99Ms = loop.percentile(99) / 1e6;
      const cpu = process.cpuUsage(cpuFrom);
      const cpuFraction = (cpu.user + cpu.system) / 1000 / (performance.now() - wallFrom);
      global.gc?.();
      const memory = process.memoryUsage();
      const report: ChildReport = { type: 'report', rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, activeCalls: realtime.activeCalls(), loopDelayP99Ms, cpuFraction };
      process.send!(report);
    }
    if (message.type === 'exit') void realtime.close().then(() => process.exit(0));
  });
  process.send!({ type: 'ready', port: realtime.port });
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function summary(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  const values = Array.from(sorted);
  return { n: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.at(-1) ?? NaN };
}

function request<T>(proc: ChildProcess, type: string, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== reply) return;
      proc.off('message', onMessage);
      resolve(message as T);
    };
    proc.on('message', onMessage);
    proc.send({ type });
  });
}

function pin(pid: number, cores: number | string): boolean {
  try {
    execFileSync('taskset', ['-pc', String(cores), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function spawnService(modelUrl: string, publicUrl: string): Promise<{ proc: ChildProcess; port: number; pinned: boolean }> {
  const useTaskset = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const nodeArgs = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', 'tsx', __filename];
  const proc = useTaskset
    ? spawn('taskset', ['-c', '0', process.execPath, ...nodeArgs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, REALTIME_BENCH_CHILD: '1', BENCH_MODEL_URL: modelUrl, BENCH_PUBLIC_URL: publicUrl } })
    : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, REALTIME_BENCH_CHILD: '1', BENCH_MODEL_URL: modelUrl, BENCH_PUBLIC_URL: publicUrl } });
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`realtime bench child exited with ${code}`)));
    proc.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve({ port: message.port! });
    });
  });
  return { proc, port: ready.port, pinned: useTaskset };
}

interface PhaseResult {
  held: number;
  inbound: ReturnType<typeof summary>;
  outbound: ReturnType<typeof summary>;
  jitter: ReturnType<typeof summary>;
  lead: ReturnType<typeof summary> & { p1: number; min: number };
  memoryPerCallKb: number;
  heapPerCallKb: number;
  serviceLoopP99Ms: number;
  harnessLoopP99Ms: number;
  /** This process's CPU time / wall time while measuring (1 = its whole core: the fakes, not the service, would set the latency). */
  harnessCpuFraction: number;
  serviceCpuFraction: number;
}

/** The process under load: ours (reports over IPC) or the reference sample (measured from /proc). */
interface Target {
  proc: ChildProcess;
  port: number;
  report: () => Promise<ChildReport>;
  startMeasuring: () => void;
  stop: () => Promise<void>;
}

async function prosaasTarget(modelUrl: string, publicUrl: string): Promise<Target> {
  const service = await spawnService(modelUrl, publicUrl);
  return {
    proc: service.proc,
    port: service.port,
    report: () => request<ChildReport>(service.proc, 'report', 'report'),
    startMeasuring: () => {
      service.proc.send({ type: 'start-loop' });
      service.proc.send({ type: 'reset-loop' });
    },
    stop: async () => {
      service.proc.send({ type: 'exit' });
      await new Promise((resolve) => service.proc.once('exit', resolve));
    },
  };
}

async function referenceTarget(dir: string, modelUrl: string): Promise<Target> {
  const pinnable = (() => {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const { proc, port } = await spawnReferenceSample(dir, modelUrl, pinnable);
  let from = { cpuMs: 0, wallMs: performance.now() };
  return {
    proc,
    port,
    report: () => {
      const sample = processSample(proc.pid!);
      const cpuFraction = (sample.cpuMs - from.cpuMs) / (performance.now() - from.wallMs);
      return Promise.resolve({ type: 'report', rssBytes: sample.rssBytes, heapUsedBytes: NaN, activeCalls: NaN, loopDelayP99Ms: NaN, cpuFraction });
    },
    startMeasuring: () => {
      from = { cpuMs: processSample(proc.pid!).cpuMs, wallMs: performance.now() };
    },
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
    },
  };
}

/**
 * `spread`: each call's 20 ms frames (both directions) fall at its own point of the 20 ms cycle, as
 * independent calls' do. `aligned`: every call sends in the same millisecond (the worst case: a
 * burst of N frames each cycle, the last waiting for all the others).
 */
type Phasing = 'spread' | 'aligned';

async function runPhase(kind: 'latency' | 'pacing', calls: number, seconds: number, phasing: Phasing, referenceDir: string | null = null): Promise<PhaseResult> {
  let collecting = true;
  const sentAt = new Map<string, number>();
  const inbound: number[] = [];
  const deltaAt = new Map<string, number>();
  const outbound: number[] = [];
  const script: Partial<FakeModelScript> =
    kind === 'latency'
      ? { greetingMs: (seconds + 5) * 1000, deltaBytes: 160, deltaIntervalMs: 20, deltaPhaseSpread: phasing === 'spread', stampDeltas: true, detectSpeech: false, recordAudio: false }
      : { greetingMs: seconds * 1000, deltaBytes: 1_234, deltaIntervalMs: 0, stampDeltas: false, detectSpeech: false, recordAudio: false };
  const fake = new OpenAIRealtimeFake(script, {
    onAppend: (payload, at) => {
      const sent = sentAt.get(payload);
      if (sent !== undefined) {
        if (collecting) inbound.push(at - sent);
        sentAt.delete(payload);
      }
    },
    onDelta: kind === 'latency' ? (payload, at) => deltaAt.set(payload, at) : undefined,
  });
  const modelUrl = await fake.start();
  const publicUrl = 'wss://bench.prosaas.test/media-stream';
  const service = referenceDir ? await referenceTarget(referenceDir, modelUrl) : await prosaasTarget(modelUrl, publicUrl);
  const baseline = await service.report();
  const connectUrl = `ws://127.0.0.1:${service.port}/media-stream`;
  const callers: TwilioCallerFake[] = [];
  const frameTimes: number[][] = [];
  const frameBytes: number[][] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });

  for (let i = 0; i < calls; i += 1) {
    const callSid = `CA${String(i).padStart(32, '0')}`;
    const times: number[] = [];
    const sizes: number[] = [];
    frameTimes.push(times);
    frameBytes.push(sizes);
    const caller = await TwilioCallerFake.connect({
      connectUrl,
      signedUrl: publicUrl,
      authToken: AUTH_TOKEN,
      callSid,
      recordFrames: false,
      zeroMask: true,
      customParameters: { businessId: BUSINESS_ID, callSid, token: signStreamToken({ businessId: BUSINESS_ID, callSid }, STREAM_SECRET, 300) },
      onFrame: (payload, at) => {
        times.push(at);
        sizes.push((payload.length * 3) / 4 - (payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0));
        if (kind !== 'latency') return;
        const sent = deltaAt.get(payload);
        if (sent !== undefined) {
          if (collecting) outbound.push(at - sent);
          deltaAt.delete(payload);
        }
      },
    });
    caller.start();
    callers.push(caller);
    if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20)); // ramp, not a thundering herd
  }
  // Everybody talks (silence with a per-frame stamp) for the phase.
  const streams = callers.map(async (caller, index) => {
    const audio = mulawSilence(seconds * 1000);
    for (let frame = 0; frame * 160 < audio.length; frame += 1) audio.writeUInt32BE(((index << 16) | frame) >>> 0, frame * 160);
    if (phasing === 'spread') await new Promise((resolve) => setTimeout(resolve, (index * 20) / calls));
    return caller.streamAudio(audio, (payload, at) => sentAt.set(payload, at));
  });
  // Measure the steady state only: skip the first 2 s (connections, greeting burst).
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  inbound.length = 0;
  outbound.length = 0;
  loop.enable();
  service.startMeasuring();
  const harnessCpuFrom = process.cpuUsage();
  const measureFromMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, (seconds - 3) * 1000));
  // Stop sampling before the report: it forces a GC in the service, which would show up as latency.
  collecting = false;
  const measureToMs = performance.now();
  const harnessCpu = process.cpuUsage(harnessCpuFrom);
  const during = await service.report();
  await Promise.all(streams);
  loop.disable();
  const harnessLoopP99Ms = loop.percentile(99) / 1e6;

  const jitter: number[] = [];
  const lead: number[] = [];
  frameTimes.forEach((times, call) => {
    const sizes = frameBytes[call]!;
    let playedMs = 0;
    for (let i = 0; i < times.length; i += 1) {
      playedMs += sizes[i]! / 8;
      const t = times[i]!;
      if (t < measureFromMs || t > measureToMs) continue;
      // How far ahead of real-time playback this frame arrived (Twilio's buffer): > 0 means no underrun.
      lead.push(playedMs - (t - times[0]!));
      if (i > 0 && times[i - 1]! >= measureFromMs) jitter.push(Math.abs(t - times[i - 1]! - 20));
    }
  });
  const held = callers.filter((c) => c.socket.readyState === 1).length;
  for (const caller of callers) caller.stop();
  // Ours closes the stream on `stop`; the reference sample leaves it open, so hang up after a moment.
  await Promise.race([Promise.all(callers.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, 3_000))]);
  for (const caller of callers) caller.close();
  await Promise.all(callers.map((c) => c.closed));
  await service.stop();
  await fake.close();
  return {
    held,
    inbound: summary(inbound),
    outbound: summary(outbound),
    jitter: summary(kind === 'pacing' ? jitter : []),
    lead: (() => {
      const sorted = Array.from(Float64Array.from(kind === 'pacing' ? lead : []).sort());
      return { ...summary(sorted), p1: percentile(sorted, 0.01), min: sorted[0] ?? NaN };
    })(),
    memoryPerCallKb: (during.rssBytes - baseline.rssBytes) / calls / 1024,
    heapPerCallKb: (during.heapUsedBytes - baseline.heapUsedBytes) / calls / 1024,
    serviceLoopP99Ms: during.loopDelayP99Ms,
    serviceCpuFraction: during.cpuFraction,
    harnessLoopP99Ms,
    harnessCpuFraction: (harnessCpu.user + harnessCpu.system) / 1000 / (measureToMs - measureFromMs),
  };
}

export async function run(): Promise<{ latency: PhaseResult; aligned: PhaseResult; pacing: PhaseResult; reference: PhaseResult | null; referenceAligned: PhaseResult | null }> {
  const calls = Number(process.env.CALLS ?? FLOOR_CALLS_PER_CORE);
  const seconds = Math.max(6, Math.min(25, Number(process.env.PHASE_SECONDS ?? 15)));
  const harnessPinned = pin(process.pid, 1);
  console.log(`load average before the run: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} on ${os.cpus().length} cores (other processes share these cores)`);
  console.log(`realtime bridge bench: ${calls} concurrent calls, ${seconds} s per phase, service pinned to core 0, harness ${harnessPinned ? 'pinned to core 1' : 'not pinned'}`);
  let latency: PhaseResult;
  let aligned: PhaseResult;
  let pacing: PhaseResult;
  let reference: PhaseResult | null = null;
  let referenceAligned: PhaseResult | null = null;
  const referenceDir = referenceSampleDir();
  try {
    latency = await runPhase('latency', calls, seconds, 'spread');
    aligned = await runPhase('latency', calls, seconds, 'aligned');
    pacing = await runPhase('pacing', calls, Math.min(seconds, 12), 'spread');
    if (referenceDir) {
      reference = await runPhase('latency', calls, seconds, 'spread', referenceDir);
      referenceAligned = await runPhase('latency', calls, seconds, 'aligned', referenceDir);
    }
  } finally {
    if (harnessPinned) pin(process.pid, `0-${os.cpus().length - 1}`); // give `npm run bench` its cores back
  }
  const fmt = (s: ReturnType<typeof summary>) => `p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  (n=${s.n})`;
  console.log(`calls held                       ${latency.held}/${calls} (latency phase), ${aligned.held}/${calls} (aligned), ${pacing.held}/${calls} (pacing phase)`);
  console.log(`added latency caller -> model    ${fmt(latency.inbound)}`);
  console.log(`added latency model -> caller    ${fmt(latency.outbound)}`);
  console.log(`  all calls in phase (worst case) in ${fmt(aligned.inbound)}; out ${fmt(aligned.outbound)}; service ${(aligned.serviceCpuFraction * 100).toFixed(1)} % of a core`);
  console.log(`outbound pacing jitter |gap-20|  ${fmt(pacing.jitter)}`);
  console.log(`outbound lead over playback      min ${pacing.lead.min.toFixed(1)} ms  p1 ${pacing.lead.p1.toFixed(1)} ms  p50 ${pacing.lead.p50.toFixed(1)} ms  max ${pacing.lead.max.toFixed(1)} ms (bound: REALTIME_MAX_AHEAD_MS 200 + one frame; < 0 = underrun)`);
  console.log(`service memory per call          RSS ${latency.memoryPerCallKb.toFixed(1)} KiB, JS heap ${latency.heapPerCallKb.toFixed(1)} KiB (delta / calls, latency phase); pacing phase (greeting queued) RSS ${pacing.memoryPerCallKb.toFixed(1)} KiB, heap ${pacing.heapPerCallKb.toFixed(1)} KiB`);
  console.log(`service CPU                      ${(latency.serviceCpuFraction * 100).toFixed(1)} % of one core for ${calls} calls (latency phase) -> ~${Math.floor(calls / latency.serviceCpuFraction)} calls per fully used core; pacing phase ${(pacing.serviceCpuFraction * 100).toFixed(1)} %`);
  console.log(`event loop delay p99             service ${latency.serviceLoopP99Ms.toFixed(2)} ms, harness ${latency.harnessLoopP99Ms.toFixed(2)} ms (latency phase); harness CPU ${(latency.harnessCpuFraction * 100).toFixed(1)} % of its core`);
  const p99 = Math.max(latency.inbound.p99, latency.outbound.p99);
  const ok = latency.held === calls && pacing.held === calls && p99 <= FLOOR_P99_ADDED_MS && calls >= FLOOR_CALLS_PER_CORE;
  console.log(`floor: >= ${FLOOR_CALLS_PER_CORE} calls per core with p99 added latency <= ${FLOOR_P99_ADDED_MS} ms: ${ok ? 'MET' : 'NOT MET'} (p99 ${p99.toFixed(2)} ms over ${calls} calls)`);
  if (reference) {
    const oursPerCore = calls / latency.serviceCpuFraction;
    const theirsPerCore = calls / reference.serviceCpuFraction;
    console.log(`reference sample (Twilio's)      held ${reference.held}/${calls}; in ${fmt(reference.inbound)}; out ${fmt(reference.outbound)}`);
    if (referenceAligned) console.log(`  all calls in phase (worst case) in ${fmt(referenceAligned.inbound)}; out ${fmt(referenceAligned.outbound)}; ${(referenceAligned.serviceCpuFraction * 100).toFixed(1)} % of a core`);
    console.log(`reference sample CPU / memory    ${(reference.serviceCpuFraction * 100).toFixed(1)} % of one core -> ~${Math.floor(theirsPerCore)} calls per core; RSS ${reference.memoryPerCallKb.toFixed(1)} KiB per call`);
    console.log(`calls per core, ProSaaS / sample ${(oursPerCore / theirsPerCore).toFixed(2)} (~${Math.floor(oursPerCore)} vs ~${Math.floor(theirsPerCore)}; the sample does no pacing, marks per delta, no auth, no barge-in accounting)`);
  } else {
    console.log('reference sample: not run (set REFERENCE_SAMPLE_DIR to a checkout of twilio-samples/speech-assistant-openai-realtime-api-node outside this repository, with npm install done)');
  }
  return { latency, aligned, pacing, reference, referenceAligned };
}

if (process.env.REALTIME_BENCH_CHILD === '1') {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (require.main === module) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
