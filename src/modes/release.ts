import { deployStage } from '../deploy.ts';
import { runGates } from '../gates.ts';
import { promote } from '../promote.ts';
import type { AzureRun } from './azure.ts';
import type { ModeOutcome } from './outcome.ts';
import { resolveSlots, warnWithoutExpectedVersion } from './slots.ts';

/**
 * The release pipeline, stage by stage:
 *   resolve the slot hosts → deploy the zip (bounded, never racing another deployment) →
 *   the slot is ready and serves expected-version → agent smoke + guardrails → budget →
 *   sticky-settings audit → [swap with preview: gates again on production settings] →
 *   swap → watch production → on regression, swap back and verify the previous build.
 * Any gate that fails before the swap blocks the release with production untouched.
 */
export async function release(run: AzureRun): Promise<ModeOutcome> {
  warnWithoutExpectedVersion(run);
  const { slot, target } = await resolveSlots(run);
  await deployStage(run, slot);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return promote(run, slot, target, version);
}
