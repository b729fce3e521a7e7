import type { Logger } from './logger';

export interface RunningService {
  /** Stops accepting work, finishes what is in flight, releases connections. */
  close: () => Promise<void>;
}

const SHUTDOWN_GRACE_MS = 15_000;

/**
 * The entry point of every service's main.ts: starts it, logs a start-up failure
 * clearly, and on SIGINT/SIGTERM closes it once, forcing exit after a grace period.
 */
export function runService(name: string, logger: Logger, start: () => Promise<RunningService>): void {
  let service: RunningService | undefined;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} shutting down`);
    const force = setTimeout(() => {
      logger.error(`${name} did not stop within ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await service?.close();
      logger.info(`${name} stopped`);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, `${name} failed to stop cleanly`);
      process.exit(1);
    }
  };

  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  start()
    .then((running) => {
      service = running;
      if (stopping) void running.close();
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start: ${(error as Error).message}`);
      process.exit(1);
    });
}
