import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withCorrelationId, type Logger } from '../logger.ts';

// Header values end up in logs and responses: accept only a short, plain token.
const SafeId = /^[A-Za-z0-9._:-]{1,128}$/;
const TraceParent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** x-correlation-id if it is a safe token, else the trace id of a W3C traceparent, else a new UUID. */
function correlationIdFrom(headers: Record<string, string | string[] | undefined>): string {
  const given = headers['x-correlation-id'];
  if (typeof given === 'string' && SafeId.test(given)) return given;
  const trace = headers['traceparent'];
  const match = typeof trace === 'string' ? TraceParent.exec(trace.trim().toLowerCase()) : null;
  if (match?.[1] && !/^0+$/.test(match[1])) return match[1];
  return randomUUID();
}

/**
 * Gives each request a correlation id (echoed in x-correlation-id and res.locals.correlationId),
 * runs the rest of the chain inside it, and writes one access line when the exchange ends.
 */
export function correlation(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = correlationIdFrom(req.headers);
    const started = performance.now();
    res.locals.correlationId = id;
    res.setHeader('x-correlation-id', id);
    // 'close' rather than 'finish': a client that hangs up still gets its request logged.
    res.on('close', () =>
      withCorrelationId(id, () =>
        log.info(
          {
            method: req.method,
            path: req.path,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'request',
        ),
      ),
    );
    withCorrelationId(id, next);
  };
}

/**
 * Re-enters the request's correlation context. Body parsers resume the chain from socket events,
 * which run outside the context that correlation() opened.
 */
export const rebindCorrelation: RequestHandler = (_req, res, next) => {
  const id = res.locals.correlationId as string | undefined;
  if (id) withCorrelationId(id, next);
  else next();
};
