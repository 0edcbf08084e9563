import { runGates } from '../gates.ts';
import { promote } from '../promote.ts';
import type { AzureRun } from './azure.ts';
import type { ModeOutcome } from './outcome.ts';
import { resolveSlots } from './slots.ts';

/** A gated swap of what the slot already runs: the release without the deployment. */
export async function swap(run: AzureRun): Promise<ModeOutcome> {
  const { slot, target } = await resolveSlots(run);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return promote(run, slot, target, version);
}
