import type { SlotInfo } from './azure/app-service.ts';
import { cancelledBy } from './cancel.ts';
import { runGates } from './gates.ts';
import { currentVersion } from './health.ts';
import { rollbackCommand, type AzureRun } from './modes/azure.ts';
import type { ModeOutcome } from './modes/outcome.ts';
import { OutcomeUnknownError } from './errors.ts';
import { clearPendingSwap, savePendingSwap, type PendingSwap } from './pending-swap.ts';
import { settingsStage } from './settings.ts';
import { GateFailure, stage } from './stage.ts';
import { lastSwapTimes, swapBackAndVerify, swapStage } from './swap.ts';
import { watchStage, type Regression } from './watch.ts';

/**
 * From a slot that passed its gates to production, and back if production regresses:
 * settings audit → (preview: production settings on the slot, gates again) → swap → watch →
 * swap back and verify on regression.
 */
export async function promote(
  run: AzureRun,
  slot: SlotInfo,
  target: SlotInfo,
  version: string | undefined,
): Promise<ModeOutcome> {
  const { inputs, record } = run;
  const previous = await currentVersion(
    run.http,
    target.hostUrl,
    inputs.healthPath,
    inputs.requestTimeoutMs,
  );
  record.versions.previous = previous;

  await settingsStage(run, slot.name, target.name);
  // From the preview (or the swap) until production is judged, the post step can finish the
  // job if this step dies: the state says how far it got.
  const pending: PendingSwap = {
    phase: 'previewing',
    slot: slot.name,
    target: target.name,
    previous,
    deployed: version,
    lastSwapBefore: {},
  };
  if (inputs.swapWithPreview) {
    savePendingSwap(pending);
    await previewStage(run, slot, target, version).catch((error: unknown) => {
      clearPendingSwap();
      throw error;
    });
  }

  const cancelled = cancelledBy(run.signal);
  if (cancelled) {
    if (inputs.swapWithPreview) await resetPreview(run, slot, target);
    clearPendingSwap();
    // Like a gate that says no: the release stops before the swap, production untouched.
    throw new GateFailure(`${cancelled} before the swap`);
  }
  pending.phase = 'swapping';
  pending.lastSwapBefore = await lastSwapTimes(run, slot.name, target.name);
  savePendingSwap(pending);
  try {
    await swapStage(run, slot.name, target.name);
  } catch (error) {
    // Azure said the swap failed: production never changed. Otherwise nobody knows yet.
    if (!(error instanceof OutcomeUnknownError)) clearPendingSwap();
    throw error;
  }
  savePendingSwap({ ...pending, phase: 'swapped' });
  record.rollbackCommand = rollbackCommand(run, slot.name, target.name);

  const regression = await watchStage(run, target.hostUrl, version);
  if (!regression) {
    clearPendingSwap();
    const watched = inputs.watchMs > 0;
    if (watched) record.versions.production = version;
    return {
      result: 'promoted',
      verdict: `${target.name} serves ${version ?? 'the new build'}${previous ? ` (was ${previous})` : ''}; every gate passed${watched ? ` and ${target.name} held` : `; ${target.name} was not watched (watch: 0)`}`,
    };
  }
  return swapBack(run, slot, target, pending, regression);
}

/** Swap with preview: apply the target's settings to the slot, gate again, then go on or reset. */
async function previewStage(
  run: AzureRun,
  slot: SlotInfo,
  target: SlotInfo,
  version: string | undefined,
) {
  await stage(run.record, `preview (${target.name} settings on ${slot.name})`, async () => {
    await run.app.applySlotConfig(slot.name, target.name, {
      preserveVnet: run.inputs.preserveVnet,
    });
    return {
      value: undefined,
      summary: `${target.name}'s slot settings applied to ${slot.name}; gating again`,
    };
  });
  try {
    await runGates(run, slot.hostUrl, `${slot.name} with ${target.name} settings`, version);
  } catch (error) {
    // The gate failure is the verdict; a failed reset is recorded as its own stage.
    await resetPreview(run, slot, target);
    throw error;
  }
}

/** Gives the slot its own settings back after a preview that will not be completed. */
async function resetPreview(run: AzureRun, slot: SlotInfo, target: SlotInfo): Promise<void> {
  await stage(run.record, `reset preview (${slot.name})`, async () => {
    await run.app.resetSlotConfig(slot.name);
    return {
      value: undefined,
      summary: `${slot.name} has its own settings back; ${target.name} untouched`,
    };
  }).catch(() => undefined);
}

async function swapBack(
  run: AzureRun,
  slot: SlotInfo,
  target: SlotInfo,
  pending: PendingSwap,
  regression: Regression,
): Promise<ModeOutcome> {
  const { previous } = pending;
  const why = regression.cancelled
    ? `${regression.reason} before ${target.name} was proven`
    : `${target.name} regressed after the swap (${regression.reason})`;
  savePendingSwap({
    ...pending,
    phase: 'swapping-back',
    lastSwapBefore: await lastSwapTimes(run, slot.name, target.name),
  });
  let swappedBack = false;
  let restored: string | undefined;
  try {
    // After a cancel the swap back and its check must not be cut by the same signal.
    restored = await swapBackAndVerify({ ...run, signal: undefined }, slot, target, previous, why, {
      // The previous build is back: whatever the check says next, the post step must not swap.
      onSwapped: () => {
        swappedBack = true;
        clearPendingSwap();
      },
    });
  } catch (error) {
    // Azure refused the swap back: production still serves the unproven build, so the post
    // step should try again. If the outcome is unknown, it stays `swapping-back`.
    if (!swappedBack && !(error instanceof OutcomeUnknownError))
      savePendingSwap({ ...pending, phase: 'swapped' });
    throw error;
  }
  run.record.versions.production = restored;
  return {
    result: 'rolled-back',
    verdict: `${why}; swapped back, ${target.name} serves ${restored ?? previous ?? 'the previous build'} again`,
    hint: regression.cancelled
      ? 'Run the release again when it can finish its watch.'
      : 'Fix the regression, then release again; the decision record has the failing round.',
  };
}
