// Azure Resource Manager for the Microsoft.Web calls that @azure/arm-appservice v19 (api-version
// 2025-05-01) and the az CLI (2022-03-01) make, plus the subscription/resource group reads of `az login`.
// Wire models nest under `properties`; errors use ARM's envelope; swaps are LROs with
// Azure-AsyncOperation + Location + retry hints.
import { randomUUID } from 'node:crypto';
import type { Context } from './context.ts';
import { accessTokenProblem } from './entra.ts';
import { armError, bearerToken, readJson, sendJson, sendText } from './http.ts';
import type { Req, Res } from './http.ts';
import { PRODUCTION, hostOf, siteId, slotId, splitSettings } from './model.ts';
import type { Site, Slot } from './model.ts';
import { assertWritable, findSite, findSlot, isArmFailure, restartSlot } from './slots.ts';
import { resetPreview, swapSlots } from './swap.ts';

export type SlotFactory = (site: Site, name: string, clone?: Slot) => Promise<Slot>;
export type SlotRemover = (site: Site, slot: Slot) => Promise<void>;

type Operation = {
  id: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
  startTime: string;
  endTime?: string;
};

const operations = new WeakMap<Context, Map<string, Operation>>();

function opsOf(ctx: Context): Map<string, Operation> {
  let ops = operations.get(ctx);
  if (!ops) operations.set(ctx, (ops = new Map()));
  return ops;
}

