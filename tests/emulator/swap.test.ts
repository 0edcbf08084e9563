// Swap semantics as App Service documents them: sticky settings stay, the rest travels with the
// content; failed warm-up leaves production alone; swap back restores; preview then reset; the
// x-ms-routing-name cookie/query; ramp-up rules split production traffic.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import {
  deployVersion,
  emulatorFetch,
  sdkClient,
  startTestEmulator,
} from '../fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let client: WebSiteManagementClient;
let f: EmuFetch;
const rg = 'rg-demo';
const app = 'app-demo';
const poll = { updateIntervalInMs: 50 };
const toProduction = { targetSlot: 'production', preserveVnet: true };

const initialSettings = {
  // ENVIRONMENT and REHEARSAL_TOKENS are slot settings (sticky); REHEARSAL_STEPS and FEATURE move.
  production: {
    ENVIRONMENT: 'production',
    REHEARSAL_TOKENS: '100',
    REHEARSAL_STEPS: '1',
    FEATURE: 'old',
  },
  staging: { ENVIRONMENT: 'staging', REHEARSAL_TOKENS: '7', REHEARSAL_STEPS: '3', FEATURE: 'new' },
};

async function agent(url: string): Promise<{ tokens: number; steps: number }> {
  const res = await f(`${url}/v1/agent/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: 'ping' }),
  });
  const body = (await res.json()) as { usage: { model_tokens: number }; steps: unknown[] };
  return { tokens: body.usage.model_tokens, steps: body.steps.length };
}

async function version(
  baseUrl: string,
  init: RequestInit & { query?: string } = {},
): Promise<{ version: string; cookie: string | null }> {
  const res = await f(`${baseUrl}/healthz${init.query ?? ''}`, init);
  const body = (await res.json()) as { version: string };
  return { version: body.version, cookie: res.headers.get('set-cookie') };
}

async function settingsOf(slot: string): Promise<Record<string, string>> {
  const dict =
    slot === 'production'
      ? await client.webApps.listApplicationSettings(rg, app)
      : await client.webApps.listApplicationSettingsSlot(rg, app, slot);
  return dict.properties ?? {};
}

beforeAll(async () => {
  emu = await startTestEmulator({
    apps: [
      {
        name: app,
        slots: ['staging'],
        appSettings: initialSettings,
        slotSettingNames: ['ENVIRONMENT', 'REHEARSAL_TOKENS'],
      },
    ],
    // Bounds the warm-up of every swap here, including those meant to succeed on a busy machine.
    timings: { swapWarmupTimeoutMs: 6_000 },
  });
  f = emulatorFetch(emu);
  client = sdkClient(emu);
});

afterAll(async () => {
  await f?.close();
  await emu?.stop();
});

/** Every test starts from: production runs 1.0.0, staging runs 2.0.0, settings as above. */
beforeEach(async () => {
  emu.faults.clear();
  for (const [slot, settings] of Object.entries(initialSettings)) {
    const current = (await emu.state()).slots[slot]!.appSettings;
    await emu.setAppSettings({
      slot,
      set: settings,
      remove: current.filter((n) => !(n in settings)),
      restart: false,
    });
  }
  await client.webApps.updateConfiguration(rg, app, { experiments: { rampUpRules: [] } });
  await deployVersion(emu, { slot: 'production', version: '1.0.0' });
  await deployVersion(emu, { slot: 'staging', version: '2.0.0' });
});

describe('swap semantics', () => {
  it('keeps slot settings with the slot and moves the others with the content', async () => {
    await client.webApps.swapSlot(rg, app, 'staging', toProduction, poll);
    const state = await emu.state();
    expect(state.production.version).toBe('2.0.0');
    expect(state.slots.staging!.version).toBe('1.0.0');

    expect(await settingsOf('production')).toEqual({
      ENVIRONMENT: 'production',
      REHEARSAL_TOKENS: '100',
      REHEARSAL_STEPS: '3',
      FEATURE: 'new',
    });
    expect(await settingsOf('staging')).toEqual({
      ENVIRONMENT: 'staging',
      REHEARSAL_TOKENS: '7',
      REHEARSAL_STEPS: '1',
      FEATURE: 'old',
    });
    // And the running processes really got them: tokens are sticky, steps travelled.
    expect(await agent(state.production.hostUrl)).toEqual({ tokens: 100, steps: 3 });
    expect(await agent(state.slots.staging!.hostUrl)).toEqual({ tokens: 7, steps: 1 });
  });

  it('connection strings: sticky ones stay, the others travel, and the process sees both', async () => {
    const sticky = await client.webApps.listSlotConfigurationNames(rg, app);
    const put = (
      slot: string,
      strings: Record<string, { value: string; type: 'SQLAzure' | 'Custom' }>,
    ) => client.webApps.updateConnectionStringsSlot(rg, app, slot, { properties: strings });
    await client.webApps.updateSlotConfigurationNames(rg, app, {
      ...sticky,
      connectionStringNames: ['Db'],
    });
    await put('production', {
      Db: { value: 'Server=prod', type: 'SQLAzure' },
      Cache: { value: 'cache-old', type: 'Custom' },
    });
    await put('staging', {
      Db: { value: 'Server=staging', type: 'SQLAzure' },
      Cache: { value: 'cache-new', type: 'Custom' },
    });
    try {
      await client.webApps.swapSlot(rg, app, 'staging', toProduction, poll);
      const production = await client.webApps.listConnectionStrings(rg, app);
      expect(production.properties).toEqual({
        Db: { value: 'Server=prod', type: 'SQLAzure' },
        Cache: { value: 'cache-new', type: 'Custom' },
      });
      const staging = await client.webApps.listConnectionStringsSlot(rg, app, 'staging');
      expect(staging.properties).toEqual({
        Db: { value: 'Server=staging', type: 'SQLAzure' },
        Cache: { value: 'cache-old', type: 'Custom' },
      });
      const state = await emu.state();
      const seen = await f(`${state.production.hostUrl}/connection-strings`);
      expect(await seen.json()).toEqual({
        SQLAZURECONNSTR_Db: 'Server=prod',
        CUSTOMCONNSTR_Cache: 'cache-new',
      });
    } finally {
      await put('production', {});
      await put('staging', {});
      await client.webApps.updateSlotConfigurationNames(rg, app, sticky);
    }
  });

  it('fails the swap when warm-up answers a status outside WEBSITE_SWAP_WARMUP_PING_STATUSES, leaving production on the old build', async () => {
    await emu.setAppSettings({
      slot: 'staging',
      set: {
        WEBSITE_SWAP_WARMUP_PING_PATH: '/readyz',
        WEBSITE_SWAP_WARMUP_PING_STATUSES: '200',
        REHEARSAL_FAIL_READY: 'true',
      },
    });
    const before = await emu.state();
    await expect(client.webApps.swapSlot(rg, app, 'staging', toProduction, poll)).rejects.toThrow(
      /application initialization/,
    );
    const after = await emu.state();
    expect(after.production).toMatchObject({
      version: '1.0.0',
      deploymentId: before.production.deploymentId,
    });
    expect(after.slots.staging!.version).toBe('2.0.0');
    // The source got its own settings back.
    expect(await settingsOf('staging')).toMatchObject({
      ENVIRONMENT: 'staging',
      REHEARSAL_TOKENS: '7',
    });
    expect(await agent(after.production.hostUrl)).toEqual({ tokens: 100, steps: 1 });
  });

  it('fails the swap when warm-up never answers within the bound', async () => {
    emu.faults.add({ target: 'arm', match: 'nothing-matches-this', count: 1 });
    await emu.setAppSettings({ slot: 'staging', set: { REHEARSAL_LATENCY_MS: '60000' } });
    await expect(client.webApps.swapSlot(rg, app, 'staging', toProduction, poll)).rejects.toThrow(
      /took too long/,
    );
    expect((await emu.state()).production.version).toBe('1.0.0');
  });

  it('swaps back to restore the previous build', async () => {
    const original = (await emu.state()).production.deploymentId;
    await client.webApps.swapSlot(rg, app, 'staging', toProduction, poll);
    expect((await emu.state()).production.version).toBe('2.0.0');
    await client.webApps.swapSlot(rg, app, 'staging', toProduction, poll);
    const state = await emu.state();
    expect(state.production).toMatchObject({ version: '1.0.0', deploymentId: original });
    expect(await agent(state.production.hostUrl)).toEqual({ tokens: 100, steps: 1 });
  });

  it('previews a swap (phase 1 only), then resets it', async () => {
    const stagingUrl = (await emu.state()).slots.staging!.hostUrl;
    await client.webApps.applySlotConfigurationSlot(rg, app, 'staging', toProduction);
    // Staging now runs with production's slot settings, production is untouched.
    expect(await agent(stagingUrl)).toEqual({ tokens: 100, steps: 3 });
    let state = await emu.state();
    expect(state.apps[0]!.pendingPreview).toEqual({ source: 'staging', target: 'production' });
    expect(state.production.version).toBe('1.0.0');

    await client.webApps.resetSlotConfigurationSlot(rg, app, 'staging');
    expect(await agent(stagingUrl)).toEqual({ tokens: 7, steps: 3 });
    state = await emu.state();
    expect(state.apps[0]!.pendingPreview).toBeNull();
    expect(state.production.version).toBe('1.0.0');
  });

  it('completes a previewed swap with slotsswap', async () => {
    await client.webApps.applySlotConfigurationSlot(rg, app, 'staging', toProduction);
    await client.webApps.swapSlot(rg, app, 'staging', toProduction, poll);
    const state = await emu.state();
    expect(state.production.version).toBe('2.0.0');
    expect(state.apps[0]!.pendingPreview).toBeNull();
    expect(await agent(state.production.hostUrl)).toEqual({ tokens: 100, steps: 3 });
  });

  it('routes production requests to a slot with x-ms-routing-name (query pins a cookie)', async () => {
    const prod = (await emu.state()).production.hostUrl;
    const viaQuery = await version(prod, { query: '?x-ms-routing-name=staging' });
    expect(viaQuery.version).toBe('2.0.0');
    expect(viaQuery.cookie).toMatch(/^x-ms-routing-name=staging;/);
    expect(
      (await version(prod, { headers: { cookie: 'x-ms-routing-name=staging' } })).version,
    ).toBe('2.0.0');
    expect((await version(prod, { headers: { cookie: 'x-ms-routing-name=self' } })).version).toBe(
      '1.0.0',
    );
    expect((await version(prod)).version).toBe('1.0.0');
  });

  it('splits production traffic by rampUpRules within ±5 % over 1000 requests', async () => {
    const state = await emu.state();
    await client.webApps.updateConfiguration(rg, app, {
      experiments: {
        rampUpRules: [
          {
            name: 'staging',
            actionHostName: state.slots.staging!.hostUrl.slice(8),
            reroutePercentage: 20,
          },
        ],
      },
    });
    const counts: Record<string, number> = {};
    let cookies = 0;
    for (let batch = 0; batch < 100; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => version(state.production.hostUrl)),
      );
      for (const a of answers) {
        counts[a.version] = (counts[a.version] ?? 0) + 1;
        if (a.cookie?.startsWith('x-ms-routing-name=')) cookies += 1;
      }
    }
    expect((counts['1.0.0'] ?? 0) + (counts['2.0.0'] ?? 0)).toBe(1000);
    expect(Math.abs((counts['2.0.0'] ?? 0) / 1000 - 0.2)).toBeLessThanOrEqual(0.05);
    // Every routed client is pinned with the cookie, as App Service does.
    expect(cookies).toBe(1000);
  });
});
