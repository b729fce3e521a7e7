import { LOG_LEVEL } from '$app/env/private';
import { createLogger } from '$platform/logger';

/** The web service's pino logger: JSON lines carrying `service: "web"`. */
export const logger = createLogger('web', LOG_LEVEL);
