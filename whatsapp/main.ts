import { loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { runService } from '../platform/lifecycle';
import { startWhatsapp } from './index';

runService('whatsapp', createLogger('whatsapp'), () => startWhatsapp(loadConfig()));
