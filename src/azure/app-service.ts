// The Azure Resource Manager calls the release modes make on one web app: read slots, create and
// delete them, read settings, swap (bounded), and the two halves of swap-with-preview. Slot
// 'production' always means the site itself.
import * as core from '@actions/core';
import {
  WebSiteManagementClient,
  type Site,
  type SiteConfig,
  type SiteConfigResource,
} from '@azure/arm-appservice';
import { RestError, type HttpClient, type PipelinePolicy } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { formatDuration } from '../duration.ts';
import { describeError, OutcomeUnknownError, SlotReleaseError } from '../errors.ts';
import type { Cloud } from './cloud.ts';
import {
  hintForStatus,
  normalizeErrorBodyPolicy,
  readAzureError,
  toSlotReleaseError,
} from './errors.ts';

const ProductionSlot = 'production';

export interface SlotInfo {
  /** Slot name, 'production' for the site itself. */
  name: string;
  /** `https://<defaultHostName>`, no trailing slash. */
  hostUrl: string;
  /** `https://<Kudu host>` from the Repository entry of hostNameSslStates. */
  scmUrl: string;
  /** `Running` or `Stopped`. */
  state?: string;
  /** When the last swap involving this slot completed (slotSwapStatus.timestampUtc), if ever. */
  lastSwapAt?: string;
}

export interface StickyNames {
  appSettingNames: string[];
  connectionStringNames: string[];
}

export interface SwapOptions {
  /** Slot whose content moves into `target` (e.g. staging). */
  source: string;
  /** Slot that receives it: 'production' or another slot. */
  target: string;
  preserveVnet: boolean;
  /** Longest wait for the swap; the poll stops there (the swap itself may go on in Azure). */
  timeoutMs: number;
  /** Called after each poll with the time spent so far. */
  onProgress?: (elapsedMs: number) => void;
}

export interface AppService {
  readonly appName: string;
  getSlot(slot: string): Promise<SlotInfo>;
  listSlots(): Promise<string[]>;
  ensureSlot(slot: string): Promise<{ created: boolean }>;
  deleteSlot(slot: string): Promise<{ deleted: boolean }>;
  /** Values are secrets: each is masked with core.setSecret; never log them. */
  listAppSettings(slot: string): Promise<Record<string, string>>;
  /** `type:value` per name, to compare; values are secrets, masked like app settings. */
  listConnectionStrings(slot: string): Promise<Record<string, string>>;
  listStickyNames(): Promise<StickyNames>;
  swap(options: SwapOptions): Promise<{ durationMs: number }>;
  /** Swap with preview, phase 1: apply `target`'s slot settings to `source`. */
  applySlotConfig(
    source: string,
    target: string,
    options?: { preserveVnet?: boolean },
  ): Promise<void>;
  /** Cancels a swap with preview: `slot` gets its own settings back. */
  resetSlotConfig(slot: string): Promise<void>;
}

