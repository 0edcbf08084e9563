import * as core from '@actions/core';
import type { SlotInfo } from './azure/app-service.ts';
import { deployZip, getRunningDeployment } from './azure/kudu.ts';
import { formatDuration } from './duration.ts';
import { SlotReleaseError } from './errors.ts';
import type { AzureRun } from './modes/azure.ts';
import { stage } from './stage.ts';

/** Deploys the package to the slot with OneDeploy, refusing to race a running deployment. */
export function deployStage(run: AzureRun, slot: SlotInfo) {
  const { inputs } = run;
  return stage(run.record, `deploy (${slot.name})`, async () => {
    const running = await getRunningDeployment(run.kudu(slot));
    if (running) {
      throw new SlotReleaseError(
        `A deployment (${running.id}, ${running.status}) is already running on slot ${slot.name}; refusing to start another.`,
        {
          hint: `Wait for it to finish (${slot.scmUrl}/api/deployments/latest), then re-run this job.`,
        },
      );
    }
    const result = await deployZip({
      ...run.kudu(slot),
      zip: inputs.package!,
      timeoutMs: inputs.deployTimeoutMs,
      onProgress: ({ elapsedMs, status }) =>
        core.info(`  deployment ${status} after ${formatDuration(elapsedMs)}`),
    });
    return {
      value: result,
      summary: `deployment ${result.deploymentId} completed in ${formatDuration(result.durationMs)}`,
      evidence: {
        deploymentId: result.deploymentId,
        durationMs: Math.round(result.durationMs),
        scmUrl: slot.scmUrl,
      },
    };
  });
}
