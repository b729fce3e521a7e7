import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runService } from '../platform/lifecycle';
import { startApi } from './index';

runService('api', createLogger('api'), () => startApi(loadConfig()));
