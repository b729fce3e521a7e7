/**
 * Realtime bridge load bench: N concurrent simulated calls over loopback.
 *
 * Three processes: the realtime service pinned to core 0 (real signed upgrades and stream tokens),
 * the load harness (bench/realtime-load.ts: the Twilio callers and the Realtime model) pinned to
 * core 1 with all its threads, and this one, which only starts the harness and waits. Phases:
 *  - latency: caller and model both stream real-time 20 ms frames carrying a stamp; added latency
 *    = arrival at the far end - departure from the near end, per frame, each direction (one clock).
 *    Run with the calls out of phase with each other (as independent calls are), then all in phase
 *    (every call's frame in the same millisecond: the worst case);
 *  - pacing: the model bursts a long greeting faster than real time and the bridge paces it;
 *    jitter = |inter-arrival gap - 20 ms| at the callers;
 *  - null relay (bench/null-relay.ts): the same load through a byte relay on the service's core.
 *    Its latency is what the harness, the kernel and the VM add with no bridge at all.
 * Also reported: calls held to the end, memory per call, the service's CPU (and its kernel part),
 * event loop delay and CPU of the harness (a saturated harness shows up there, not hidden).
 * Floor printed: >= 200 calls on one core with p99 added latency <= 5 ms.
 * With REFERENCE_SAMPLE_DIR (a checkout of twilio-samples/speech-assistant-openai-realtime-api-node
 * outside this repository, dependencies installed), the latency phases also run against Twilio's
 * sample bridge on the same core and the ratio of calls per fully used core is printed.
 * Every process runs with the service's production V8 flags (realtime/node-flags.ts).
 *
 *   npx tsx bench/realtime-calls.bench.ts            (CALLS=200 PHASE_SECONDS=15)
 *   LATENCY_ONLY=1             only the out-of-phase latency phase, against the service and the
 *                              null relay, a line each (for comparing changes)
 *   BENCH_CPU_PROF=/tmp/prof   write a CPU profile of the service process
 *   BENCH_NODE_FLAGS="--trace-gc"   extra node flags for every process of the bench
 *   BENCH_SERVICE_FLAGS="--trace-gc"   extra node flags for our service's process only
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { signStreamToken } from '../platform/stream-token';
import { startRealtime } from '../realtime';
import { REALTIME_NODE_FLAGS } from '../realtime/node-flags';
import { defaultProfile } from '../realtime/assistant-profile';
import { StaticAssistantTools } from '../realtime/assistant-tools';
import type { CallEvents } from '../realtime/call-events';
import { LoadHarness, LoadModel, type LoadSamples } from './realtime-load';
import { processSample, referenceSampleDir, spawnReferenceSample } from './reference-sample';

const AUTH_TOKEN = 'bench-twilio-auth-token';
const STREAM_SECRET = 'bench-stream-secret';
const BUSINESS_ID = '00000000-0000-4000-8000-00000000b0b0';
const FLOOR_CALLS_PER_CORE = 200;
const FLOOR_P99_ADDED_MS = 5;
const FRAME_MS = 20;

interface ChildReport {
  type: 'report';
  rssBytes: number;
  heapUsedBytes: number;
  activeCalls: number;
  loopDelayP99Ms: number;
  /** The longest event-loop stall and the longest GC pause in the window: a stall the service did not see was not the service's. */
  loopDelayMaxMs: number;
  gcPauseMaxMs: number;
  /** Old-generation growth while calls run: what the next full GC, a pause for every call, must clean up. */
  oldSpaceGrowthMbPerS: number;
  /** Service CPU time / wall time since the measurement started (1 = one full core). */
  cpuFraction: number;
  /** The part of cpuFraction spent in the kernel (system calls: the sockets). */
  systemFraction: number;
}

const silentEvents: CallEvents = { onDtmf: () => undefined, onTranscript: () => undefined, onToolCall: () => undefined, onUsage: () => undefined, onEnd: () => undefined };

function oldSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? NaN;
}

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
  let gcPauseMaxMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauseMaxMs = Math.max(gcPauseMaxMs, entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let cpuFrom = process.cpuUsage();
  let wallFrom = performance.now();
  let oldSpaceFrom = oldSpaceBytes();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'reset-loop') {
      loop.reset();
      gcPauseMaxMs = 0;
      oldSpaceFrom = oldSpaceBytes();
      cpuFrom = process.cpuUsage();
      wallFrom = performance.now();
    }
    if (message.type === 'start-loop') loop.enable();
    if (message.type === 'report') {
      const loopDelayP99Ms = loop.percentile(99) / 1e6;
      const loopDelayMaxMs = loop.max / 1e6;
      const cpu = process.cpuUsage(cpuFrom);
      const wallMs = performance.now() - wallFrom;
      const oldSpaceGrowthMbPerS = (oldSpaceBytes() - oldSpaceFrom) / 1048576 / (wallMs / 1000);
      const cpuFraction = (cpu.user + cpu.system) / 1000 / wallMs;
      const systemFraction = cpu.system / 1000 / wallMs;
      global.gc?.();
      const memory = process.memoryUsage();
      const report: ChildReport = { type: 'report', rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, activeCalls: realtime.activeCalls(), loopDelayP99Ms, loopDelayMaxMs, gcPauseMaxMs, oldSpaceGrowthMbPerS, cpuFraction, systemFraction };
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

let pinnable: boolean | undefined;

/** Whether `taskset` can pin processes here (asked once). */
function canPin(): boolean {
  if (pinnable === undefined) {
    try {
      execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
      pinnable = true;
    } catch {
      pinnable = false;
    }
  }
  return pinnable;
}

/** Space-separated node flags from an environment variable (none when it is unset). */
function flagsFromEnv(name: string): string[] {
  const value = process.env[name];
  return value ? value.split(' ') : [];
}

/**
 * V8 flags of every process of the bench (service, harness, reference sample): the service's
 * production flags (realtime/node-flags.ts), plus BENCH_NODE_FLAGS (e.g. "--trace-gc").
 */
function nodeFlags(): string[] {
  return [...REALTIME_NODE_FLAGS, ...flagsFromEnv('BENCH_NODE_FLAGS')];
}

/**
 * `node <flags> --require tsx/cjs <args>`, on `core` when given (every thread it will start inherits
 * it). tsx's CommonJS hook, not `--import tsx`: that one starts a loader thread whose garbage
 * collection shares the pinned core.
 */
function nodeProcess(core: string | null, args: string[], env: Record<string, string>, extraFlags: string[] = []): ChildProcess {
  const nodeArgs = [...nodeFlags(), ...extraFlags, '--require', 'tsx/cjs', ...args];
  const options = { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } };
  return core ? spawn('taskset', ['-c', core, process.execPath, ...nodeArgs], options) : spawn(process.execPath, nodeArgs, options);
}

async function spawnService(modelUrl: string, publicUrl: string): Promise<{ proc: ChildProcess; port: number }> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = nodeProcess(canPin() ? '0' : null, [__filename], { REALTIME_BENCH_CHILD: '1', REALTIME_BENCH_HARNESS: '0', BENCH_MODEL_URL: modelUrl, BENCH_PUBLIC_URL: publicUrl }, ['--expose-gc', ...profile, ...flagsFromEnv('BENCH_SERVICE_FLAGS')]);
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`realtime bench child exited with ${code}`)));
    proc.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve({ port: message.port! });
    });
  });
  return { proc, port: ready.port };
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
  serviceLoopMaxMs: number;
  serviceGcMaxMs: number;
  serviceOldGrowthMbPerS: number;
  harnessLoopP99Ms: number;
  harnessLoopMaxMs: number;
  /** This process's CPU time / wall time while measuring (1 = its whole core: the fakes, not the service, would set the latency). */
  harnessCpuFraction: number;
  serviceCpuFraction: number;
  serviceSystemFraction: number;
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

/** What the load runs against: our service, Twilio's sample bridge, or the byte relay (the harness's own floor). */
type TargetKind = { kind: 'prosaas' } | { kind: 'reference'; dir: string } | { kind: 'null-relay' };

async function nullRelayTarget(modelUrl: string): Promise<Target> {
  const proc = nodeProcess(canPin() ? '0' : null, [path.join(__dirname, 'null-relay.ts')], { NULL_RELAY_TARGET: new URL(modelUrl).host });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`the null relay exited with ${code}`)));
    proc.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve(message.port!);
    });
  });
  return measuredFromProc(proc, port, async () => {
    proc.send({ type: 'exit' });
    await new Promise((resolve) => proc.once('exit', resolve));
  });
}

