import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import type { RehearsalSwitches } from '../config.ts';
import type { Logger } from '../logger.ts';

/**
 * REHEARSAL_LATENCY_MS and REHEARSAL_ERROR_RATE, for every public route. The error rate is
 * deterministic (every k-th request, k = round(1/rate)) so a release test can predict the share.
 */
export function rehearsal(sw: RehearsalSwitches, log: Logger): RequestHandler {
  const every = sw.errorRate > 0 ? Math.max(1, Math.round(1 / sw.errorRate)) : 0;
  let count = 0;
  return async (_req, res, next) => {
    if (sw.latencyMs > 0) await sleep(sw.latencyMs);
    if (every > 0 && ++count % every === 0) {
      log.warn({ rehearsal: 'REHEARSAL_ERROR_RATE', every }, 'rehearsal: answering 500');
      res.status(500).json({
        error: 'rehearsal_error',
        message: `REHEARSAL_ERROR_RATE is set: every ${every}th request fails`,
        correlation_id: res.locals.correlationId,
      });
      return;
    }
    next();
  };
}
