import * as core from '@actions/core';
import { formatDuration } from './duration.ts';
import type { AzureRun } from './modes/azure.ts';
import { stage } from './stage.ts';

/** Swaps `source` into `target`, bounded by swap-timeout, and records how long it took. */
export function swapStage(run: AzureRun, source: string, target: string, label = 'swap') {
  return stage(run.record, `${label} (${source} → ${target})`, async () => {
    const { durationMs } = await run.app.swap({
      source,
      target,
      preserveVnet: run.inputs.preserveVnet,
      timeoutMs: run.inputs.swapTimeoutMs,
      onProgress: (elapsed) => {
        if (elapsed > 0 && Math.round(elapsed / 1000) % 10 === 0)
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
