import {
	RECORDING_S3_ACCESS_KEY_ID,
	RECORDING_S3_BUCKET,
	RECORDING_S3_ENDPOINT,
	RECORDING_S3_REGION,
	RECORDING_S3_SECRET_ACCESS_KEY,
	RECORDING_STORAGE,
	RECORDINGS_DIR
} from '$app/env/private';
import { createRecordingStorage, type RecordingStorage } from '$platform/recordings/storage';

let storage: RecordingStorage | undefined;

/** The recording storage the worker writes to, created on first use. */
export function recordings(): RecordingStorage {
	storage ??= createRecordingStorage({
		RECORDING_STORAGE,
		RECORDINGS_DIR,
		RECORDING_S3_ENDPOINT,
		RECORDING_S3_BUCKET,
		RECORDING_S3_REGION,
		RECORDING_S3_ACCESS_KEY_ID,
		RECORDING_S3_SECRET_ACCESS_KEY
	});
	return storage;
}
