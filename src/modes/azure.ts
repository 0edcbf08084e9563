import * as core from '@actions/core';
import type { TokenCredential } from '@azure/identity';
import { createAppService, type AppService, type SlotInfo } from '../azure/app-service.ts';
import { createCredential } from '../azure/auth.ts';
import type { Cloud } from '../azure/cloud.ts';
import type { KuduOptions } from '../azure/kudu.ts';
import type { GateRun } from '../gates.ts';
import { addSecret } from '../secrets.ts';

/** Everything a mode needs to act on one web app. */
export interface AzureRun extends GateRun {
  cloud: Cloud;
  credential: TokenCredential;
  app: AppService;
  kudu(slot: SlotInfo): KuduOptions;
}

export function connectAzure(run: GateRun, cloud: Cloud): AzureRun {
  const { inputs } = run;
  const credential = createCredential({
    auth: inputs.auth,
    clientId: inputs.clientId,
    tenantId: inputs.tenantId,
    audience: inputs.audience,
    cloud,
    setSecret: addSecret,
  });
  const app = createAppService({
    credential,
    cloud,
    subscriptionId: inputs.subscriptionId!,
    resourceGroup: inputs.resourceGroup!,
    appName: inputs.appName!,
    // No cancel signal here: after a cancel, the swap back is the one thing that must finish.
    // Each ARM request is bounded by its own timeout instead.
    setSecret: addSecret,
  });
  run.record.target = {
    ...run.record.target,
    app: inputs.appName,
    resourceGroup: inputs.resourceGroup,
    slot: inputs.slot,
    targetSlot: inputs.targetSlot,
  };
  core.info(`Azure: ${cloud.name}, app ${inputs.appName} in ${inputs.resourceGroup}`);
  return {
    ...run,
    cloud,
    credential,
    app,
    kudu: (slot) => ({
      scmUrl: slot.scmUrl,
      credential,
      scope: cloud.tokenScope,
      slot: slot.name,
      signal: run.signal,
      ca: cloud.ca,
    }),
  };
}

/** The command that undoes a swap, for the summary, the report and the rollback-command output. */
export function rollbackCommand(run: AzureRun, source: string, target: string): string {
  const { inputs } = run;
  return `az webapp deployment slot swap --subscription ${inputs.subscriptionId} -g ${inputs.resourceGroup} -n ${inputs.appName} --slot ${source} --target-slot ${target}`;
}
