// ARM wire shapes (nested under `properties`, as on the wire) for sites, slots, config and the
// subscription/resource-group reads.
import type { Context } from './context.ts';
import { PRODUCTION, hostOf, slotId } from './model.ts';
import type { Site, Slot } from './model.ts';

export function siteJson(site: Site, slot: Slot): unknown {
  const host = hostOf(slot.appPort);
  const scm = hostOf(slot.scmPort);
  const isProd = slot.name === PRODUCTION;
  return {
    id: slotId(site, slot),
    name: isProd ? site.name : `${site.name}/${slot.name}`,
    type: isProd ? 'Microsoft.Web/sites' : 'Microsoft.Web/sites/slots',
    kind: 'app,linux',
    location: site.location,
    tags: {},
    properties: {
      name: isProd ? site.name : `${site.name}(${slot.name})`,
      state: slot.enabled ? 'Running' : 'Stopped',
      enabled: slot.enabled,
      hostNames: [host],
      enabledHostNames: [host, scm],
      defaultHostName: host,
      hostNameSslStates: [
        { name: host, sslState: 'SniEnabled', hostType: 'Standard' },
        { name: scm, sslState: 'SniEnabled', hostType: 'Repository' },
      ],
      repositorySiteName: site.name,
      usageState: 'Normal',
      availabilityState: 'Normal',
      serverFarmId: `/subscriptions/${site.subscriptionId}/resourceGroups/${site.resourceGroup}/providers/Microsoft.Web/serverfarms/plan-emulator`,
      reserved: true,
      isXenon: false,
      hyperV: false,
      httpsOnly: true,
      clientAffinityEnabled: false,
      resourceGroup: site.resourceGroup,
      siteConfig: { linuxFxVersion: 'NODE|24-lts', numberOfWorkers: 1, ...pickConfig(slot) },
      slotSwapStatus: slot.lastSwap,
      targetSwapSlot:
        site.preview && site.preview.source === slot.name ? site.preview.target : null,
      outboundIpAddresses: '127.0.0.1',
      lastModifiedTimeUtc: new Date().toISOString(),
    },
  };
}

function pickConfig(slot: Slot): Record<string, unknown> {
  const { healthCheckPath } = slot.siteConfig;
  return healthCheckPath === undefined ? {} : { healthCheckPath };
}

export function configJson(site: Site, slot: Slot): unknown {
  return configResource(site, slot, 'web', {
    numberOfWorkers: 1,
    netFrameworkVersion: 'v4.0',
    linuxFxVersion: 'NODE|24-lts',
    alwaysOn: true,
    http20Enabled: true,
    minTlsVersion: '1.2',
    ftpsState: 'Disabled',
    scmType: 'None',
    healthCheckPath: null,
    autoSwapSlotName: null,
    experiments: { rampUpRules: [] },
    ...slot.siteConfig,
    appSettings: null,
  });
}

/** ARM's envelope for a `config/NAME` resource of a site or slot. */
export function configResource(site: Site, slot: Slot, name: string, properties: unknown) {
  return {
    id: `${slotId(site, slot)}/config/${name}`,
    name,
    type:
      slot.name === PRODUCTION ? 'Microsoft.Web/sites/config' : 'Microsoft.Web/sites/slots/config',
    location: site.location,
    properties,
  };
}

export function settingsJson(site: Site, slot: Slot): unknown {
  return configResource(site, slot, 'appsettings', { ...slot.appSettings });
}

export function publishXml(site: Site, slot: Slot): string {
  const app = hostOf(slot.appPort);
  const scm = hostOf(slot.scmPort);
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const profile = (method: string, url: string): string =>
    `<publishProfile profileName="${esc(site.name)} - ${method}" publishMethod="${method}" publishUrl="${esc(url)}" msdeploySite="${esc(site.name)}" userName="${esc(slot.publishingUser)}" userPWD="${esc(slot.publishingPassword)}" destinationAppUrl="https://${app}" SQLServerDBConnectionString="" mySQLDBConnectionString="" hostingProviderForumLink="" controlPanelLink="" webSystem="WebSites"><databases /></publishProfile>`;
  return `<publishData>${profile('MSDeploy', scm)}${profile('ZipDeploy', scm)}</publishData>`;
}

export function subscriptionJson(ctx: Context, sub: string): unknown {
  return {
    id: `/subscriptions/${sub}`,
    authorizationSource: 'RoleBased',
    subscriptionId: sub,
    tenantId: ctx.tenantId,
    displayName: 'Slot Release Emulator',
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

export function resourceGroupJson(sub: string, rg: string, location: string): unknown {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}`,
    name: rg,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    properties: { provisioningState: 'Succeeded' },
  };
}

/** `az cloud register` autodetect (GET /metadata/endpoints). */
export function metadataEndpoints(ctx: Context): unknown {
  return {
    galleryEndpoint: `${ctx.baseUrl}/gallery/`,
    graphEndpoint: `${ctx.baseUrl}/graph/`,
    portalEndpoint: `${ctx.baseUrl}/portal/`,
    authentication: {
      loginEndpoint: `${ctx.baseUrl}/adfs`,
      audiences: [`${ctx.baseUrl}/`, 'https://management.core.windows.net/'],
    },
  };
}
