import { deployStage } from '../deploy.ts';
import { runGates } from '../gates.ts';
import type { AzureRun } from './azure.ts';
import type { ModeOutcome } from './outcome.ts';
import { resolveSlots } from './slots.ts';

/** PR previews: deploy to a slot (created when missing) and gate it; never swaps. */
export async function deploy(run: AzureRun): Promise<ModeOutcome> {
  const { slot } = await resolveSlots(run, { create: true });
  await deployStage(run, slot);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return {
    result: 'passed',
    verdict: `${slot.hostUrl} serves ${version ?? 'the build'} and passed every gate`,
  };
}
