import * as core from '@actions/core';
import type { SlotInfo } from './azure/app-service.ts';
import { resolveCloud } from './azure/cloud.ts';
import { realClock } from './clock.ts';
import { formatDuration } from './duration.ts';
import { withGateRun } from './gates.ts';
import { currentVersion } from './health.ts';
import { parseInputs, readRawInputs } from './inputs.ts';
import { connectAzure, rollbackCommand, type AzureRun } from './modes/azure.ts';
import type { PendingSwap } from './pending-swap.ts';
import { pollUntil } from './poll.ts';
import { createRecord } from './record.ts';
import { swapBackAndVerify } from './swap.ts';
import { writeMarkdown } from './summary.ts';

// After a cancel the runner gives the job's remaining steps about five minutes
// (cancel-timeout-minutes): everything here ends, with a verdict, well within that.
const BUDGET_MS = 4 * 60_000;
// Kept back from the waits for a swap to end, for reading production and swapping back.
const SWAP_BACK_RESERVE_MS = 90_000;
const VERIFY_MS = 30_000;
const STEADY_READS = { initialMs: 1000, maxMs: 1000, factor: 1 };

/**
 * The post step's one job. The main step swapped, or started to, and did not live to judge
 * production: the runner killed it ten seconds after a cancel, or the job hit its timeout.
 * Production may serve a build that never finished its watch, and a swap may still be running
 * in Azure. Wait for any swap to end, read which build production serves, and put the
 * previous build back if it is the unproven one; when that cannot be told, say what to do.
 */
export async function finishUnprovenSwap(pending: PendingSwap): Promise<void> {
  const deadline = realClock.now() + BUDGET_MS;
  core.info(
    `The release ended before ${pending.target} was judged (last step: ${pending.phase}); checking which build ${pending.target} serves.`,
  );
  // The main step parsed these same inputs, so they are valid.
  const parsed = parseInputs(readRawInputs());
  const inputs = { ...parsed, readyTimeoutMs: Math.min(parsed.readyTimeoutMs, VERIFY_MS) };
  const cloud = await resolveCloud(inputs.cloud);
  await withGateRun(inputs, createRecord(inputs.mode), cloud.ca, (gateRun) =>
    finish(connectAzure(gateRun, cloud), pending, deadline),
  );
}

async function finish(run: AzureRun, pending: PendingSwap, deadline: number): Promise<void> {
  const command = rollbackCommand(run, pending.slot, pending.target);
  const { previous, deployed } = pending;

  if (pending.phase === 'previewing') {
    // Nothing was swapped; the slot still runs with production's settings from the preview.
    await run.app.resetSlotConfig(pending.slot);
    core.info(`${pending.slot} has its own settings back; ${pending.target} was never swapped.`);
    return;
  }
  let slots: { slot: SlotInfo; target: SlotInfo } | undefined;
  if (pending.phase !== 'swapped') {
    const reserve = pending.phase === 'swapping' ? SWAP_BACK_RESERVE_MS : VERIFY_MS;
    slots = await swapEnded(run, pending, deadline - reserve);
    if (!slots) {
      core.setFailed(
        `A swap between ${pending.slot} and ${pending.target} started by the release has not completed; it may still be running, or it may have failed. Check the app's Activity log ("Swap Web App Slots"). Once no swap runs, if ${pending.target} serves ${deployed ?? 'the new build'}, roll back: ${command}`,
      );
      return;
    }
  }

  if (previous !== undefined && previous === deployed) {
    core.setFailed(
      `${pending.target} reported version "${previous}" both before and after the release, so the post step cannot tell the two builds apart. Check which build ${pending.target} serves; if it is the new one, roll back: ${command}`,
    );
    return;
  }
  const { slot, target } = slots ?? (await readSlots(run, pending));
  const serving = await steadyVersion(run, target.hostUrl, deadline - VERIFY_MS);
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
  const left = deadline - realClock.now() - VERIFY_MS;
  if (left < 10_000) {
    core.setFailed(
      `${target.name} serves ${deployed}, which did not finish its watch, and too little time is left to swap back safely. Roll back now: ${command}`,
    );
    return;
  }
  const restored = await swapBackAndVerify(
    { ...run, inputs: { ...run.inputs, swapTimeoutMs: Math.min(run.inputs.swapTimeoutMs, left) } },
    slot,
    target,
    previous,
    `The release ended before ${target.name} was proven`,
  );
  const line = `The release ended before ${target.name} was proven, so the post step swapped back: ${target.name} serves ${restored ?? previous} again (${deployed} waits in ${slot.name}).`;
  core.warning(line, { title: 'slot-release: swapped back after an unfinished release' });
  await writeMarkdown(
    `### slot-release: swapped back\n\n${line}\n\nRun the release again when it can finish its watch.\n`,
  );
}

function readSlots(run: AzureRun, pending: PendingSwap) {
  return Promise.all([run.app.getSlot(pending.slot), run.app.getSlot(pending.target)]).then(
    ([slot, target]) => ({ slot, target }),
  );
}

/**
 * Waits until the swap the release started has ended in Azure: the slotSwapStatus (the time
 * of the last successful swap) of either slot moves past what it was before. A failed swap
 * never moves it, so the wait is bounded and the caller then says what it could not tell.
 */
async function swapEnded(
  run: AzureRun,
  pending: PendingSwap,
  until: number,
): Promise<{ slot: SlotInfo; target: SlotInfo } | undefined> {
  const before = pending.lastSwapBefore;
  const result = await pollUntil(
    async () => {
      const now = await readSlots(run, pending);
      const moved =
        (now.slot.lastSwapAt !== undefined && now.slot.lastSwapAt !== before.slot) ||
        (now.target.lastSwapAt !== undefined && now.target.lastSwapAt !== before.target);
      return moved
        ? { done: true as const, value: now }
        : { done: false as const, reason: 'no completed swap since the release started one' };
    },
    {
      deadline: until,
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
 * instances can answer for both builds for a moment. Undefined when none settles by `until`.
 */
async function steadyVersion(
  run: AzureRun,
  url: string,
  until: number,
): Promise<string | undefined> {
  const { inputs } = run;
  let last: string | undefined;
  const result = await pollUntil<string>(
    async (remainingMs) => {
      const timeout = Math.min(inputs.requestTimeoutMs, remainingMs);
      const now = await currentVersion(run.http, url, inputs.healthPath, timeout);
      const steady = now !== undefined && now === last;
      last = now;
      return steady ? { done: true, value: now } : { done: false, reason: 'not steady yet' };
    },
    { deadline: Math.min(until, realClock.now() + 30_000), backoff: STEADY_READS },
  );
  return result.ok ? result.value : undefined;
}