export interface CreateAppServiceOptions {
  credential: TokenCredential;
  cloud: Cloud;
  subscriptionId: string;
  resourceGroup: string;
  appName: string;
  signal?: AbortSignal;
  /** The SDK retry budget (429/503 with Retry-After, 408/5xx, socket errors). Default 3 retries. */
  retry?: { maxRetries: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Extra CA (PEM) to trust; defaults to `cloud.ca`. */
  ca?: string;
  /** LRO poll interval (ms) for swap and slot creation; default 1000. */
  pollIntervalMs?: number;
  /** Longest wait for slot creation; default 5 minutes. */
  createSlotTimeoutMs?: number;
  /** Deadline of each single ARM request (each retry gets its own); default 60 s. */
  requestTimeoutMs?: number;
  /** Masks secrets in the log; defaults to core.setSecret. */
  setSecret?: (secret: string) => void;
  /** For tests: replaces the SDK's HTTP client. */
  httpClient?: HttpClient;
}

const isProduction = (slot: string) => slot.toLowerCase() === ProductionSlot;

/** `app/staging` → `staging`. */
function shortSlotName(name: string | undefined): string {
  return (name ?? '').split('/').pop() ?? '';
}

function toHttpsUrl(host: string): string {
  const url = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return url.replace(/\/+$/, '');
}

/** Reads the URLs of a site (or slot) as Azure reports them; never builds host names. */
function lastSwapAt(timestamp: Date | string | undefined): { lastSwapAt?: string } {
  const ms = timestamp === undefined ? NaN : new Date(timestamp).getTime();
  return Number.isFinite(ms) ? { lastSwapAt: new Date(ms).toISOString() } : {};
}

function slotInfoFromSite(slot: string, site: Site): SlotInfo {
  if (!site.defaultHostName) {
    throw new SlotReleaseError(`Azure reported no defaultHostName for slot ${slot}.`, {
      hint: 'Check that the app is not stopped or being created, then re-run.',
    });
  }
  const repository = site.hostNameSslStates?.find(
    (state) => state.hostType?.toLowerCase() === 'repository' && state.name,
  );
  const scmHost = repository?.name ?? site.enabledHostNames?.find((name) => name.includes('.scm.'));
  if (!scmHost) {
    throw new SlotReleaseError(`Azure reported no Kudu (SCM) host name for slot ${slot}.`, {
      hint: 'The app must have an SCM site (hostNameSslStates entry of hostType Repository) to deploy with OneDeploy.',
    });
  }
  return {
    name: isProduction(slot) ? ProductionSlot : slot,
    hostUrl: toHttpsUrl(site.defaultHostName),
    scmUrl: toHttpsUrl(scmHost),
    ...(site.state && { state: site.state }),
    ...lastSwapAt(site.slotSwapStatus?.timestampUtc),
  };
}

/**
 * Masks an app-setting value in the log. Values are never printed; masking is the second line
 * of defence. Single plain words (`staging`, `eastus`, `true`), numbers and short values are left
 * alone, because masking them would blank ordinary words in every later log line.
 */
function maskSettingValue(value: string, setSecret: (secret: string) => void): void {
  if (!looksSecret(value)) return;
  setSecret(value);
}

export function looksSecret(value: string): boolean {
  if (value.length < 6) return false;
  if (/^[a-z]+$/i.test(value)) return false;
  if (/^\d+(?:\.\d+)?$/.test(value)) return false;
  return true;
}

/**
 * The SDK sends requests without a deadline; a hung ARM front end would hang the release. Each
 * attempt gets one, and a timed-out attempt is retried within the retry budget.
 */
function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'slotReleaseRequestTimeout',
    async sendRequest(request, next) {
      request.timeout = timeoutMs;
      try {
        return await next(request);
      } catch (error) {
        // The HTTP client reports its own timeout as an abort, which the retry policy treats as
        // final; as ETIMEDOUT it is retried like any other network failure.
        if ((error as Error).name !== 'AbortError' || request.abortSignal?.aborted) throw error;
        throw new RestError(`ARM did not answer within ${formatDuration(timeoutMs)}`, {
          code: 'ETIMEDOUT',
          request,
        });
      }
    },
  };
}

