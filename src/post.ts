import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { resolveCloud } from './azure/cloud.ts';
import { describeError } from './errors.ts';
import { withGateRun } from './gates.ts';
import { currentVersion } from './health.ts';
import { parseInputs } from './inputs.ts';
import { readRawInputs } from './main.ts';
import { connectAzure, rollbackCommand, type AzureRun } from './modes/azure.ts';
import type { PendingSwap } from './pending-swap.ts';
import { createRecord } from './record.ts';
import { swapBackAndVerify } from './swap.ts';

/**
 * The post step. It runs at the end of the job whatever happened, with the main step's state.
 * Its one job: if the main step swapped and did not live to judge production (the runner
 * killed it ten seconds after a cancel, or the job hit its timeout), production may serve a
 * build that never finished its watch. Put the previous build back, or say exactly what to do.
 */
export async function post(pending: PendingSwap): Promise<void> {
  core.info(
    `The release started swapping ${pending.slot} into ${pending.target} and ended before ${pending.target} was judged: checking which build it serves.`,
  );
  try {
    // The main step parsed these same inputs, so they are valid.
    const inputs = parseInputs(readRawInputs());
    const record = createRecord(inputs.mode, randomBytes(16).toString('hex'));
    const cloud = await resolveCloud(inputs.cloud);
    await withGateRun(inputs, record, cloud.ca, (run) => finish(connectAzure(run, cloud), pending));
  } catch (error) {
    core.setFailed(`The unfinished release could not be put back: ${describeError(error)}`);
  }
}

async function finish(run: AzureRun, pending: PendingSwap): Promise<void> {
  const { inputs } = run;
  const [slot, target] = await Promise.all([
    run.app.getSlot(pending.slot),
    run.app.getSlot(pending.target),
  ]);
  const command = rollbackCommand(run, slot.name, target.name);
  const serving = await currentVersion(
    run.http,
    target.hostUrl,
    inputs.healthPath,
    inputs.requestTimeoutMs,
  );
  const { previous, deployed } = pending;
  const known = previous !== undefined && deployed !== undefined && previous !== deployed;

  if (known && serving === previous) {
    core.info(
      `${target.name} serves ${previous}, the build from before the release: nothing to undo.`,
    );
  } else if (known && serving === deployed) {
    const restored = await swapBackAndVerify(
      run,
      slot,
      target,
      previous,
      `The release ended before ${target.name} was proven`,
    );
    const line = `The release ended before ${target.name} was proven, so the post step swapped back: ${target.name} serves ${restored ?? previous} again (${deployed} waits in ${slot.name}).`;
    core.warning(line, { title: 'slot-release: swapped back after an unfinished release' });
    await core.summary
      .addRaw(
        `### slot-release: swapped back\n\n${line}\n\nRun the release again when it can finish its watch.\n`,
      )
      .write();
  } else {
    const seen = serving === undefined ? 'no version' : `version "${serving}"`;
    core.setFailed(
      `The release ended before ${target.name} was proven, and which build it serves cannot be told (it reports ${seen}; before the release: ${previous ?? 'unknown'}, released: ${deployed ?? 'unknown'}). Check it, and if it is the new build, roll back: ${command}`,
    );
  }
}
