import type { SlotInfo } from './azure/app-service.ts';
import { cancelledBy } from './cancel.ts';
import { runGates } from './gates.ts';
import { currentVersion } from './health.ts';
import { rollbackCommand, type AzureRun } from './modes/azure.ts';
import type { ModeOutcome } from './modes/outcome.ts';
import { clearPendingSwap, savePendingSwap } from './pending-swap.ts';
import { settingsStage } from './settings.ts';
import { GateFailure, stage } from './stage.ts';
import { swapBackAndVerify, swapStage } from './swap.ts';
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
  if (inputs.swapWithPreview) await previewStage(run, slot, target, version);

  const cancelled = cancelledBy(run.signal);
  // Like a gate that says no: the release stops before the swap, production untouched.
  if (cancelled) throw new GateFailure(`${cancelled} before the swap`);
  // From here until production is judged, the post step can finish the job if this one dies.
  savePendingSwap({ slot: slot.name, target: target.name, previous, deployed: version });
  await swapStage(run, slot.name, target.name);
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
  return swapBack(run, slot, target, previous, regression);
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
    await runGates(
      { ...run, inputs: { ...run.inputs, expectedVersion: version } },
      slot.hostUrl,
      `${slot.name} with ${target.name} settings`,
    );
  } catch (error) {
    // The gate failure is the verdict; a failed reset is recorded as its own stage.
    await stage(run.record, `reset preview (${slot.name})`, async () => {
      await run.app.resetSlotConfig(slot.name);
      return {
        value: undefined,
        summary: `${slot.name} has its own settings back; ${target.name} untouched`,
      };
    }).catch(() => undefined);
    throw error;
  }
}

async function swapBack(
  run: AzureRun,
  slot: SlotInfo,
  target: SlotInfo,
  previous: string | undefined,
  regression: Regression,
): Promise<ModeOutcome> {
  const why = regression.cancelled
    ? `${regression.reason} before ${target.name} was proven`
    : `${target.name} regressed after the swap (${regression.reason})`;
  // After a cancel the swap back and its check must not be cut by the same signal.
  const restored = await swapBackAndVerify(
    { ...run, signal: undefined },
    slot,
    target,
    previous,
    why,
  );
  clearPendingSwap();
  run.record.versions.production = restored;
  return {
    result: 'rolled-back',
    verdict: `${why}; swapped back, ${target.name} serves ${restored ?? previous ?? 'the previous build'} again`,
    hint: regression.cancelled
      ? 'Run the release again when it can finish its watch.'
      : 'Fix the regression, then release again; the decision record has the failing round.',
  };
}
