// SDK conformance: the official @azure/arm-appservice v19 client, authenticated by @azure/identity
// against the emulator's Entra endpoint, drives every ARM operation the action relies on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { WebSiteManagementClient } from '@azure/arm-appservice';
import { appPidsUnder, deployVersion, sdkClient, startTestEmulator } from '../fixtures/emulator.ts';
import type { TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let client: WebSiteManagementClient;
const rg = 'rg-demo';
const app = 'app-demo';
const poll = { updateIntervalInMs: 50 };

beforeAll(async () => {
  emu = await startTestEmulator({
    apps: [
      {
        name: app,
        slots: ['staging'],
        appSettings: {
          production: { ENVIRONMENT: 'prod', FEATURE: 'old' },
          staging: { ENVIRONMENT: 'staging', FEATURE: 'new' },
        },
        slotSettingNames: ['ENVIRONMENT'],
      },
    ],
  });
  client = sdkClient(emu);
  await deployVersion(emu, { slot: 'production', version: '1.0.0' });
  await deployVersion(emu, { slot: 'staging', version: '2.0.0' });
});

afterAll(async () => {
  await emu?.stop();
});

describe('@azure/arm-appservice v19 against the emulator', () => {
  it('reads the site and a slot, with host names Kudu clients can use', async () => {
    const site = await client.webApps.get(rg, app);
    expect(site.name).toBe(app);
    expect(site.state).toBe('Running');
    const slot = await client.webApps.getSlot(rg, app, 'staging');
    expect(slot.name).toBe(`${app}/staging`);
    expect(`https://${slot.defaultHostName}`).toBe((await emu.state()).slots.staging!.hostUrl);
    const types = slot.hostNameSslStates?.map((h) => h.hostType).sort();
    expect(types).toEqual(['Repository', 'Standard']);
  });

  it('answers 404 with the ARM error envelope for an unknown slot', async () => {
    await expect(client.webApps.getSlot(rg, app, 'nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
  });

  it('lists slots without production', async () => {
    const names: string[] = [];
    for await (const s of client.webApps.listSlots(rg, app)) names.push(s.name!.split('/').pop()!);
    expect(names).toEqual(['staging']);
  });

  it('creates a slot cloning production config, then deletes it', async () => {
    const prod = await client.webApps.get(rg, app);
    const created = await client.webApps.createOrUpdateSlot(
      rg,
      app,
      'pr-7',
      { location: prod.location, cloningInfo: { sourceWebAppId: prod.id! } },
      poll,
    );
    expect(created.name).toBe(`${app}/pr-7`);
    const settings = await client.webApps.listApplicationSettingsSlot(rg, app, 'pr-7');
    // Cloning copies the swappable settings, not the sticky ones.
    expect(settings.properties).toEqual({ FEATURE: 'old' });
    await client.webApps.deleteSlot(rg, app, 'pr-7');
    await expect(client.webApps.getSlot(rg, app, 'pr-7')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('reads and writes slotConfigNames and app settings per slot', async () => {
    const names = await client.webApps.listSlotConfigurationNames(rg, app);
    expect(names.appSettingNames).toEqual(['ENVIRONMENT']);
    const updated = await client.webApps.updateSlotConfigurationNames(rg, app, {
      appSettingNames: ['ENVIRONMENT', 'STICKY_ONLY'],
    });
    expect(updated.appSettingNames).toEqual(['ENVIRONMENT', 'STICKY_ONLY']);
    const current = await client.webApps.listApplicationSettingsSlot(rg, app, 'staging');
    await client.webApps.updateApplicationSettingsSlot(rg, app, 'staging', {
      properties: { ...current.properties, STICKY_ONLY: 'staging-only' },
    });
    const after = await client.webApps.listApplicationSettingsSlot(rg, app, 'staging');
    expect(after.properties).toMatchObject({ ENVIRONMENT: 'staging', STICKY_ONLY: 'staging-only' });
    expect((await emu.state()).slots.staging!.appSettings).toContain('STICKY_ONLY');
    const prod = await client.webApps.listApplicationSettings(rg, app);
    expect(prod.properties).toEqual({ ENVIRONMENT: 'prod', FEATURE: 'old' });
  });

  it('gets and patches site config: healthCheckPath and ramp-up rules', async () => {
    await client.webApps.updateConfigurationSlot(rg, app, 'staging', {
      healthCheckPath: '/healthz',
    });
    expect((await client.webApps.getConfigurationSlot(rg, app, 'staging')).healthCheckPath).toBe(
      '/healthz',
    );
    const staging = await client.webApps.getSlot(rg, app, 'staging');
    await client.webApps.updateConfiguration(rg, app, {
      experiments: {
        rampUpRules: [
          { name: 'staging', actionHostName: staging.defaultHostName, reroutePercentage: 10 },
        ],
      },
    });
    const config = await client.webApps.getConfiguration(rg, app);
    expect(config.experiments?.rampUpRules?.[0]).toMatchObject({
      name: 'staging',
      reroutePercentage: 10,
    });
    await client.webApps.updateConfiguration(rg, app, { experiments: { rampUpRules: [] } });
  });

  it('restarts a slot and production, keeping what they serve', async () => {
    const before = (await emu.state()).slots.staging!;
    const pidsBefore = appPidsUnder(emu.workDir);
    await client.webApps.restartSlot(rg, app, 'staging');
    await client.webApps.restart(rg, app);
    const after = await emu.state();
    // Really restarted: none of the processes from before still runs.
    expect(pidsBefore).toHaveLength(2);
    expect(appPidsUnder(emu.workDir).filter((pid) => pidsBefore.includes(pid))).toEqual([]);
    expect(after.slots.staging).toMatchObject({ version: before.version, processState: 'running' });
    expect(after.production.version).toBe('1.0.0');
  });

  it('lists publishing credentials of a slot (LRO answered at once)', async () => {
    const user = await client.webApps.listPublishingCredentialsSlot(rg, app, 'staging', poll);
    expect(user.publishingUserName).toBe(`$${app}__staging`);
    expect(user.publishingPassword).toBeTruthy();
  });

  it('previews a swap (applySlotConfig), then resets it', async () => {
    await client.webApps.applySlotConfigurationSlot(rg, app, 'staging', {
      targetSlot: 'production',
      preserveVnet: true,
    });
    const pending = await emu.state();
    expect(pending.apps[0]!.pendingPreview).toEqual({ source: 'staging', target: 'production' });
    // Writes to a slot prepared for swap are refused, as on Azure.
    await expect(client.webApps.restartSlot(rg, app, 'staging')).resolves.toBeUndefined();
    await expect(
      client.webApps.updateApplicationSettingsSlot(rg, app, 'staging', { properties: {} }),
    ).rejects.toMatchObject({ statusCode: 409 });
    await client.webApps.resetSlotConfigurationSlot(rg, app, 'staging');
    expect((await emu.state()).apps[0]!.pendingPreview).toBeNull();
    await client.webApps.applySlotConfigToProduction(rg, app, {
      targetSlot: 'staging',
      preserveVnet: true,
    });
    await client.webApps.resetProductionSlotConfig(rg, app);
    expect((await emu.state()).apps[0]!.pendingPreview).toBeNull();
  });

  it('swaps staging into production as a long-running operation, and back', async () => {
    await client.webApps.swapSlot(
      rg,
      app,
      'staging',
      { targetSlot: 'production', preserveVnet: true },
      poll,
    );
    let state = await emu.state();
    expect(state.production.version).toBe('2.0.0');
    expect(state.slots.staging!.version).toBe('1.0.0');
    await client.webApps.swapSlotWithProduction(
      rg,
      app,
      { targetSlot: 'staging', preserveVnet: true },
      poll,
    );
    state = await emu.state();
    expect(state.production.version).toBe('1.0.0');
    expect(state.slots.staging!.version).toBe('2.0.0');
    expect((await client.webApps.get(rg, app)).slotSwapStatus).toMatchObject({
      sourceSlotName: 'production',
      destinationSlotName: 'staging',
    });
  });

  it('surfaces a failed swap as a rejected poller and leaves production as it was', async () => {
    emu.faults.failNextSwap({ phase: 1 });
    await expect(
      client.webApps.swapSlot(
        rg,
        app,
        'staging',
        { targetSlot: 'production', preserveVnet: true },
        poll,
      ),
    ).rejects.toThrow(/phase 1/);
    expect((await emu.state()).production.version).toBe('1.0.0');
  });

  it('refuses a swap into a slot that does not exist before starting any operation', async () => {
    await expect(
      client.webApps.swapSlot(rg, app, 'staging', { targetSlot: 'nope', preserveVnet: true }, poll),
    ).rejects.toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('retries through a burst of 429s that carry Retry-After', async () => {
    emu.faults.add({ target: 'arm', match: 'GET', status: 429, count: 2, retryAfterSeconds: 0.05 });
    const slot = await client.webApps.getSlot(rg, app, 'staging');
    expect(slot.name).toBe(`${app}/staging`);
    expect(emu.faults.list().requests).toEqual([]);
  });

  it('retries a swap whose submission is throttled', async () => {
    emu.faults.add({
      target: 'arm',
      match: 'slotsswap',
      status: 429,
      count: 1,
      retryAfterSeconds: 0.05,
    });
    await client.webApps.swapSlot(
      rg,
      app,
      'staging',
      { targetSlot: 'production', preserveVnet: true },
      poll,
    );
    expect((await emu.state()).production.version).toBe('2.0.0');
  });
});
