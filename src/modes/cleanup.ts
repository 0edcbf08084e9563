import { stage } from '../stage.ts';
import type { AzureRun } from './azure.ts';
import type { ModeOutcome } from './outcome.ts';

/** Deletes a preview slot. Input validation already refused production and staging. */
export async function cleanup(run: AzureRun): Promise<ModeOutcome> {
  const slot = run.inputs.slot;
  const { deleted } = await stage(run.record, `delete (${slot})`, async () => {
    const r = await run.app.deleteSlot(slot);
    return { value: r, summary: r.deleted ? `slot ${slot} deleted` : `slot ${slot} did not exist` };
  });
  return {
    result: 'cleaned',
    verdict: deleted ? `preview slot ${slot} deleted` : `preview slot ${slot} was already gone`,
  };
}
