import { runGates, type GateRun } from '../gates.ts';
import type { ModeOutcome } from './outcome.ts';

/** Gate any running service by URL: no Azure involved. */
export async function verify(run: GateRun): Promise<ModeOutcome> {
  const url = run.inputs.url!;
  run.record.target.url = url;
  const { version } = await runGates(run, url, 'url');
  run.record.versions.deployed = version;
  return {
    result: 'passed',
    verdict: `${url} passed every gate${version ? ` serving ${version}` : ''}`,
  };
}
