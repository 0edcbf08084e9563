import { resolveCloud } from '../azure/cloud.ts';
import type { GateRun } from '../gates.ts';
import { createHttpClient } from '../http.ts';
import type { Mode } from '../inputs.ts';
import { connectAzure, type AzureRun } from './azure.ts';
import { cleanup } from './cleanup.ts';
import { deploy } from './deploy.ts';
import type { ModeOutcome } from './outcome.ts';
import { release } from './release.ts';
import { rollback } from './rollback.ts';
import { swap } from './swap.ts';

const AZURE_MODES = { release, deploy, swap, rollback, cleanup } satisfies Record<
  Exclude<Mode, 'verify'>,
  (run: AzureRun) => Promise<ModeOutcome>
>;

/**
 * The modes that act on App Service. main() loads this module only for them, so `verify`
 * starts without parsing the Azure SDK (most of the bundle).
 */
export async function runAzureMode(
  run: GateRun,
  mode: Exclude<Mode, 'verify'>,
): Promise<ModeOutcome> {
  const cloud = await resolveCloud(run.inputs.cloud);
  if (!cloud.ca) return AZURE_MODES[mode](connectAzure(run, cloud));
  // A custom cloud (the emulator) brings its own CA: the slot hosts need it as much as ARM.
  const http = createHttpClient({
    headers: run.inputs.headers,
    timeoutMs: run.inputs.requestTimeoutMs,
    traceId: run.record.traceId,
    ca: cloud.ca,
  });
  try {
    return await AZURE_MODES[mode](connectAzure({ ...run, http }, cloud));
  } finally {
    await http.close();
  }
}
