import { InMemorySendLimiter } from '../../../functions/email/store/in-memory-send-limiter.js';
import { sendLimiterContract } from './send-limiter.contract.js';

sendLimiterContract('InMemorySendLimiter', async () => ({
  limiter: new InMemorySendLimiter(),
  cleanup: async () => {},
}));
