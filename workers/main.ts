import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runService } from '../platform/lifecycle';
import { startWorker } from './index';

runService('worker', createLogger('worker'), () => startWorker(loadConfig()));