/** The parts of a site's configuration a new slot needs to run the same app; no secrets. */
function runtimeConfig(config: SiteConfigResource): SiteConfig {
  const keys = [
    'linuxFxVersion',
    'windowsFxVersion',
    'nodeVersion',
    'appCommandLine',
    'healthCheckPath',
    'alwaysOn',
    'http20Enabled',
    'minTlsVersion',
    'ftpsState',
    'use32BitWorkerProcess',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (config[key] !== undefined) out[key] = config[key];
  return out as SiteConfig;
}

export function createAppService(options: CreateAppServiceOptions): AppService {
  const { resourceGroup: rg, appName: app, signal } = options;
  const setSecret = options.setSecret ?? core.setSecret;
  const ca = options.ca ?? options.cloud.ca;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const client = new WebSiteManagementClient(options.credential, options.subscriptionId, {
    endpoint: options.cloud.resourceManager,
    credentials: { scopes: [options.cloud.tokenScope] },
    retryOptions: {
      maxRetries: options.retry?.maxRetries ?? 3,
      retryDelayInMs: options.retry?.retryDelayInMs ?? 1000,
      maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? 30_000,
    },
    additionalPolicies: [
      { policy: normalizeErrorBodyPolicy, position: 'perRetry' },
      { policy: requestTimeoutPolicy(options.requestTimeoutMs ?? 60_000), position: 'perRetry' },
    ],
    userAgentOptions: { userAgentPrefix: 'slot-release' },
    ...(ca && { tlsOptions: { ca } }),
    ...(options.httpClient && { httpClient: options.httpClient }),
  });
  const web = client.webApps;
  const call = { ...(signal && { abortSignal: signal }) };
  const where = `app ${app} (resource group ${rg})`;

  async function listSlots(): Promise<string[]> {
    try {
      const names: string[] = [];
      for await (const site of web.listSlots(rg, app, call)) names.push(shortSlotName(site.name));
      return names;
    } catch (error) {
      throw toSlotReleaseError(error, `list the slots of ${where}`);
    }
  }

  /** Hint for a 404 on a slot: the slots that do exist, when they can be listed. */
  async function slotNotFound(slot: string, cause: unknown): Promise<SlotReleaseError> {
    let existing: string[] | undefined;
    try {
      existing = await listSlots();
    } catch {
      existing = undefined;
    }
    const list =
      existing === undefined
        ? 'The existing slots could not be listed.'
        : existing.length === 0
          ? 'The app has no slots yet (slots need a Standard, Premium or Isolated plan).'
          : `Existing slots: ${existing.join(', ')}.`;
    return new SlotReleaseError(`slot ${slot} of app ${app} not found (resource group ${rg}).`, {
      cause,
      hint: `${list} Check the slot input, or let the release create the slot.`,
    });
  }

  /** One read of a slot's configuration, production or slot form, with Azure's errors explained. */
  async function readPerSlot<T>(
    slot: string,
    production: () => Promise<T>,
    ofSlot: () => Promise<T>,
    what: string,
  ): Promise<T> {
    try {
      return isProduction(slot) ? await production() : await ofSlot();
    } catch (error) {
      if (readAzureError(error)?.statusCode === 404 && !isProduction(slot)) {
        throw await slotNotFound(slot, error);
      }
      throw toSlotReleaseError(error, `list the ${what} of slot ${slot} of ${where}`);
    }
  }

  async function getSite(slot: string): Promise<Site> {
    try {
      return isProduction(slot)
        ? await web.get(rg, app, call)
        : await web.getSlot(rg, app, slot, call);
    } catch (error) {
      if (readAzureError(error)?.statusCode === 404) {
        if (isProduction(slot)) {
          throw new SlotReleaseError(
            `app ${app} not found in resource group ${rg} (subscription ${options.subscriptionId}).`,
            { cause: error, hint: 'Check app-name, resource-group and subscription-id.' },
          );
        }
        throw await slotNotFound(slot, error);
      }
      throw toSlotReleaseError(
        error,
        `get ${isProduction(slot) ? '' : `slot ${slot} of `}${where}`,
      );
    }
  }

  /** Aborts at `timeoutMs` (and on the caller's signal); the LRO itself may continue in Azure. */
  async function bounded<T>(
    start: (abortSignal: AbortSignal) => PromiseLike<T> & {
      pollUntilDone(o?: { abortSignal?: AbortSignal }): Promise<T>;
      onProgress(cb: (state: unknown) => void): () => void;
      submitted(): Promise<void>;
    },
    timeoutMs: number,
    onTimeout: () => SlotReleaseError,
    onPoll?: () => void,
    /** Azure accepted the operation: from here it may complete whatever happens to us. */
    onSubmitted?: () => void,
  ): Promise<T> {
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
        reject(onTimeout());
      }, timeoutMs);
    });
    try {
      const poller = start(combined);
      poller.submitted().then(onSubmitted, () => undefined);
      const cancel = onPoll ? poller.onProgress(onPoll) : undefined;
      try {
        return await Promise.race([poller.pollUntilDone({ abortSignal: combined }), deadline]);
      } finally {
        cancel?.();
      }
    } catch (error) {
      if (timedOut) throw onTimeout();
      throw error;
    } finally {
      clearTimeout(timer);
      deadline.catch(() => undefined);
    }
  }

  return {
    appName: app,

    async getSlot(slot) {
      return slotInfoFromSite(slot, await getSite(slot));
    },

    listSlots,

    async ensureSlot(slot) {
      if (isProduction(slot)) return { created: false };
      try {
        await web.getSlot(rg, app, slot, call);
        return { created: false };
      } catch (error) {
        if (readAzureError(error)?.statusCode !== 404) {
          throw toSlotReleaseError(error, `get slot ${slot} of ${where}`);
        }
      }
      const production = await getSite(ProductionSlot);
      if (!production.location || !production.id) {
        throw new SlotReleaseError(`Azure reported no location or id for ${where}.`, {
          hint: 'Re-run; if it persists, create the slot in the portal or with az webapp deployment slot create.',
        });
      }
      // Not a clone: cloning copies production's app settings and connection strings, and a
      // preview slot runs pull-request code. It gets production's runtime configuration only.
      const config = await web.getConfiguration(rg, app, call).catch(() => undefined);
      const envelope: Site = {
        location: production.location,
        ...(production.kind && { kind: production.kind }),
        ...(production.serverFarmId && { serverFarmId: production.serverFarmId }),
        ...(config && { siteConfig: runtimeConfig(config) }),
      };
      const timeoutMs = options.createSlotTimeoutMs ?? 5 * 60_000;
      try {
        await bounded(
          (abortSignal) =>
            web.createOrUpdateSlot(rg, app, slot, envelope, {
              abortSignal,
              updateIntervalInMs: pollIntervalMs,
            }),
          timeoutMs,
          () =>
            new SlotReleaseError(
              `Creating slot ${slot} of ${where} did not finish within ${formatDuration(timeoutMs)}.`,
              {
                hint: `It may still be running in Azure: check the slot in the portal (Deployment slots) before re-running.`,
              },
            ),
        );
      } catch (error) {
        throw toSlotReleaseError(error, `create slot ${slot} of ${where}`, (info) =>
          info.statusCode === 400 || info.statusCode === 409
            ? `${hintForStatus(info.statusCode)} Slots need a Standard, Premium or Isolated App Service plan, and the plan limits the number of slots.`
            : undefined,
        );
      }
      return { created: true };
    },

    async deleteSlot(slot) {
      if (isProduction(slot)) {
        throw new SlotReleaseError('Refusing to delete the production slot (the app itself).', {
          hint: 'Name a deployment slot, e.g. pr-123.',
        });
      }
      try {
        await web.deleteSlot(rg, app, slot, call);
        return { deleted: true };
      } catch (error) {
        if (readAzureError(error)?.statusCode === 404) return { deleted: false };
        throw toSlotReleaseError(error, `delete slot ${slot} of ${where}`);
      }
    },

    async listAppSettings(slot) {
      const result = await readPerSlot(
        slot,
        () => web.listApplicationSettings(rg, app, call),
        () => web.listApplicationSettingsSlot(rg, app, slot, call),
        'app settings',
      );
      const settings: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.properties ?? {})) {
        const text = value == null ? '' : String(value);
        maskSettingValue(text, setSecret);
        settings[name] = text;
      }
      return settings;
    },

    async listConnectionStrings(slot) {
      const result = await readPerSlot(
        slot,
        () => web.listConnectionStrings(rg, app, call),
        () => web.listConnectionStringsSlot(rg, app, slot, call),
        'connection strings',
      );
      const strings: Record<string, string> = {};
      for (const [name, entry] of Object.entries(result.properties ?? {})) {
        const value = entry?.value ?? '';
        // Connection strings are always secrets, whatever they look like.
        if (value) setSecret(value);
        strings[name] = `${entry?.type ?? ''}:${value}`;
      }
      return strings;
    },

    async listStickyNames() {
      try {
        const names = await web.listSlotConfigurationNames(rg, app, call);
        return {
          appSettingNames: names.appSettingNames ?? [],
          connectionStringNames: names.connectionStringNames ?? [],
        };
      } catch (error) {
        throw toSlotReleaseError(error, `read the slot settings (sticky names) of ${where}`);
      }
    },

    async swap(swap) {
      const { source, target, preserveVnet, timeoutMs } = swap;
      if (source.toLowerCase() === target.toLowerCase()) {
        throw new SlotReleaseError(`Cannot swap slot ${source} with itself.`, {
          hint: 'Set slot and target-slot to two different slots.',
        });
      }
      const started = Date.now();
      const what = `swap ${source} into ${target} of ${where}`;
      let accepted = false;
      try {
        await bounded(
          (abortSignal) => {
            const lro = { abortSignal, updateIntervalInMs: pollIntervalMs };
            return isProduction(source)
              ? web.swapSlotWithProduction(rg, app, { targetSlot: target, preserveVnet }, lro)
              : web.swapSlot(rg, app, source, { targetSlot: target, preserveVnet }, lro);
          },
          timeoutMs,
          () =>
            new OutcomeUnknownError(
              `The swap of ${source} into ${target} (app ${app}) did not finish within ${formatDuration(timeoutMs)}; slot-release stopped waiting.`,
              {
                hint: `The swap may still be running in Azure. Check the app's Activity log ("Swap Web App Slots") and which build ${target} serves before re-running or swapping back; raise swap-timeout if swaps are slow (warm-up).`,
              },
            ),
          swap.onProgress && (() => swap.onProgress?.(Date.now() - started)),
          () => (accepted = true),
        );
      } catch (error) {
        if (error instanceof OutcomeUnknownError) throw error;
        // Only two answers are final: Azure refused the request, or said the operation failed.
        // Anything else after Azure accepted the swap (a poll that errored, a token that could
        // not be renewed, a lost connection) leaves it running there, outcome unknown.
        const operationFailed = /^The long-running operation has failed\./.test(
          describeError(error),
        );
        const refused = !accepted && readAzureError(error)?.statusCode !== undefined;
        const failure = toSlotReleaseError(error, what, (info) =>
          info.statusCode !== undefined
            ? undefined
            : `The swap failed in Azure (often the warm-up of ${source} failed or timed out): check that ${source} starts and answers on / (or WEBSITE_SWAP_WARMUP_PING_PATH), and the Activity log. ${target} keeps serving its current build.`,
        );
        if (operationFailed || refused) throw failure;
        throw new OutcomeUnknownError(failure.message, {
          cause: error,
          hint: `Azure may still be running the swap, so its outcome is unknown: check the app's Activity log ("Swap Web App Slots") and which build ${target} serves before doing anything else.`,
        });
      }
      return { durationMs: Date.now() - started };
    },

    async applySlotConfig(source, target, applyOptions) {
      const entity = { targetSlot: target, preserveVnet: applyOptions?.preserveVnet ?? true };
      try {
        // The REST form: on the source slot, naming the target whose slot settings it takes.
        if (isProduction(source)) await web.applySlotConfigToProduction(rg, app, entity, call);
        else await web.applySlotConfigurationSlot(rg, app, source, entity, call);
      } catch (error) {
        throw toSlotReleaseError(
          error,
          `apply the slot settings of ${target} to ${source} (swap with preview) of ${where}`,
        );
      }
    },

    async resetSlotConfig(slot) {
      try {
        if (isProduction(slot)) await web.resetProductionSlotConfig(rg, app, call);
        else await web.resetSlotConfigurationSlot(rg, app, slot, call);
      } catch (error) {
        throw toSlotReleaseError(error, `reset the slot settings of ${slot} of ${where}`);
      }
    },
  };
}
