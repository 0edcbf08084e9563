// The Azure layer end to end against the local App Service emulator: real HTTPS (the emulator's
// CA passed through the cloud file's caFile), real Entra token flow with GitHub OIDC assertions,
// real slots running the deployed fixture zip.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TokenCredential } from '@azure/identity';
import { Agent, request } from 'undici';
import { OutcomeUnknownError, SlotReleaseError } from '../../src/errors.ts';
import { createAppService, type AppService } from '../../src/azure/app-service.ts';
import { createCredential } from '../../src/azure/auth.ts';
import { resolveCloud, type Cloud } from '../../src/azure/cloud.ts';
import { deployZip, getRunningDeployment } from '../../src/azure/kudu.ts';
import { makeAppZip } from '../fixtures/app-zip.ts';
import { startTestEmulator, waitForVersion, type TestEmulator } from '../fixtures/emulator.ts';

const AUDIENCE = 'api://AzureADTokenExchange';
let emu: TestEmulator;
let cloud: Cloud;
let tls: Agent;
const idTokens: string[] = [];
const secrets: string[] = [];
let app: AppService;

/** What core.getIDToken does, but trusting the emulator's CA (NODE_EXTRA_CA_CERTS is read at start). */
async function getIdToken(audience: string): Promise<string> {
  const url = `${emu.githubOidc.requestUrl}&audience=${encodeURIComponent(audience)}`;
  const response = await request(url, {
    dispatcher: tls,
    headers: { authorization: `Bearer ${emu.githubOidc.requestToken}` },
  });
  const body = (await response.body.json()) as { value: string };
  idTokens.push(body.value);
  return body.value;
}

// Token requests still running. With 5 s tokens the SDK refreshes in the background after every
// call; the emulator must outlive those refreshes, or they fail after the tests end.
let inflight = 0;

