/**
 * V8 flags the realtime service runs with (scripts/lib/services.ts, docker/Dockerfile, the bench).
 * One service process serves one core: a GC on helper threads only takes turns with the event loop
 * on that core, so the scavenger runs on the main thread alone.
 */
export const REALTIME_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