async function referenceTarget(dir: string, modelUrl: string): Promise<Target> {
  const { proc, port } = await spawnReferenceSample(dir, modelUrl, canPin(), nodeFlags());
  return measuredFromProc(proc, port, async () => {
    proc.kill('SIGTERM');
    await new Promise((resolve) => proc.once('exit', resolve));
  });
}

/** A process we did not write the reporting of: its CPU and memory are read from /proc. */
function measuredFromProc(proc: ChildProcess, port: number, stop: () => Promise<void>): Target {
  let from = { cpuMs: 0, wallMs: performance.now() };
  return {
    proc,
    port,
    report: () => {
      const sample = processSample(proc.pid!);
      const cpuFraction = (sample.cpuMs - from.cpuMs) / (performance.now() - from.wallMs);
      return Promise.resolve({ type: 'report', rssBytes: sample.rssBytes, heapUsedBytes: NaN, activeCalls: NaN, loopDelayP99Ms: NaN, loopDelayMaxMs: NaN, gcPauseMaxMs: NaN, oldSpaceGrowthMbPerS: NaN, cpuFraction, systemFraction: NaN });
    },
    startMeasuring: () => {
      from = { cpuMs: processSample(proc.pid!).cpuMs, wallMs: performance.now() };
    },
    stop,
  };
}

/**
 * `spread`: each call's 20 ms frames (both directions) fall at its own point of the 20 ms cycle, as
 * independent calls' do. `aligned`: every call sends in the same millisecond (the worst case: a
 * burst of N frames each cycle, the last waiting for all the others).
 */
type Phasing = 'spread' | 'aligned';

async function runPhase(kind: 'latency' | 'pacing', calls: number, seconds: number, phasing: Phasing, target: TargetKind = { kind: 'prosaas' }): Promise<PhaseResult> {
  const samples: LoadSamples = { inbound: [], outbound: [], collecting: false };
  const model = new LoadModel(kind === 'latency' ? { kind: 'realtime', spread: phasing === 'spread' } : { kind: 'burst', greetingBytes: seconds * 8_000, deltaBytes: 1_234 }, samples);
  const modelUrl = await model.start();
  const publicUrl = 'wss://bench.prosaas.test/media-stream';
  const service = target.kind === 'reference' ? await referenceTarget(target.dir, modelUrl) : target.kind === 'null-relay' ? await nullRelayTarget(modelUrl) : await prosaasTarget(modelUrl, publicUrl);
  const baseline = await service.report();
  const connectUrl = `ws://127.0.0.1:${service.port}/media-stream`;
  const harness = new LoadHarness(model, samples);
  const loop = monitorEventLoopDelay({ resolution: 1 });

  for (let index = 0; index < calls; index += 1) {
    const callSid = `CA${String(index).padStart(32, '0')}`;
    const caller = await harness.connect({
      index,
      connectUrl,
      signedUrl: publicUrl,
      authToken: AUTH_TOKEN,
      callSid,
      recordArrivals: kind === 'pacing',
      customParameters: { businessId: BUSINESS_ID, callSid, token: signStreamToken({ businessId: BUSINESS_ID, callSid }, STREAM_SECRET, 300) },
    });
    caller.start();
    if (index % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20)); // ramp, not a thundering herd
  }
  // Everybody talks (stamped silence) for the phase: out of phase, or every call in the same millisecond.
  const cycleStart = performance.now() + FRAME_MS;
  harness.callers.forEach((caller, index) => caller.talk(cycleStart + (phasing === 'spread' ? (index * FRAME_MS) / calls : 0)));
  harness.run();
  // Measure the steady state only: skip the first 2 s (connections, greeting burst).
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  samples.collecting = true;
  loop.enable();
  service.startMeasuring();
  const harnessCpuFrom = process.cpuUsage();
  const measureFromMs = performance.now();
  await new Promise((resolve) => setTimeout(resolve, (seconds - 3) * 1000));
  // Stop sampling before the report: it forces a GC in the service, which would show up as latency.
  samples.collecting = false;
  const measureToMs = performance.now();
  const harnessCpu = process.cpuUsage(harnessCpuFrom);
  const during = await service.report();
  loop.disable();
  const harnessLoopP99Ms = loop.percentile(99) / 1e6;
  const harnessLoopMaxMs = loop.max / 1e6;

  const jitter: number[] = [];
  const lead: number[] = [];
  for (const caller of harness.callers) {
    const times = caller.arrivals;
    let playedMs = 0;
    for (let i = 0; i < times.length; i += 1) {
      playedMs += caller.arrivalBytes[i]! / 8;
      const t = times[i]!;
      if (t < measureFromMs || t > measureToMs) continue;
      // How far ahead of real-time playback this frame arrived (Twilio's buffer): > 0 means no underrun.
      lead.push(playedMs - (t - times[0]!));
      if (i > 0 && times[i - 1]! >= measureFromMs) jitter.push(Math.abs(t - times[i - 1]! - FRAME_MS));
    }
  }
  const held = harness.callers.filter((c) => c.socket.readyState === 1).length;
  harness.halt();
  for (const caller of harness.callers) caller.stop();
  // Ours closes the stream on `stop`; the reference sample leaves it open, so hang up after a moment.
  await Promise.race([Promise.all(harness.callers.map((c) => c.closed)), new Promise((resolve) => setTimeout(resolve, 3_000))]);
  for (const caller of harness.callers) caller.socket.close(1000);
  await Promise.all(harness.callers.map((c) => c.closed));
  await service.stop();
  await model.close();
  return {
    held,
    inbound: summary(samples.inbound),
    outbound: summary(samples.outbound),
    jitter: summary(kind === 'pacing' ? jitter : []),
    lead: (() => {
      const sorted = Array.from(Float64Array.from(kind === 'pacing' ? lead : []).sort());
      return { ...summary(sorted), p1: percentile(sorted, 0.01), min: sorted[0] ?? NaN };
    })(),
    memoryPerCallKb: (during.rssBytes - baseline.rssBytes) / calls / 1024,
    heapPerCallKb: (during.heapUsedBytes - baseline.heapUsedBytes) / calls / 1024,
    serviceLoopP99Ms: during.loopDelayP99Ms,
    serviceLoopMaxMs: during.loopDelayMaxMs,
    serviceGcMaxMs: during.gcPauseMaxMs,
    serviceOldGrowthMbPerS: during.oldSpaceGrowthMbPerS,
    serviceCpuFraction: during.cpuFraction,
    serviceSystemFraction: during.systemFraction,
    harnessLoopP99Ms,
    harnessLoopMaxMs,
    harnessCpuFraction: (harnessCpu.user + harnessCpu.system) / 1000 / (measureToMs - measureFromMs),
  };
}