function credential(): TokenCredential {
  const inner = createCredential({
    auth: 'auto',
    clientId: emu.credentials.clientId,
    tenantId: emu.credentials.tenantId,
    audience: AUDIENCE,
    cloud,
    getIdToken,
    setSecret: (s) => secrets.push(s),
  });
  return {
    getToken: async (scopes, options) => {
      inflight += 1;
      try {
        return await inner.getToken(scopes, options);
      } finally {
        inflight -= 1;
      }
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fastDeploy = { pollBackoff: { initialMs: 50, maxMs: 200, factor: 1.5 } };

/** OneDeploy of the fixture app at `version`, logged in with OIDC and trusting the CA. */
const deployTo = (scmUrl: string, version: string) =>
  deployZip({
    ...fastDeploy,
    scmUrl,
    credential: credential(),
    scope: cloud.tokenScope,
    ca: cloud.ca,
    zip: makeAppZip({ version }),
    timeoutMs: 30_000,
  });

beforeAll(async () => {
  emu = await startTestEmulator({
    apps: [
      {
        name: 'web1',
        resourceGroup: 'rg1',
        slots: ['staging'],
        appSettings: {
          production: { DB_URL: 'prod-db-connection', SHARED_KEY: 'shared-secret-1' },
          staging: { DB_URL: 'staging-db-connection' },
        },
        slotSettingNames: ['DB_URL'],
      },
    ],
    // Tokens and assertions that expire fast: every Azure call needs a fresh assertion.
    tokenLifetimeSeconds: 5,
    assertionLifetimeSeconds: 2,
  });
  cloud = await resolveCloud(emu.cloudFile);
  tls = new Agent({ connect: { ca: cloud.ca } });
  app = createAppService({
    credential: credential(),
    cloud,
    subscriptionId: emu.cloud.subscriptionId,
    resourceGroup: 'rg1',
    appName: 'web1',
    pollIntervalMs: 100,
    setSecret: (s) => secrets.push(s),
    retry: { maxRetries: 3, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
  });
});

afterAll(async () => {
  for (let i = 0; i < 100 && inflight > 0; i++) await sleep(50);
  await tls?.close();
  await emu?.stop();
});

describe('Azure layer against the emulator', () => {
  it('reads the cloud file the emulator writes, CA included', () => {
    expect(cloud.disableInstanceDiscovery).toBe(true);
    expect(cloud.resourceManager).toBe(emu.cloud.endpoints.resourceManager.replace(/\/$/, ''));
    expect(cloud.ca).toBe(emu.caPem);
  });

  it('gets and lists slots, with the URLs Azure reports', async () => {
    const state = await emu.state();
    await expect(app.getSlot('staging')).resolves.toMatchObject({
      name: 'staging',
      hostUrl: state.slots.staging!.hostUrl,
      scmUrl: state.slots.staging!.scmUrl,
    });
    await expect(app.getSlot('production')).resolves.toMatchObject({
      hostUrl: state.production.hostUrl,
      scmUrl: state.production.scmUrl,
    });
    await expect(app.listSlots()).resolves.toEqual(['staging']);
    const missing = (await app.getSlot('qa').catch((e: unknown) => e)) as SlotReleaseError;
    expect(missing).toBeInstanceOf(SlotReleaseError);
    expect(missing.message).toBe('slot qa of app web1 not found (resource group rg1).');
    expect(missing.hint).toContain('Existing slots: staging.');
  });

  it('creates a slot when missing (idempotently) and deletes it', async () => {
    await expect(app.ensureSlot('pr-7')).resolves.toEqual({ created: true });
    await expect(app.ensureSlot('pr-7')).resolves.toEqual({ created: false });
    expect((await app.listSlots()).sort()).toEqual(['pr-7', 'staging']);
    await expect(app.deleteSlot('pr-7')).resolves.toEqual({ deleted: true });
    await expect(app.deleteSlot('pr-7')).resolves.toEqual({ deleted: false });
    await expect(app.listSlots()).resolves.toEqual(['staging']);
  });

  it('reads app settings (masked) and sticky names', async () => {
    await expect(app.listAppSettings('production')).resolves.toEqual({
      DB_URL: 'prod-db-connection',
      SHARED_KEY: 'shared-secret-1',
    });
    expect(secrets).toEqual(expect.arrayContaining(['prod-db-connection', 'shared-secret-1']));
    await expect(app.listAppSettings('staging')).resolves.toEqual({
      DB_URL: 'staging-db-connection',
    });
    await expect(app.listStickyNames()).resolves.toEqual({
      appSettingNames: ['DB_URL'],
      connectionStringNames: [],
    });
  });

  it('deploys the fixture zip to staging and the slot serves that version', async () => {
    const staging = await app.getSlot('staging');
    const progress: string[] = [];
    const result = await deployZip({
      ...fastDeploy,
      scmUrl: staging.scmUrl,
      credential: credential(),
      scope: cloud.tokenScope,
      ca: cloud.ca,
      slot: 'staging',
      zip: makeAppZip({ version: '2.0.0' }),
      timeoutMs: 30_000,
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p.status),
    });
    expect(result.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    // Kudu's success comes before the restart, as on Linux App Service: wait for the new build.
    expect(await waitForVersion(emu, 'staging', '2.0.0')).toBe('2.0.0');
    const state = await emu.state();
    expect(state.slots.staging!.deploymentId).toBe(result.deploymentId);
    await expect(
      getRunningDeployment({
        scmUrl: staging.scmUrl,
        credential: credential(),
        scope: cloud.tokenScope,
        ca: cloud.ca,
      }),
    ).resolves.toBeNull();
  });

  it('swaps staging into production through the LRO', async () => {
    const production = await app.getSlot('production');
    await deployTo(production.scmUrl, '1.0.0');
    expect(await waitForVersion(emu, 'production', '1.0.0')).toBe('1.0.0');
    await app.swap({
      source: 'staging',
      target: 'production',
      preserveVnet: true,
      timeoutMs: 30_000,
    });
    const state = await emu.state();
    expect(state.production.version).toBe('2.0.0');
    expect(state.slots.staging!.version).toBe('1.0.0');
    // Sticky settings stayed with their slot.
    await expect(app.listAppSettings('production')).resolves.toMatchObject({
      DB_URL: 'prod-db-connection',
    });
  });

  it('refuses a second deployment while one runs (409) and reports the running one', async () => {
    const staging = await app.getSlot('staging');
    const kudu = {
      scmUrl: staging.scmUrl,
      credential: credential(),
      scope: cloud.tokenScope,
      ca: cloud.ca,
      slot: 'staging',
    };
    emu.faults.failNextDeployment({ slot: 'staging', mode: 'never-complete' });
    const first = deployZip({
      ...kudu,
      ...fastDeploy,
      zip: makeAppZip({ version: '3.0.0' }),
      timeoutMs: 1500,
    }).catch((e: unknown) => e);
    let running = null;
    for (let i = 0; i < 50 && !running; i++) {
      running = await getRunningDeployment(kudu);
      if (!running) await sleep(50);
    }
    expect(running).toMatchObject({ status: expect.any(String) });
    const second = (await deployZip({
      ...kudu,
      zip: makeAppZip({ version: '3.0.1' }),
      timeoutMs: 5000,
    }).catch((e: unknown) => e)) as SlotReleaseError;
    expect(second).toBeInstanceOf(SlotReleaseError);
    expect(second.message).toMatch(/^a deployment is already running on slot staging/);
    const timedOut = (await first) as SlotReleaseError;
    expect(timedOut.message).toContain('did not complete within 1.5s (deploy-timeout)');
    emu.faults.clear();
    await expect(getRunningDeployment(kudu)).resolves.toBeNull();
  });

  it('reports a failed deployment with its log', async () => {
    const staging = await app.getSlot('staging');
    emu.faults.failNextDeployment({ slot: 'staging', mode: 'fail' });
    const error = (await deployZip({
      ...fastDeploy,
      scmUrl: staging.scmUrl,
      credential: credential(),
      scope: cloud.tokenScope,
      ca: cloud.ca,
      slot: 'staging',
      zip: makeAppZip({ version: '4.0.0' }),
      timeoutMs: 30_000,
    }).catch((e: unknown) => e)) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toMatch(/^Deployment [0-9a-f-]+ to slot staging failed/);
    expect(error.message).toContain('Last lines of the deployment log:');
  });

  it('retries through a 429 burst on ARM and on Kudu', async () => {
    emu.faults.add({
      target: 'arm',
      match: '/slots',
      status: 429,
      count: 2,
      retryAfterSeconds: 0.05,
    });
    await expect(app.listSlots()).resolves.toEqual(['staging']);
    emu.faults.add({
      target: 'kudu',
      match: '/api/publish',
      status: 429,
      count: 2,
      retryAfterSeconds: 0.05,
    });
    const staging = await app.getSlot('staging');
    await deployTo(staging.scmUrl, '5.0.0');
    expect(await waitForVersion(emu, 'staging', '5.0.0')).toBe('5.0.0');
    expect(emu.faults.list().requests).toEqual([]);
  });

  it('gives every ARM request a deadline: a hung request is retried, not waited on forever', async () => {
    const impatient = createAppService({
      credential: credential(),
      cloud,
      subscriptionId: emu.cloud.subscriptionId,
      resourceGroup: 'rg1',
      appName: 'web1',
      setSecret: () => undefined,
      requestTimeoutMs: 500,
      retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
    emu.faults.add({ target: 'arm', match: '/slots', hang: true, count: 1 });
    await expect(impatient.listSlots()).resolves.toEqual(['staging']);
    expect(emu.faults.list().requests).toEqual([]);
  });

  it('previews a swap (applySlotConfig), cancels it, then previews and completes it', async () => {
    const stagingVersion = (await emu.state()).slots.staging!.version;
    await app.applySlotConfig('staging', 'production');
    let state = await emu.state();
    expect(state.apps[0]!.pendingPreview).toEqual({ source: 'staging', target: 'production' });
    // Phase 1: staging runs with production's slot settings.
    await expect(app.listAppSettings('staging')).resolves.toMatchObject({
      DB_URL: 'prod-db-connection',
    });
    await app.resetSlotConfig('staging');
    state = await emu.state();
    expect(state.apps[0]!.pendingPreview).toBeNull();
    await expect(app.listAppSettings('staging')).resolves.toMatchObject({
      DB_URL: 'staging-db-connection',
    });

    await app.applySlotConfig('staging', 'production');
    await app.swap({
      source: 'staging',
      target: 'production',
      preserveVnet: true,
      timeoutMs: 30_000,
    });
    state = await emu.state();
    expect(state.apps[0]!.pendingPreview).toBeNull();
    expect(state.production.version).toBe(stagingVersion);
  });

  it('reports a swap that fails in Azure with its code and message', async () => {
    emu.faults.failNextSwap({ phase: 2 });
    const before = (await emu.state()).production.version;
    const error = (await app
      .swap({ source: 'staging', target: 'production', preserveVnet: true, timeoutMs: 30_000 })
      .catch((e: unknown) => e)) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toMatch(/^Azure could not swap staging into production of app web1/);
    expect(error.message).toContain('(operation failed, SwapFailed): Injected fault');
    expect(error.hint).toBeDefined();
    // Azure said how it ended: a final answer, which the release may act on.
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
    expect((await emu.state()).production.version).toBe(before);
  });

  it('a swap Azure accepted but whose polls keep failing has an unknown outcome, not a failure', async () => {
    const before = await emu.state();
    emu.faults.add({ target: 'arm', match: '/operations', status: 500, count: 50 });
    const error = (await app
      .swap({ source: 'staging', target: 'production', preserveVnet: true, timeoutMs: 30_000 })
      .catch((e: unknown) => e)) as SlotReleaseError;
    emu.faults.clear();
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error.hint).toMatch(/^Azure may still be running the swap/);
    // And indeed it ran on: production ends with what staging had.
    expect(await waitForVersion(emu, 'production', before.slots.staging!.version!)).toBe(
      before.slots.staging!.version,
    );
  });

  it('logs in with AZURE_* environment variables (client secret) against the custom cloud', async () => {
    const saved = { ...process.env };
    process.env.AZURE_TENANT_ID = emu.credentials.tenantId;
    process.env.AZURE_CLIENT_ID = emu.credentials.clientId;
    process.env.AZURE_CLIENT_SECRET = emu.credentials.clientSecret;
    try {
      const masked: string[] = [];
      const env = createCredential({
        auth: 'environment',
        audience: AUDIENCE,
        cloud,
        setSecret: (s) => masked.push(s),
      });
      const token = await env.getToken(cloud.tokenScope);
      expect(masked).toEqual([token?.token]);
      const viaEnv = createAppService({
        credential: env,
        cloud,
        subscriptionId: emu.cloud.subscriptionId,
        resourceGroup: 'rg1',
        appName: 'web1',
        setSecret: () => undefined,
      });
      await expect(viaEnv.listSlots()).resolves.toEqual(['staging']);
    } finally {
      for (const name of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('keeps working when tokens and assertions expire between calls (fresh assertion per refresh)', async () => {
    const before = idTokens.length;
    await app.listSlots();
    await sleep(2500); // longer than the assertion lifetime (2 s)
    await app.listSlots();
    await sleep(2500);
    await expect(app.getSlot('staging')).resolves.toMatchObject({ name: 'staging' });
    const used = idTokens.slice(before);
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(new Set(used).size).toBe(used.length);
    expect(secrets).toEqual(expect.arrayContaining(used));
  });
});