function siteJson(site: Site, slot: Slot): unknown {
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
      slotSwapStatus: site.lastSwap,
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

function configJson(site: Site, slot: Slot): unknown {
  return {
    id: `${slotId(site, slot)}/config/web`,
    name: 'web',
    type:
      slot.name === PRODUCTION ? 'Microsoft.Web/sites/config' : 'Microsoft.Web/sites/slots/config',
    location: site.location,
    properties: {
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
    },
  };
}

function settingsJson(site: Site, slot: Slot): unknown {
  return {
    id: `${slotId(site, slot)}/config/appsettings`,
    name: 'appsettings',
    type: 'Microsoft.Web/sites/config',
    location: site.location,
    properties: { ...slot.appSettings },
  };
}

function publishXml(site: Site, slot: Slot): string {
  const app = hostOf(slot.appPort);
  const scm = hostOf(slot.scmPort);
  const esc = (s: string): string =>
    s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const profile = (method: string, url: string): string =>
    `<publishProfile profileName="${esc(site.name)} - ${method}" publishMethod="${method}" publishUrl="${esc(url)}" msdeploySite="${esc(site.name)}" userName="${esc(slot.publishingUser)}" userPWD="${esc(slot.publishingPassword)}" destinationAppUrl="https://${app}" SQLServerDBConnectionString="" mySQLDBConnectionString="" hostingProviderForumLink="" controlPanelLink="" webSystem="WebSites"><databases /></publishProfile>`;
  return `<publishData>${profile('MSDeploy', scm)}${profile('ZipDeploy', scm)}</publishData>`;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function settingsBody(body: unknown): Record<string, string> | undefined {
  const props = (body as { properties?: unknown } | undefined)?.properties;
  if (!props || typeof props !== 'object' || Array.isArray(props)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (v !== null && v !== undefined) out[k] = String(v);
  return out;
}

function targetSlotOf(body: unknown): string | undefined {
  const t = (body as { targetSlot?: unknown } | undefined)?.targetSlot;
  return typeof t === 'string' && t ? t : undefined;
}

/**
 * Poll hints: az honours `retry-after-ms` (else waits 30 s); the SDK reads only `Retry-After`, in whole
 * seconds, so below one second it is left out and the SDK's own `updateIntervalInMs` applies.
 */
function retryHeaders(ctx: Context): Record<string, string> {
  const ms = ctx.timings.lroPollMs;
  return {
    'retry-after-ms': String(ms),
    ...(ms >= 1000 ? { 'Retry-After': String(Math.round(ms / 1000)) } : {}),
  };
}

/** Starts a swap as an LRO; poll answers come from handleOperation. */
function startSwapOperation(ctx: Context, site: Site, res: Res, run: () => Promise<void>): void {
  const ops = opsOf(ctx);
  const op: Operation = {
    id: randomUUID(),
    status: 'InProgress',
    startTime: new Date().toISOString(),
  };
  ops.set(op.id, op);
  site.busy = 'SwapSiteSlots';
  run()
    .then(() => {
      op.status = 'Succeeded';
    })
    .catch((err: unknown) => {
      op.status = 'Failed';
      op.error = isArmFailure(err)
        ? { code: err.code, message: err.message }
        : { code: 'InternalServerError', message: String(err) };
      ctx.log(`swap ${site.name} failed: ${op.error.message}`);
    })
    .finally(() => {
      op.endTime = new Date().toISOString();
      site.busy = null;
    });
  const base = `${ctx.baseUrl}${siteId(site)}`;
  sendText(res, 202, '', 'application/json', {
    'Azure-AsyncOperation': `${base}/operations/${op.id}?api-version=2025-05-01`,
    Location: `${base}/operationresults/${op.id}?api-version=2025-05-01`,
    ...retryHeaders(ctx),
  });
}

function handleOperation(ctx: Context, res: Res, kind: string, id: string): void {
  const op = opsOf(ctx).get(id);
  if (!op) return armError(res, 404, 'NotFound', `Operation '${id}' not found.`);
  const retry = retryHeaders(ctx);
  if (kind === 'operations') {
    // Azure-AsyncOperation status resource: always 200, the body says how it went.
    return sendJson(
      res,
      200,
      {
        id,
        name: id,
        status: op.status,
        startTime: op.startTime,
        endTime: op.endTime,
        error: op.error,
      },
      op.status === 'InProgress' ? retry : {},
    );
  }
  if (op.status === 'InProgress') return sendText(res, 202, '', 'application/json', retry);
  if (op.status === 'Failed') return armError(res, 409, op.error!.code, op.error!.message);
  sendJson(res, 200, {});
}

function subscriptionJson(ctx: Context, sub: string): unknown {
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

function resourceGroupJson(sub: string, rg: string, location: string): unknown {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}`,
    name: rg,
    type: 'Microsoft.Resources/resourceGroups',
    location,
    properties: { provisioningState: 'Succeeded' },
  };
}

/** `az cloud register` autodetect (GET /metadata/endpoints). */
function metadataEndpoints(ctx: Context): unknown {
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

async function siteRoute(
  ctx: Context,
  req: Req,
  res: Res,
  site: Site,
  slotName: string | undefined,
  rest: string,
  factory: { create: SlotFactory; remove: SlotRemover },
): Promise<void> {
  const method = req.method ?? 'GET';
  const slot = findSlot(site, slotName);
  const body = method === 'GET' || method === 'DELETE' ? {} : await readJson(req);
  if (body === undefined)
    return armError(
      res,
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.',
    );
  const notFoundSlot = (): void =>
    armError(
      res,
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Web/sites/${site.name}/slots/${slotName}' under resource group '${site.resourceGroup}' was not found.`,
    );

  if (rest === '' && method === 'PUT' && slotName) {
    if (slotName.toLowerCase() === PRODUCTION)
      return armError(res, 400, 'BadRequest', "'production' is a reserved slot name.");
    assertWritable(site, slot);
    const props =
      (body as { properties?: { cloningInfo?: { sourceWebAppId?: string } } }).properties ?? {};
    let clone: Slot | undefined;
    const sourceId = props.cloningInfo?.sourceWebAppId;
    if (sourceId) {
      const m = /\/sites\/([^/]+)(?:\/slots\/([^/]+))?$/i.exec(sourceId);
      clone =
        m && m[1]?.toLowerCase() === site.name.toLowerCase() ? findSlot(site, m[2]) : undefined;
      if (!clone) return armError(res, 400, 'BadRequest', `Cannot clone from '${sourceId}'.`);
    }
    const created = slot ?? (await factory.create(site, slotName.toLowerCase(), clone));
    return sendJson(res, slot ? 200 : 201, siteJson(site, created));
  }
  if (!slot) return notFoundSlot();
  const isProd = slot.name === PRODUCTION;

  switch (`${method} ${rest.toLowerCase()}`) {
    case 'GET ':
      return sendJson(res, 200, siteJson(site, slot));
    case 'DELETE ':
      if (isProd)
        return armError(
          res,
          400,
          'BadRequest',
          'Deleting the site is not supported by the emulator.',
        );
      assertWritable(site, slot);
      await factory.remove(site, slot);
      return sendJson(res, 200, {});
    case 'GET /slots':
      if (!isProd) break;
      return sendJson(res, 200, {
        value: [...site.slots.values()]
          .filter((s) => s.name !== PRODUCTION)
          .map((s) => siteJson(site, s)),
        nextLink: null,
      });
    case 'POST /slotsswap': {
      const targetSlot = targetSlotOf(body);
      if (!targetSlot)
        return armError(res, 400, 'BadRequest', "Parameter 'targetSlot' is required.");
      if (site.busy) assertWritable(site, undefined);
      // sites/{name}/slotsswap swaps production (source) with targetSlot; slots/{slot}/slotsswap swaps slot → targetSlot.
      const source = slot.name;
      return startSwapOperation(ctx, site, res, () =>
        swapSlots(ctx, site, source, targetSlot.toLowerCase(), 'swap'),
      );
    }
    case 'POST /applyslotconfig': {
      const targetSlot = targetSlotOf(body);
      if (!targetSlot)
        return armError(res, 400, 'BadRequest', "Parameter 'targetSlot' is required.");
      if (site.busy) assertWritable(site, undefined);
      // Azure CLI form: POST sites/{name}/applySlotConfig {targetSlot: <source slot>} previews <source> → production.
      const [source, target] = isProd
        ? [targetSlot.toLowerCase(), PRODUCTION]
        : [slot.name, targetSlot.toLowerCase()];
      site.busy = 'ApplySlotConfig';
      try {
        await swapSlots(ctx, site, source, target, 'preview');
      } finally {
        site.busy = null;
      }
      return sendJson(res, 200, {});
    }
    case 'POST /resetslotconfig':
      if (site.busy) assertWritable(site, undefined);
      await resetPreview(ctx, site);
      return sendJson(res, 200, {});
    case 'GET /config/slotconfignames':
      if (!isProd) break;
      return sendJson(res, 200, {
        id: `${siteId(site)}/config/slotConfigNames`,
        name: 'slotConfigNames',
        type: 'Microsoft.Web/sites/config',
        properties: { ...site.slotConfigNames, azureStorageConfigNames: null },
      });
    case 'PUT /config/slotconfignames': {
      if (!isProd) break;
      assertWritable(site, undefined);
      const props = (body as { properties?: Record<string, unknown> }).properties ?? {};
      site.slotConfigNames = {
        appSettingNames: stringArray(props.appSettingNames),
        connectionStringNames: stringArray(props.connectionStringNames),
      };
      return sendJson(res, 200, {
        id: `${siteId(site)}/config/slotConfigNames`,
        name: 'slotConfigNames',
        type: 'Microsoft.Web/sites/config',
        properties: { ...site.slotConfigNames, azureStorageConfigNames: null },
      });
    }
    case 'POST /config/appsettings/list':
      return sendJson(res, 200, settingsJson(site, slot));
    case 'PUT /config/appsettings': {
      const settings = settingsBody(body);
      if (!settings)
        return armError(res, 400, 'BadRequest', "Body must be { properties: { NAME: 'value' } }.");
      assertWritable(site, slot);
      slot.appSettings = settings;
      await restartSlot(ctx, site, slot);
      return sendJson(res, 200, settingsJson(site, slot));
    }
    case 'POST /config/connectionstrings/list':
      return sendJson(res, 200, {
        id: `${slotId(site, slot)}/config/connectionstrings`,
        name: 'connectionstrings',
        type: 'Microsoft.Web/sites/config',
        properties: {},
      });
    case 'GET /config/web':
      return sendJson(res, 200, configJson(site, slot));
    case 'PATCH /config/web':
    case 'PUT /config/web': {
      assertWritable(site, slot);
      const props = (body as { properties?: Record<string, unknown> }).properties ?? {};
      const { appSettings, ...config } = props;
      if (method === 'PUT') slot.siteConfig = {};
      for (const [k, v] of Object.entries(config)) if (v !== undefined) slot.siteConfig[k] = v;
      if (Array.isArray(appSettings)) {
        // config/web can carry app settings as NameValuePair[]; the platform merges them in.
        for (const pair of appSettings as Array<{ name?: string; value?: string }>) {
          if (pair.name) slot.appSettings[pair.name] = String(pair.value ?? '');
        }
      }
      if ('experiments' in config) slot.ramp = { seen: 0, routed: {} };
      if ('healthCheckPath' in config || Array.isArray(appSettings))
        await restartSlot(ctx, site, slot);
      return sendJson(res, 200, configJson(site, slot));
    }
    case 'PUT /config/logs':
      return sendJson(res, 200, {
        id: `${slotId(site, slot)}/config/logs`,
        name: 'logs',
        type: 'Microsoft.Web/sites/config',
        properties: (body as { properties?: unknown }).properties ?? {},
      });
    case 'POST /config/publishingcredentials/list':
      return sendJson(res, 200, {
        id: `${slotId(site, slot)}/config/publishingcredentials`,
        name: 'publishingcredentials',
        type: 'Microsoft.Web/sites/config',
        properties: {
          name: site.name,
          publishingUserName: slot.publishingUser,
          publishingPassword: slot.publishingPassword,
          scmUri: `https://${encodeURIComponent(slot.publishingUser)}:${slot.publishingPassword}@${hostOf(slot.scmPort)}`,
        },
      });
    case 'POST /publishxml':
      return sendText(res, 200, publishXml(site, slot), 'application/xml');
    case 'GET /basicpublishingcredentialspolicies/scm':
    case 'GET /basicpublishingcredentialspolicies/ftp':
      return sendJson(res, 200, {
        id: `${slotId(site, slot)}${rest}`,
        name: rest.split('/').pop(),
        type: 'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
        properties: { allow: true },
      });
    case 'POST /restart':
      assertWritable(site, undefined);
      await restartSlot(ctx, site, slot);
      return sendJson(res, 200, {});
    case 'POST /stop':
      assertWritable(site, undefined);
      slot.enabled = false;
      await slot.runtime.stop();
      return sendJson(res, 200, {});
    case 'POST /start':
      assertWritable(site, undefined);
      slot.enabled = true;
      await restartSlot(ctx, site, slot);
      return sendJson(res, 200, {});
    case 'POST /slotsdiffs': {
      const targetSlot = findSlot(site, targetSlotOf(body)?.toLowerCase());
      if (!targetSlot) return notFoundSlot();
      const mine = splitSettings(site, slot.appSettings).moving;
      const theirs = splitSettings(site, targetSlot.appSettings).moving;
      const names = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].filter(
        (n) => mine[n] !== theirs[n],
      );
      return sendJson(res, 200, {
        value: names.map((n) => ({
          id: n,
          name: n,
          type: 'Microsoft.Web/sites/slots/slotsdiffs',
          properties: {
            type: 'General',
            settingType: 'AppSetting',
            diffRule: 'SettingsWillBeModifiedInDestination',
            settingName: n,
            valueInCurrentSlot: '<hidden>',
            valueInTargetSlot: '<hidden>',
            description: `${n} differs`,
          },
        })),
        nextLink: null,
      });
    }
  }
  const op = /^\/(operations|operationresults)\/([^/]+)$/i.exec(rest);
  if (op && method === 'GET' && isProd)
    return handleOperation(ctx, res, op[1]!.toLowerCase(), op[2]!);
  armError(
    res,
    404,
    'NotFound',
    `No route for ${method} ${slotId(site, slot)}${rest} in the emulator.`,
  );
}

export async function handleArm(
  ctx: Context,
  req: Req,
  res: Res,
  url: URL,
  factory: { create: SlotFactory; remove: SlotRemover },
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  if (path === '/metadata/endpoints' && method === 'GET') {
    sendJson(res, 200, metadataEndpoints(ctx));
    return true;
  }
  if (!/^\/(subscriptions|tenants)(\/|$)/i.test(path)) return false;
  const problem = accessTokenProblem(ctx, bearerToken(req));
  if (problem) {
    req.resume();
    const message =
      problem === 'expired'
        ? 'The access token has expired. Acquire a new one and retry.'
        : problem === 'missing'
          ? 'The request did not have a subscription or a valid tenant level resource provider.'
          : 'The access token is invalid.';
    armError(
      res,
      401,
      problem === 'missing'
        ? 'AuthenticationFailed'
        : problem === 'expired'
          ? 'ExpiredAuthenticationToken'
          : 'InvalidAuthenticationToken',
      message,
      {
        'WWW-Authenticate': `Bearer authorization_uri="${ctx.baseUrl}/${ctx.tenantId}", error="invalid_token", error_description="${message}"`,
      },
    );
    return true;
  }
  if (!url.searchParams.get('api-version')) {
    req.resume();
    armError(
      res,
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
    return true;
  }
  try {
    await armRoute(ctx, req, res, path, factory);
  } catch (err) {
    if (res.headersSent) return true;
    if (isArmFailure(err)) armError(res, err.status, err.code, err.message);
    else armError(res, 500, 'InternalServerError', String(err));
  }
  return true;
}

async function armRoute(
  ctx: Context,
  req: Req,
  res: Res,
  path: string,
  factory: { create: SlotFactory; remove: SlotRemover },
): Promise<void> {
  const method = req.method ?? 'GET';
  const subs = [...new Set(ctx.sites.map((s) => s.subscriptionId))];
  if (method === 'GET' && /^\/subscriptions$/i.test(path)) {
    return sendJson(res, 200, { value: subs.map((s) => subscriptionJson(ctx, s)) });
  }
  if (method === 'GET' && /^\/tenants$/i.test(path)) {
    return sendJson(res, 200, {
      value: [
        {
          id: `/tenants/${ctx.tenantId}`,
          tenantId: ctx.tenantId,
          tenantCategory: 'Home',
          displayName: 'Emulator',
        },
      ],
    });
  }
  const subMatch = /^\/subscriptions\/([^/]+)(.*)$/i.exec(path);
  if (!subMatch) return armError(res, 404, 'NotFound', `No route for ${method} ${path}.`);
  const sub = subMatch[1]!;
  const subRest = subMatch[2]!;
  if (!subs.some((s) => s.toLowerCase() === sub.toLowerCase())) {
    req.resume();
    return armError(
      res,
      404,
      'SubscriptionNotFound',
      `The subscription '${sub}' could not be found.`,
    );
  }
  if (method === 'GET' && subRest === '') return sendJson(res, 200, subscriptionJson(ctx, sub));
  const sitesOf = (rg?: string): Site[] =>
    ctx.sites.filter(
      (s) =>
        s.subscriptionId.toLowerCase() === sub.toLowerCase() &&
        (!rg || s.resourceGroup.toLowerCase() === rg.toLowerCase()),
    );
  if (method === 'GET' && /^\/resourcegroups$/i.test(subRest)) {
    const rgs = [...new Set(sitesOf().map((s) => s.resourceGroup))];
    return sendJson(res, 200, {
      value: rgs.map((rg) => resourceGroupJson(sub, rg, sitesOf(rg)[0]!.location)),
    });
  }
  if (method === 'GET' && /^\/providers\/microsoft\.web\/sites$/i.test(subRest)) {
    return sendJson(res, 200, {
      value: sitesOf().map((s) => siteJson(s, s.slots.get(PRODUCTION)!)),
      nextLink: null,
    });
  }
  const rgMatch = /^\/resourcegroups\/([^/]+)(.*)$/i.exec(subRest);
  if (!rgMatch) return armError(res, 404, 'NotFound', `No route for ${method} ${path}.`);
  const rg = rgMatch[1]!;
  const rgRest = rgMatch[2]!;
  if (sitesOf(rg).length === 0) {
    req.resume();
    return armError(
      res,
      404,
      'ResourceGroupNotFound',
      `Resource group '${rg}' could not be found.`,
    );
  }
  if (method === 'GET' && rgRest === '')
    return sendJson(res, 200, resourceGroupJson(sub, rg, sitesOf(rg)[0]!.location));
  if (method === 'GET' && /^\/providers\/microsoft\.web\/sites$/i.test(rgRest)) {
    return sendJson(res, 200, {
      value: sitesOf(rg).map((s) => siteJson(s, s.slots.get(PRODUCTION)!)),
      nextLink: null,
    });
  }
  const siteMatch =
    /^\/providers\/microsoft\.web\/sites\/([^/]+)(?:\/slots\/([^/]+))?(\/.*)?$/i.exec(rgRest);
  if (!siteMatch) return armError(res, 404, 'NotFound', `No route for ${method} ${path}.`);
  const site = findSite(ctx, sub, rg, siteMatch[1]!);
  if (!site) {
    req.resume();
    return armError(
      res,
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Web/sites/${siteMatch[1]}' under resource group '${rg}' was not found.`,
    );
  }
  await siteRoute(ctx, req, res, site, siteMatch[2], siteMatch[3] ?? '', factory);
}
