import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const correlation = new AsyncLocalStorage<string>();

/** Runs fn with a correlation id that every log line written inside it carries. */
export function withCorrelationId<T>(id: string, fn: () => T): T {
  return correlation.run(id, fn);
}

export function currentCorrelationId(): string | undefined {
  return correlation.getStore();
}

/**
 * JSON logs, one object a line. The correlation id comes from async context (mixin), so tool calls,
 * retries and MCP handlers deep in the call tree log it without passing a logger around.
 */
export function createLogger(
  opts: { level?: string; version?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'example-app', version: opts.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const id = correlation.getStore();
        return id ? { correlation_id: id } : {};
      },
    },
    opts.destination ?? pino.destination({ sync: false }),
  );
}
