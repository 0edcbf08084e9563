// The `with:` and environment of a job that releases to the local emulator, as a workflow
// with `permissions: id-token: write` would run it. Shared by the demo, the e2e tests and bench.
import type { Emulator } from '../emulator/index.ts';

/** Inputs that point the action at the emulator's app, logging in with OIDC. */
export function emulatorInputs(
  emu: Emulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    'app-name': emu.cloud.appName,
    'resource-group': emu.cloud.resourceGroup,
    'subscription-id': emu.cloud.subscriptionId,
    'client-id': emu.credentials.clientId,
    'tenant-id': emu.credentials.tenantId,
    cloud: emu.cloudFile,
    ...extra,
  };
}

/**
 * What the runner provides to a job with `id-token: write`, plus trust in the emulator's CA
 * for the OIDC token endpoint (GitHub's is publicly trusted; the emulator's is not).
 */
export function emulatorEnv(emu: Emulator): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: emu.caFile,
    ACTIONS_ID_TOKEN_REQUEST_URL: emu.githubOidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.githubOidc.requestToken,
  };
}
