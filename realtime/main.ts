import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runService } from '../platform/lifecycle';
import { startRealtime } from './index';

runService('realtime', createLogger('realtime'), () => startRealtime(loadConfig()));
