import { currentVersion } from '../health.ts';
import { swapBackAndVerify } from '../swap.ts';
import type { AzureRun } from './azure.ts';
import type { ModeOutcome } from './outcome.ts';
import { resolveSlots } from './slots.ts';

/**
 * Manual rollback: the previous build waits in the slot after a release, so swapping back
 * restores it; then production must be ready and serve it (or expected-version, when given).
 */
export async function rollback(run: AzureRun): Promise<ModeOutcome> {
  const { inputs, record } = run;
  const { slot, target } = await resolveSlots(run);
  const timeout = inputs.requestTimeoutMs;
  const [before, waiting] = await Promise.all([
    currentVersion(run.http, target.hostUrl, inputs.healthPath, timeout),
    currentVersion(run.http, slot.hostUrl, inputs.healthPath, timeout),
  ]);
  record.versions.previous = before;
  const expected = inputs.expectedVersion ?? waiting;
  const now = await swapBackAndVerify(run, slot, target, expected, `Rollback of ${target.name}`);
  record.versions.production = now;
  return {
    result: 'rolled-back',
    verdict: `${target.name} serves ${now ?? 'the previous build'} again${before ? ` (was ${before})` : ''}`,
  };
}