/** The harness process: every phase against the service (and the reference sample), then the report. */
async function measure(): Promise<void> {
  const calls = Number(process.env.CALLS ?? FLOOR_CALLS_PER_CORE);
  const seconds = Math.max(6, Math.min(25, Number(process.env.PHASE_SECONDS ?? 15)));
  const harnessPinned = process.env.REALTIME_BENCH_PINNED === '1';
  console.log(`load average before the run: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} on ${os.cpus().length} cores (other processes share these cores)`);
  console.log(`realtime bridge bench: ${calls} concurrent calls, ${seconds} s per phase, service pinned to core 0, harness ${harnessPinned ? 'pinned to core 1' : 'not pinned'}`);
  const referenceDir = referenceSampleDir();
  const latency = await runPhase('latency', calls, seconds, 'spread');
  const relay = await runPhase('latency', calls, seconds, 'spread', { kind: 'null-relay' });
  const stalls = (r: PhaseResult) =>
    `event loop service ${r.serviceLoopMaxMs.toFixed(1)} ms (GC pause ${r.serviceGcMaxMs.toFixed(1)} ms), harness ${r.harnessLoopMaxMs.toFixed(1)} ms`;
  const oneLine = (r: PhaseResult) =>
    `held ${r.held}/${calls}; in p50 ${r.inbound.p50.toFixed(2)} p99 ${r.inbound.p99.toFixed(2)} max ${r.inbound.max.toFixed(1)} ms; out p50 ${r.outbound.p50.toFixed(2)} p99 ${r.outbound.p99.toFixed(2)} max ${r.outbound.max.toFixed(1)} ms; ${(r.serviceCpuFraction * 100).toFixed(1)} % of a core${Number.isNaN(r.serviceSystemFraction) ? '' : ` (kernel ${(r.serviceSystemFraction * 100).toFixed(1)} %)`}, harness ${(r.harnessCpuFraction * 100).toFixed(1)} %; longest stall: ${stalls(r)}`;
  if (process.env.LATENCY_ONLY === '1') {
    console.log(`out of phase, bridge:     ${oneLine(latency)}`);
    console.log(`out of phase, null relay: ${oneLine(relay)}`);
    return;
  }
  const aligned = await runPhase('latency', calls, seconds, 'aligned');
  const pacing = await runPhase('pacing', calls, Math.min(seconds, 12), 'spread');
  const reference = referenceDir ? await runPhase('latency', calls, seconds, 'spread', { kind: 'reference', dir: referenceDir }) : null;
  const referenceAligned = referenceDir ? await runPhase('latency', calls, seconds, 'aligned', { kind: 'reference', dir: referenceDir }) : null;
  const fmt = (s: ReturnType<typeof summary>) => `p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  (n=${s.n})`;
  console.log(`calls held                       ${latency.held}/${calls} (latency phase), ${aligned.held}/${calls} (aligned), ${pacing.held}/${calls} (pacing phase)`);
  console.log(`added latency caller -> model    ${fmt(latency.inbound)}`);
  console.log(`added latency model -> caller    ${fmt(latency.outbound)}`);
  console.log(`  all calls in phase (worst case) in ${fmt(aligned.inbound)}; out ${fmt(aligned.outbound)}; service ${(aligned.serviceCpuFraction * 100).toFixed(1)} % of a core`);
  console.log(`outbound pacing jitter |gap-20|  ${fmt(pacing.jitter)}`);
  console.log(`outbound lead over playback      min ${pacing.lead.min.toFixed(1)} ms  p1 ${pacing.lead.p1.toFixed(1)} ms  p50 ${pacing.lead.p50.toFixed(1)} ms  max ${pacing.lead.max.toFixed(1)} ms (bound: REALTIME_MAX_AHEAD_MS 200 + one frame; < 0 = underrun)`);
  console.log(`service memory per call          RSS ${latency.memoryPerCallKb.toFixed(1)} KiB, JS heap ${latency.heapPerCallKb.toFixed(1)} KiB (delta / calls, latency phase); pacing phase (greeting queued) RSS ${pacing.memoryPerCallKb.toFixed(1)} KiB, heap ${pacing.heapPerCallKb.toFixed(1)} KiB`);
  console.log(`service old-generation growth    ${latency.serviceOldGrowthMbPerS.toFixed(2)} MB/s during the latency phase (garbage left for the next full GC, which stops every call)`);
  console.log(`service CPU                      ${(latency.serviceCpuFraction * 100).toFixed(1)} % of one core (${(latency.serviceSystemFraction * 100).toFixed(1)} % in the kernel) for ${calls} calls (latency phase) -> ~${Math.floor(calls / latency.serviceCpuFraction)} calls per fully used core; pacing phase ${(pacing.serviceCpuFraction * 100).toFixed(1)} %`);
  console.log(`event loop delay p99             service ${latency.serviceLoopP99Ms.toFixed(2)} ms, harness ${latency.harnessLoopP99Ms.toFixed(2)} ms (latency phase); harness CPU ${(latency.harnessCpuFraction * 100).toFixed(1)} % of its core`);
  console.log(`longest stall                    ${stalls(latency)} (latency phase); a frame's max above these was the kernel's or the VM's`);
  const p99 = Math.max(latency.inbound.p99, latency.outbound.p99);
  const ok = latency.held === calls && pacing.held === calls && p99 <= FLOOR_P99_ADDED_MS && calls >= FLOOR_CALLS_PER_CORE;
  console.log(`floor: >= ${FLOOR_CALLS_PER_CORE} calls per core with p99 added latency <= ${FLOOR_P99_ADDED_MS} ms: ${ok ? 'MET' : 'NOT MET'} (p99 ${p99.toFixed(2)} ms over ${calls} calls)`);
  console.log(`null relay (harness + kernel)    ${oneLine(relay)}: the part of the figures above that no bridge can remove on this machine`);
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
}

/**
 * Starts the harness as a process of its own on core 1 (all its threads: the GC's helpers of a
 * process pinned by pid alone would run on the service's core) and waits for its report.
 */
export async function run(): Promise<void> {
  const cores = canPin() ? '1' : null;
  const harness = nodeProcess(cores, [__filename], { REALTIME_BENCH_HARNESS: '1', REALTIME_BENCH_PINNED: cores ? '1' : '0' });
  const code = await new Promise<number | null>((resolve, reject) => {
    harness.once('error', reject);
    harness.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`the realtime bench harness exited with ${code}`);
}

if (process.env.REALTIME_BENCH_CHILD === '1') {
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.env.REALTIME_BENCH_HARNESS === '1') {
  measure().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
