import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * The business answer inside an activity's failure (slot taken, invalid phone),
 * or a generic non-retryable failure: what an update handler may throw to its caller.
 */
export function toClientFailure(error: unknown, fallbackType: string): ApplicationFailure {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type) {
    return ApplicationFailure.create({ message: cause.message, type: cause.type, details: cause.details ?? undefined, nonRetryable: true });
  }
  return ApplicationFailure.create({ message: (cause as Error | undefined)?.message ?? 'failed', type: fallbackType, nonRetryable: true });
}
