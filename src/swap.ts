import * as core from '@actions/core';
import { formatDuration } from './duration.ts';
import type { SlotInfo } from './azure/app-service.ts';
import { describeError, OutcomeUnknownError, SlotReleaseError } from './errors.ts';
import { readyGate } from './gates.ts';
import { rollbackCommand, type AzureRun } from './modes/azure.ts';
import { stage } from './stage.ts';

/** Swaps `source` into `target`, bounded by swap-timeout, and records how long it took. */
export function swapStage(run: AzureRun, source: string, target: string, label = 'swap') {
  return stage(run.record, `${label} (${source} → ${target})`, async () => {
    // A line when Azure has accepted the swap, then one every 10 s while it runs.
    let logged = -Infinity;
    const { durationMs } = await run.app.swap({
      source,
      target,
      preserveVnet: run.inputs.preserveVnet,
      timeoutMs: run.inputs.swapTimeoutMs,
      onProgress: (elapsed) => {
        if (elapsed - logged < 10_000) return;
        logged = elapsed;
        core.info(`  swap running for ${formatDuration(elapsed)}`);
      },
    });
    run.record.swap ??= { source, target, durationMs, withPreview: run.inputs.swapWithPreview };
    return {
      value: durationMs,
      summary: `${source} and ${target} swapped in ${formatDuration(durationMs)}`,
      evidence: { durationMs: Math.round(durationMs), preserveVnet: run.inputs.preserveVnet },
    };
  });
}

/**
 * Puts the build waiting in `slot` back into `target` and proves `target` serves it. The two
 * halves fail differently: if the swap back did not happen, swapping by hand is the fix; if it
 * did, swapping again would bring the regressed build back, so the message says not to.
 */
export async function swapBackAndVerify(
  run: AzureRun,
  slot: SlotInfo,
  target: SlotInfo,
  expectedVersion: string | undefined,
  why: string,
  options: { onSwapped?: () => void } = {},
): Promise<string | undefined> {
  const command = rollbackCommand(run, slot.name, target.name);
  try {
    await swapStage(run, slot.name, target.name, 'swap back');
    options.onSwapped?.();
  } catch (error) {
    // Keeps the kind: whether Azure may still be swapping decides what the post step does.
    const Kind = error instanceof OutcomeUnknownError ? OutcomeUnknownError : SlotReleaseError;
    throw new Kind(`${why}, and the swap back did not complete: ${describeError(error)}`, {
      cause: error,
      hint: `Check which build ${target.name} serves; if it is still the new one, swap back by hand: ${command}`,
    });
  }
  // The command would now undo the swap back, that is, re-promote the build that was removed.
  run.record.rollbackCommand = undefined;
  try {
    return await readyGate(run, target.hostUrl, `${target.name} after swap back`, expectedVersion);
  } catch (error) {
    throw new SlotReleaseError(
      `${why}; swapped back, but ${target.name} is not healthy now: ${describeError(error)}`,
      {
        cause: error,
        hint: `${target.name} runs ${expectedVersion ?? 'the previous build'} again but fails its readiness check: read its logs. Do not swap again: that brings back the build that was removed.`,
      },
    );
  }
}

/** Both slots' slotSwapStatus times: after a swap between them, at least one moves. */
export async function lastSwapTimes(
  run: AzureRun,
  slot: string,
  target: string,
): Promise<{ slot?: string; target?: string }> {
  const [s, t] = await Promise.all([run.app.getSlot(slot), run.app.getSlot(target)]);
  return {
    ...(s.lastSwapAt && { slot: s.lastSwapAt }),
    ...(t.lastSwapAt && { target: t.lastSwapAt }),
  };
}
