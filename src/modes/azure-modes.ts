import { resolveCloud } from '../azure/cloud.ts';
import { withGateRun } from '../gates.ts';
import type { Inputs, Mode } from '../inputs.ts';
import type { DecisionRecord } from '../record.ts';
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
  inputs: Inputs,
  record: DecisionRecord,
  mode: Exclude<Mode, 'verify'>,
  signal?: AbortSignal,
): Promise<ModeOutcome> {
  const cloud = await resolveCloud(inputs.cloud);
  // A custom cloud (the emulator) brings its own CA: the slot hosts need it as much as ARM.
  return withGateRun(
    inputs,
    record,
    cloud.ca,
    (run) => AZURE_MODES[mode](connectAzure(run, cloud)),
    signal,
  );
}
