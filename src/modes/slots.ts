import * as core from '@actions/core';
import type { SlotInfo } from '../azure/app-service.ts';
import { stage } from '../stage.ts';
import type { AzureRun } from './azure.ts';

/** Reads both slots' host names from Azure (never built by hand: hosts may be hashed). */
export function resolveSlots(run: AzureRun, options: { create?: boolean } = {}) {
  const { inputs, record } = run;
  return stage(record, 'resolve', async () => {
    const created = options.create ? (await run.app.ensureSlot(inputs.slot)).created : false;
    const [slot, target] = await Promise.all([
      run.app.getSlot(inputs.slot),
      run.app.getSlot(inputs.targetSlot),
    ]);
    record.target.slotUrl = slot.hostUrl;
    record.target.productionUrl = target.hostUrl;
    return {
      value: { slot, target } as { slot: SlotInfo; target: SlotInfo },
      summary: `${created ? `created slot ${slot.name}; ` : ''}${slot.name} is ${slot.hostUrl}, ${target.name} is ${target.hostUrl}`,
      evidence: { created, slot: slot.hostUrl, scm: slot.scmUrl, target: target.hostUrl },
    };
  });
}

/**
 * Without expected-version the gates cannot tell the new build from the old one: right after
 * a deployment completes, App Service may still serve the previous process for a while.
 */
export function warnWithoutExpectedVersion(run: AzureRun): void {
  if (run.inputs.expectedVersion !== undefined) return;
  core.warning(
    'expected-version is not set, so the gates cannot prove the slot serves the new build (App Service can serve the previous one for a while after a deployment). Set it to the version your /healthz reports, such as the commit SHA.',
    { title: 'slot-release: expected-version not set' },
  );
}
