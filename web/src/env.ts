import { defineEnvVars } from '@sveltejs/kit/env';

/** Environment variables of the web service; read once when the server starts. */
export const variables = defineEnvVars({
	DATABASE_URL: {
		description: 'PostgreSQL connection string; /ready reports not_ready while it is unset.',
		schema: (value) => value || undefined
	},
	API_INTERNAL_URL: {
		description: 'Base URL of the API service as seen from the web server (checked by /ready).',
		schema: (value) => {
			const url = value || 'http://127.0.0.1:3000';
			if (!URL.canParse(url)) throw new Error(`API_INTERNAL_URL is not a URL: "${url}"`);
			return url.replace(/\/+$/, '');
		}
	},
	SESSION_SECRET: {
		description: 'Key of the session token hashes; the same value as the API so one login serves both.',
		schema: (value) => value || 'dev-only-session-secret-change-me'
	},
	SESSION_TTL_HOURS: {
		description: 'Sliding lifetime of a login session (hours), as in the API.',
		schema: (value) => positiveInteger('SESSION_TTL_HOURS', value, 12)
	},
	SESSION_COOKIE_SECURE: {
		description: "'auto' (Secure over https), 'true' or 'false', as in the API.",
		schema: (value) => {
			const setting = value || 'auto';
			if (setting !== 'auto' && setting !== 'true' && setting !== 'false') {
				throw new Error(`SESSION_COOKIE_SECURE must be auto, true or false, got "${setting}"`);
			}
			return setting;
		}
	},
	TEMPORAL_ADDRESS: {
		description: 'Temporal frontend (host:port) the CRM books, moves and cancels through.',
		schema: (value) => value || '127.0.0.1:7233'
	},
	TEMPORAL_NAMESPACE: {
		description: 'Temporal namespace of the booking and lead workflows.',
		schema: (value) => value || 'prosaas'
	},
	TEMPORAL_TASK_QUEUE: {
		description: 'Task queue the worker polls (must match the worker).',
		schema: (value) => value || 'prosaas-main'
	},
	TEMPORAL_UI_URL: {
		description: 'Temporal UI base URL for the workflow history links.',
		schema: (value) => (value || 'http://127.0.0.1:8233').replace(/\/+$/, '')
	},
	LEAD_FOLLOW_UP_MINUTES: {
		description: 'Follow-up delay of the lead capture workflow (minutes), as in the API.',
		schema: (value) => positiveInteger('LEAD_FOLLOW_UP_MINUTES', value, 24 * 60)
	},
	RECORDING_STORAGE: {
		description: "Where call recordings are read from: 'local' (RECORDINGS_DIR) or 's3' (RECORDING_S3_*), as the worker writes them.",
		schema: (value) => {
			const kind = value || 'local';
			if (kind !== 'local' && kind !== 's3') throw new Error(`RECORDING_STORAGE must be local or s3, got "${kind}"`);
			return kind;
		}
	},
	RECORDINGS_DIR: {
		description: 'Directory of the local recording storage (the same one the worker writes).',
		schema: (value) => value || '.data/recordings'
	},
	RECORDING_S3_ENDPOINT: { description: 'S3-compatible endpoint of the recordings bucket.', schema: (value) => value || undefined },
	RECORDING_S3_BUCKET: { description: 'Bucket of the recordings.', schema: (value) => value || undefined },
	RECORDING_S3_REGION: { description: 'Region the S3 signature names.', schema: (value) => value || 'us-east-1' },
	RECORDING_S3_ACCESS_KEY_ID: { description: 'Access key id for the recordings bucket.', schema: (value) => value || undefined },
	RECORDING_S3_SECRET_ACCESS_KEY: { description: 'Secret of that access key.', schema: (value) => value || undefined },
	BILLING_SIGNING_LINK_HOURS: {
		description: 'How long a contract signing link works (hours), as in the API.',
		schema: (value) => positiveInteger('BILLING_SIGNING_LINK_HOURS', value, 7 * 24)
	},
	BILLING_REMINDER_HOURS: {
		description: 'Reminders to sign, in hours after sending (comma-separated), as in the API.',
		schema: (value) => {
			const text = value || '48,120';
			if (!/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) throw new Error(`BILLING_REMINDER_HOURS must be comma-separated hours, got "${text}"`);
			return text.split(',').map((hours) => Number(hours.trim()));
		}
	},
	AI_COST_ILS_PER_USD: {
		description: 'Shekels per US dollar: calls are priced in USD, the dashboard shows the AI cost in ILS.',
		schema: (value) => {
			const rate = Number(value || '3.7');
			if (!Number.isFinite(rate) || rate <= 0) throw new Error(`AI_COST_ILS_PER_USD must be a positive number, got "${value}"`);
			return rate;
		}
	},
	LOG_LEVEL: {
		description: 'pino level: trace, debug, info, warn, error, fatal or silent.',
		schema: (value) => {
			const level = value || 'info';
			if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) {
				throw new Error(`LOG_LEVEL is not a pino level: "${level}"`);
			}
			return level;
		}
	}
});

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
	if (!value) return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
	return parsed;
}
