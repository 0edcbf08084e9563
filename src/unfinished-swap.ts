import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import type { SlotInfo } from './azure/app-service.ts';
import { resolveCloud } from './azure/cloud.ts';
import { realClock } from './clock.ts';
import { formatDuration } from './duration.ts';
import { describeError, SlotReleaseError } from './errors.ts';
import { withGateRun } from './gates.ts';
import { currentVersion } from './health.ts';
import { parseInputs, readRawInputs } from './inputs.ts';
import { connectAzure, rollbackCommand, type AzureRun } from './modes/azure.ts';
import type { PendingSwap } from './pending-swap.ts';
import { pollUntil } from './poll.ts';
import { createRecord } from './record.ts';
import { swapBackAndVerify } from './swap.ts';

// After a cancel the runner gives the job's remaining steps about five minutes
// (cancel-timeout-minutes); the post step must say what it found well within that.
const BUDGET_MS = 4 * 60_000;
const SETTLE_MS = 90_000;
const VERIFY_MS = 45_000;

/**
 * The post step's one job. The main step swapped and did not live to judge production: the
 * runner killed it ten seconds after a cancel, the job hit its timeout, or the machine went
 * away. Production may serve a build that never finished its watch, and a swap may even still
 * be running in Azure. Wait for any swap to end, read which build production serves, and put
 * the previous build back if it is the unproven one; when that cannot be told, say what to do.
 */
export async function finishUnprovenSwap(pending: PendingSwap): Promise<void> {
  core.info(
    `The release ended before ${pending.target} was judged (last step: ${pending.phase}); checking which build ${pending.target} serves.`,
  );
  // The main step parsed these same inputs, so they are valid.
  const parsed = parseInputs(readRawInputs());
  const inputs = {
    ...parsed,
    swapTimeoutMs: Math.min(parsed.swapTimeoutMs, BUDGET_MS - SETTLE_MS - VERIFY_MS),
    readyTimeoutMs: Math.min(parsed.readyTimeoutMs, VERIFY_MS),
  };
  const record = createRecord(inputs.mode, randomBytes(16).toString('hex'));
  const cloud = await resolveCloud(inputs.cloud);
  await withGateRun(inputs, record, cloud.ca, async (gateRun) => {
    const run = connectAzure(gateRun, cloud);
    try {
      await finish(run, pending);
    } catch (error) {
      const hint = error instanceof SlotReleaseError && error.hint ? `\n${error.hint}` : '';
      core.setFailed(`The post step could not finish the release: ${describeError(error)}${hint}`);
    }
  });
}

async function finish(run: AzureRun, pending: PendingSwap): Promise<void> {
  const slot = await run.app.getSlot(pending.slot);
  let target = await run.app.getSlot(pending.target);
  const command = rollbackCommand(run, slot.name, target.name);
  const { previous, deployed } = pending;

  if (pending.phase !== 'swapped') {
    const settled = await swapEnded(run, pending);
    if (!settled) {
      core.setFailed(
        `A swap between ${slot.name} and ${target.name} started by the release has not completed after ${formatDuration(SETTLE_MS)}; it may still be running, or it may have failed. Check the app's Activity log ("Swap Web App Slots"). Once no swap runs, if ${target.name} serves ${deployed ?? 'the new build'}, roll back: ${command}`,
      );
      return;
    }
    target = settled;
  }

  if (previous !== undefined && previous === deployed) {
    core.setFailed(
      `${target.name} reported version "${previous}" both before and after the release, so the post step cannot tell the two builds apart. Check which build ${target.name} serves; if it is the new one, roll back: ${command}`,
    );
    return;
  }
  const serving = await steadyVersion(run, target);
  const known = previous !== undefined && deployed !== undefined;
  if (known && serving === previous) {
    core.info(
      `${target.name} serves ${previous}, the build from before the release: nothing to undo.`,
    );
    return;
  }
  if (!known || serving !== deployed) {
    const seen = serving === undefined ? 'no steady version' : `version "${serving}"`;
    core.setFailed(
      `Which build ${target.name} serves cannot be told: it reports ${seen}; before the release it served ${previous ?? 'an unknown version'}, the release brought ${deployed ?? 'an unknown version'}. Check it, and if it is the new build, roll back: ${command}`,
    );
    return;
  }
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
}

/**
 * Waits until the swap the release started has ended in Azure: the target's slotSwapStatus
 * (the time the last successful swap completed) moves past what it was before. A failed swap
 * never moves it, so the wait is bounded and the caller then says what it could not tell.
 */
async function swapEnded(run: AzureRun, pending: PendingSwap): Promise<SlotInfo | undefined> {
  const result = await pollUntil<SlotInfo>(
    async () => {
      const target = await run.app.getSlot(pending.target);
      return target.lastSwapAt !== undefined && target.lastSwapAt !== pending.lastSwapBefore
        ? { done: true, value: target }
        : { done: false, reason: 'no completed swap since the release started one' };
    },
    {
      deadline: realClock.now() + SETTLE_MS,
      backoff: { initialMs: 1000, maxMs: 5000, factor: 1.5 },
      progressEveryMs: 15_000,
      onProgress: (elapsed) =>
        core.info(`  waiting for the swap to end: ${formatDuration(elapsed)} so far`),
    },
  );
  return result.ok ? result.value : undefined;
}

/**
 * The version production reports, read until two answers in a row agree: right after a swap,
 * instances can answer for both builds for a moment.
 */
async function steadyVersion(run: AzureRun, target: SlotInfo): Promise<string | undefined> {
  const { inputs } = run;
  let last: string | undefined;
  for (let read = 0; read < 6; read++) {
    if (read > 0) await realClock.sleep(1000);
    const now = await currentVersion(
      run.http,
      target.hostUrl,
      inputs.healthPath,
      inputs.requestTimeoutMs,
    );
    if (read > 0 && now !== undefined && now === last) return now;
    last = now;
  }
  return undefined;
}
