import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Logger } from './logger.ts';

const tracer = trace.getTracer('example-app');

/**
 * Runs fn in a span. Without a registered provider (APPLICATIONINSIGHTS_CONNECTION_STRING unset)
 * the API hands out no-op spans, so this costs next to nothing.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: err instanceof Error ? err.message : String(err),
      });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Exports traces, metrics and logs to Application Insights. Loaded on demand: the distro is large,
 * and the default start must stay light.
 */
export async function startTelemetry(connectionString: string, log: Logger): Promise<void> {
  try {
    const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
    useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
    log.info('telemetry: exporting to Application Insights');
  } catch (err) {
    // Telemetry is not worth an outage: run without it and say how to get it.
    log.error(
      { err },
      'telemetry: Application Insights export could not start (a zip built without --telemetry does not bundle @azure/monitor-opentelemetry)',
    );
  }
}
