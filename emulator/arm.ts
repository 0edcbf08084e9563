// Azure Resource Manager for the Microsoft.Web calls that @azure/arm-appservice v19 (api-version
// 2025-05-01) and the az CLI (2022-03-01) make, plus the subscription/resource group reads of `az login`.
// Wire models nest under `properties`; errors use ARM's envelope; swaps are LROs with
// Azure-AsyncOperation + Location + retry hints.
import type { Context } from './context.ts';
import {
  configJson,
  configResource,
  metadataEndpoints,
  publishXml,
  resourceGroupJson,
  settingsJson,
  siteJson,
  subscriptionJson,
} from './arm-models.ts';
import { handleOperation, startSwapOperation } from './lro.ts';
import { accessTokenProblem } from './entra.ts';
import { armError, bearerToken, readJson, sendJson, sendText } from './http.ts';
import type { Req, Res } from './http.ts';
import { PRODUCTION, configOf, hostOf, slotId, splitConfig } from './model.ts';
import type { ConnectionString, Site, Slot } from './model.ts';
import { assertWritable, findSite, findSlot, isArmFailure, restartSlot } from './slots.ts';
import { resetPreview, swapSlots } from './swap.ts';

export type SlotFactory = (site: Site, name: string, clone?: Slot) => Promise<Slot>;
export type SlotRemover = (site: Site, slot: Slot) => Promise<void>;

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

/** `{ properties: { NAME: { value, type } } }` → the slot's connection strings, or undefined. */
function connectionStringsBody(body: unknown): Record<string, ConnectionString> | undefined {
  const props = (body as { properties?: unknown } | undefined)?.properties;
  if (!props || typeof props !== 'object' || Array.isArray(props)) return undefined;
  const out: Record<string, ConnectionString> = {};
  for (const [name, pair] of Object.entries(props)) {
    if (!pair || typeof pair !== 'object') return undefined;
    const { value, type } = pair as { value?: unknown; type?: unknown };
    if (typeof type !== 'string') return undefined;
    out[name] = { value: value === null || value === undefined ? '' : String(value), type };
  }
  return out;
}

function connectionStringsJson(site: Site, slot: Slot) {
  return configResource(site, slot, 'connectionstrings', structuredClone(slot.connectionStrings));
}

function slotConfigNamesJson(site: Site, production: Slot) {
  return configResource(site, production, 'slotConfigNames', {
    ...site.slotConfigNames,
    azureStorageConfigNames: null,
  });
}

function targetSlotOf(body: unknown): string | undefined {
  const t = (body as { targetSlot?: unknown } | undefined)?.targetSlot;
  return typeof t === 'string' && t ? t : undefined;
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
      // A bad request is refused before any operation starts, not reported as a failed swap.
      if (!findSlot(site, targetSlot))
        return armError(
          res,
          404,
          'ResourceNotFound',
          `Cannot find slot '${targetSlot}' of site '${site.name}'.`,
        );
      if (targetSlot.toLowerCase() === source)
        return armError(res, 400, 'BadRequest', 'Source and target slot must differ.');
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
      return sendJson(res, 200, slotConfigNamesJson(site, slot));
    case 'PUT /config/slotconfignames': {
      if (!isProd) break;
      assertWritable(site, undefined);
      const props = (body as { properties?: Record<string, unknown> }).properties ?? {};
      site.slotConfigNames = {
        appSettingNames: stringArray(props.appSettingNames),
        connectionStringNames: stringArray(props.connectionStringNames),
      };
      return sendJson(res, 200, slotConfigNamesJson(site, slot));
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
      return sendJson(res, 200, connectionStringsJson(site, slot));
    case 'PUT /config/connectionstrings': {
      const strings = connectionStringsBody(body);
      if (!strings)
        return armError(
          res,
          400,
          'BadRequest',
          "Body must be { properties: { NAME: { value: '…', type: 'Custom' } } }.",
        );
      assertWritable(site, slot);
      slot.connectionStrings = strings;
      await restartSlot(ctx, site, slot);
      return sendJson(res, 200, connectionStringsJson(site, slot));
    }
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
      return sendJson(
        res,
        200,
        configResource(site, slot, 'logs', (body as { properties?: unknown }).properties ?? {}),
      );
    case 'POST /config/publishingcredentials/list':
      return sendJson(
        res,
        200,
        configResource(site, slot, 'publishingcredentials', {
          name: site.name,
          publishingUserName: slot.publishingUser,
          publishingPassword: slot.publishingPassword,
          scmUri: `https://${encodeURIComponent(slot.publishingUser)}:${slot.publishingPassword}@${hostOf(slot.scmPort)}`,
        }),
      );
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
      const mine = splitConfig(site, configOf(slot)).moving;
      const theirs = splitConfig(site, configOf(targetSlot)).moving;
      const differing = <T>(a: Record<string, T>, b: Record<string, T>) =>
        [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
          (n) => JSON.stringify(a[n]) !== JSON.stringify(b[n]),
        );
      const diffs = [
        ...differing(mine.appSettings, theirs.appSettings).map((n) => [n, 'AppSetting'] as const),
        ...differing(mine.connectionStrings, theirs.connectionStrings).map(
          (n) => [n, 'ConnectionString'] as const,
        ),
      ];
      return sendJson(res, 200, {
        value: diffs.map(([n, settingType]) => ({
          id: n,
          name: n,
          type: 'Microsoft.Web/sites/slots/slotsdiffs',
          properties: {
            type: 'General',
            settingType,
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
          : problem === 'audience'
            ? "The access token has been obtained for wrong audience or resource. It should exactly match one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'."
            : 'The access token is invalid.';
    armError(
      res,
      401,
      problem === 'missing'
        ? 'AuthenticationFailed'
        : problem === 'expired'
          ? 'ExpiredAuthenticationToken'
          : problem === 'audience'
            ? 'InvalidAuthenticationTokenAudience'
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
