import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';
import { startTelemetry } from './telemetry.ts';
import { resolveVersion } from './version.ts';

const config = loadConfig();
const version = resolveVersion(config.versionOverride);
const log = createLogger({ level: config.logLevel, version });

if (config.rehearsal.crashOnStart) {
  // Exits before listening, as a broken build would: the slot never becomes healthy.
  log.fatal('rehearsal: REHEARSAL_CRASH_ON_START is set, exiting with code 1');
  log.flush();
  process.exitCode = 1;
} else {
  if (config.appInsightsConnectionString)
    await startTelemetry(config.appInsightsConnectionString, log);
  const server = await startServer({ config, log, version });
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    void server.close().then(() => log.flush());
  };
  // Before the "listening" line: whoever waits for it may signal us at once.
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  log.info(
    {
      port: server.port,
      mcp: config.mcpServerUrl ?? 'self',
      planner: config.openai ? 'azure-openai' : 'deterministic',
    },
    'listening',
  );
}
