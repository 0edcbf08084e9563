// startEmulator(): one process standing in for Azure App Service — Entra ID, ARM Microsoft.Web,
// Kudu per slot, and slots that really run the deployed zip. HTTPS only, loopback only.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { handleAdmin } from './admin.ts';
import type { AdminApi } from './admin.ts';
import { handleArm } from './arm.ts';
import { makeTlsMaterial } from './ca.ts';
import type { Context, Timings } from './context.ts';
import { GITHUB_OIDC_PATH, handleEntra } from './entra.ts';
import { createFaultBook } from './faults.ts';
import type { FaultApi } from './faults.ts';
import { armError, sendJson, sendText } from './http.ts';
import type { Req, Res } from './http.ts';
import { makeSigner } from './jwt.ts';
import { handleFront } from './front.ts';
import { handleKudu, releaseStuckDeployments } from './kudu.ts';
import { PRODUCTION, configOf, hostOf, splitConfig } from './model.ts';
import type { Site, Slot } from './model.ts';
import { createRuntime, killAllChildrenNow } from './runtime.ts';
import { resolveSlot, restartSlot } from './slots.ts';
import { collectState } from './state.ts';

export type { EmulatorState, SlotState, AppState } from './state.ts';
export type { FaultApi, RequestFault, DeploymentFault, SwapFault, SlotRef } from './faults.ts';

export type AppSpec = {
  subscriptionId?: string;
  resourceGroup?: string;
  name: string;
  /** Slots besides production. Default ['staging']. */
  slots?: string[];
  /** Initial app settings per slot name ('production' for the site itself). */
  appSettings?: Record<string, Record<string, string>>;
  /** Slot-sticky app setting names (slotConfigNames.appSettingNames). */
  slotSettingNames?: string[];
  /** Initial connection strings per slot name, as ARM carries them ({ value, type }). */
  connectionStrings?: Record<string, Record<string, { value: string; type: string }>>;
  /** Slot-sticky connection string names (slotConfigNames.connectionStringNames). */
  slotConnectionStringNames?: string[];
  location?: string;
};

export type EmulatorOptions = {
  /** Main HTTPS port (Entra, ARM, GitHub OIDC, admin). 0 = random. */
  port?: number;
  /** First port for the per-slot app/SCM listeners (two per slot, in order). Default random. */
  slotPortBase?: number;
  tokenLifetimeSeconds?: number;
  /** Lifetime of the GitHub OIDC tokens (client assertions). */
  assertionLifetimeSeconds?: number;
  /** Where the CA, cloud file and deployed apps go. Default: a fresh temp dir, removed at stop(). */
  workDir?: string;
  apps?: AppSpec[];
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  timings?: Partial<Omit<Timings, 'tokenLifetimeSeconds' | 'assertionLifetimeSeconds'>>;
  log?: (line: string) => void;
};

export type CloudConfig = {
  name: 'SlotReleaseEmulator';
  endpoints: {
    resourceManager: string;
    activeDirectory: string;
    activeDirectoryResourceId: string;
    adfs: string;
  };
  tokenScope: string;
  caFile: string;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  appName: string;
};

/** state(), faults and setAppSettings() are the admin API (also served under /_emulator/). */
export type Emulator = AdminApi & {
  cloud: CloudConfig;
  cloudFile: string;
  caFile: string;
  caPem: string;
  credentials: { tenantId: string; clientId: string; clientSecret: string };
  githubOidc: { requestUrl: string; requestToken: string };
  stop(): Promise<void>;
};

const DEFAULT_TIMINGS: Omit<Timings, 'tokenLifetimeSeconds' | 'assertionLifetimeSeconds'> = {
  startTimeoutMs: 15_000,
  restartBackoffMs: 1_000,
  restartBackoffMaxMs: 30_000,
  swapWarmupTimeoutMs: 60_000,
  lroPollMs: 1_000,
};

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server || !server.listening) return Promise.resolve();
  return new Promise((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ownWorkDir = !options.workDir;
  const workDir = resolve(options.workDir ?? (await mkdtemp(join(tmpdir(), 'slot-release-emu-'))));
  await mkdir(workDir, { recursive: true });
  const log = options.log ?? (() => {});
  const tls = await makeTlsMaterial();
  const tenantId = options.tenantId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  // A letter first: a secret that starts with '-' reads as an option to `az login -p`.
  const clientSecret = options.clientSecret ?? `s${randomBytes(18).toString('base64url')}`;
  const specs: AppSpec[] = options.apps?.length ? options.apps : [{ name: 'app-demo' }];
  const defaultSub = randomUUID();
  const servers = new Set<Server>();
  const ctx: Context = {
    baseUrl: '',
    tenantId,
    clientId,
    clientSecret,
    subscriptionId: specs[0]!.subscriptionId ?? defaultSub,
    githubRequestToken: randomBytes(24).toString('base64url'),
    signer: makeSigner(),
    sites: [],
    faults: createFaultBook(),
    timings: {
      ...DEFAULT_TIMINGS,
      ...options.timings,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      assertionLifetimeSeconds: options.assertionLifetimeSeconds ?? 300,
    },
    workDir,
    agent: new Agent({ keepAlive: true, maxSockets: 64 }),
    log,
    parked: new Set(),
  };
  process.on('exit', killAllChildrenNow);
  let stopping: Promise<void> | undefined;
  let nextSlotPort = options.slotPortBase ?? 0;
  const takePort = (): number => (nextSlotPort ? nextSlotPort++ : 0);

  const secure = (handler: (req: Req, res: Res) => Promise<void> | void): Server => {
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      Promise.resolve(handler(req, res)).catch((err: unknown) => {
        log(`request failed: ${String(err)}`);
        if (!res.headersSent) sendText(res, 500, 'Internal emulator error');
        else res.destroy();
      });
    });
    servers.add(server);
    return server;
  };

  /** Applies a pending request fault; true when the request was answered (or parked) by it. */
  const injected = (
    target: 'arm' | 'kudu' | 'entra',
    req: Req,
    res: Res,
    path: string,
  ): boolean => {
    const fault = ctx.faults.takeRequest(target, `${req.method} ${path}`);
    if (!fault) return false;
    req.resume();
    log(`fault: ${target} ${req.method} ${path} -> ${fault.hang ? 'hang' : fault.status}`);
    if (fault.hang) {
      const release = (): void => void res.destroy();
      ctx.parked.add(release);
      res.on('close', () => ctx.parked.delete(release));
      return true;
    }
    const status = fault.status ?? 500;
    const seconds = fault.retryAfterSeconds ?? (status === 500 ? undefined : 1);
    const headers: Record<string, string> =
      seconds === undefined
        ? {}
        : { 'Retry-After': String(seconds), 'retry-after-ms': String(Math.round(seconds * 1000)) };
    if (target === 'arm') {
      const code =
        status === 429
          ? 'TooManyRequests'
          : status === 503
            ? 'ServiceUnavailable'
            : 'InternalServerError';
      armError(res, status, code, `Injected fault (${status}).`, headers);
    } else if (target === 'entra') {
      sendJson(
        res,
        status,
        {
          error: 'temporarily_unavailable',
          error_description: `AADSTS50196: Injected fault (${status}).`,
        },
        headers,
      );
    } else {
      sendText(res, status, `Injected fault (${status}).`, 'text/plain', headers);
    }
    return true;
  };

  async function createSlot(site: Site, name: string, clone?: Slot): Promise<Slot> {
    const slot: Slot = {
      name,
      ...(clone
        ? splitConfig(site, configOf(clone)).moving
        : { appSettings: {}, connectionStrings: {} }),
      lastSwap: null,
      siteConfig: clone
        ? structuredClone({ ...clone.siteConfig, experiments: { rampUpRules: [] } })
        : {},
      runtime: createRuntime(ctx.timings, log),
      enabled: true,
      appPort: 0,
      scmPort: 0,
      publishingUser: name === PRODUCTION ? `$${site.name}` : `$${site.name}__${name}`,
      publishingPassword: randomBytes(30).toString('base64url'),
      deployments: [],
      ramp: { seen: 0, routed: {} },
    };
    const appServer = secure((req, res) => handleFront(ctx, site, slot, req, res));
    const scmServer = secure((req, res) => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      if (injected('kudu', req, res, path)) return;
      return handleKudu(ctx, site, slot, req, res);
    });
    slot.appServer = appServer;
    slot.scmServer = scmServer;
    slot.appPort = await listen(appServer, takePort());
    slot.scmPort = await listen(scmServer, takePort());
    site.slots.set(name, slot);
    log(
      `slot ${site.name}/${name}: app https://${hostOf(slot.appPort)} scm https://${hostOf(slot.scmPort)}`,
    );
    return slot;
  }

  async function removeSlot(site: Site, slot: Slot): Promise<void> {
    site.slots.delete(slot.name);
    await slot.runtime.stop();
    await Promise.all([closeServer(slot.appServer), closeServer(slot.scmServer)]);
    if (slot.appServer) servers.delete(slot.appServer);
    if (slot.scmServer) servers.delete(slot.scmServer);
  }

  const admin: AdminApi = {
    state: () => collectState(ctx),
    faults: makeFaultApi(),
    setAppSettings,
  };

  const main = secure(async (req, res) => {
    const url = new URL(req.url ?? '/', ctx.baseUrl || 'https://127.0.0.1');
    const path = url.pathname;
    if (path.startsWith('/_emulator/')) return handleAdmin(admin, req, res, url);
    const isArm = /^\/(subscriptions|tenants|metadata)(\/|$)/i.test(path);
    if (injected(isArm ? 'arm' : 'entra', req, res, path)) return;
    if (isArm) {
      if (await handleArm(ctx, req, res, url, { create: createSlot, remove: removeSlot })) return;
    } else if (await handleEntra(ctx, req, res, url)) {
      return;
    }
    req.resume();
    armError(res, 404, 'NotFound', `No route for ${req.method} ${path} in the emulator.`);
  });
  const caFile = join(workDir, 'ca.pem');
  const cloudFile = join(workDir, 'cloud.json');
  let cloud: CloudConfig;
  try {
    const mainPort = await listen(main, options.port ?? 0);
    ctx.baseUrl = `https://127.0.0.1:${mainPort}`;

    for (const spec of specs) {
      const site: Site = {
        subscriptionId: spec.subscriptionId ?? defaultSub,
        resourceGroup: spec.resourceGroup ?? 'rg-demo',
        name: spec.name,
        location: spec.location ?? 'West Europe',
        slots: new Map(),
        slotConfigNames: {
          appSettingNames: [...(spec.slotSettingNames ?? [])],
          connectionStringNames: [...(spec.slotConnectionStringNames ?? [])],
        },
        busy: null,
        preview: null,
      };
      ctx.sites.push(site);
      for (const name of [PRODUCTION, ...(spec.slots ?? ['staging'])]) {
        const slot = await createSlot(site, name.toLowerCase());
        slot.appSettings = { ...(spec.appSettings?.[name] ?? {}) };
        slot.connectionStrings = structuredClone(spec.connectionStrings?.[name] ?? {});
      }
    }

    const first = ctx.sites[0]!;
    cloud = {
      name: 'SlotReleaseEmulator',
      endpoints: {
        resourceManager: `${ctx.baseUrl}/`,
        activeDirectory: ctx.baseUrl,
        activeDirectoryResourceId: 'https://management.core.windows.net/',
        adfs: `${ctx.baseUrl}/adfs`,
      },
      tokenScope: 'https://management.azure.com/.default',
      caFile,
      tenantId,
      subscriptionId: first.subscriptionId,
      resourceGroup: first.resourceGroup,
      appName: first.name,
    };
    await writeFile(caFile, tls.caPem);
    await writeFile(cloudFile, `${JSON.stringify(cloud, null, 2)}\n`);
  } catch (err) {
    // A port in use (or any start failure) must not leave listeners or children behind.
    await stop();
    throw err;
  }

  function makeFaultApi(): FaultApi {
    const book = ctx.faults;
    return {
      add: (fault) => void book.requests.push({ ...fault }),
      failNextDeployment: (fault) => void book.deployments.push({ ...fault }),
      failNextSwap: (fault) => void book.swaps.push({ ...fault }),
      crashSlot(ref) {
        const { slot } = resolveSlot(ctx, ref.app, ref.slot);
        slot.runtime.crash();
      },
      freezeSlot(ref) {
        const { slot } = resolveSlot(ctx, ref.app, ref.slot);
        slot.runtime.freeze();
      },
      clear() {
        book.requests.length = 0;
        book.deployments.length = 0;
        book.swaps.length = 0;
        for (const site of ctx.sites) for (const slot of site.slots.values()) slot.runtime.thaw();
        releaseStuckDeployments(ctx);
        for (const release of [...ctx.parked]) release();
      },
      list: () => ({
        requests: [...book.requests],
        deployments: [...book.deployments],
        swaps: [...book.swaps],
      }),
    };
  }

  async function setAppSettings(input: {
    app?: string;
    slot: string;
    set?: Record<string, string>;
    remove?: string[];
    restart?: boolean;
  }) {
    const { site, slot } = resolveSlot(ctx, input.app, input.slot);
    const next = { ...slot.appSettings, ...(input.set ?? {}) };
    for (const name of input.remove ?? []) delete next[name];
    slot.appSettings = next;
    if (input.restart !== false) await restartSlot(ctx, site, slot);
  }

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const release of [...ctx.parked]) release();
      const runtimes = ctx.sites.flatMap((s) => [...s.slots.values()].map((slot) => slot.runtime));
      await Promise.all(runtimes.map((r) => r.stop()));
      await Promise.all([...servers].map((s) => closeServer(s)));
      ctx.agent.destroy();
      process.off('exit', killAllChildrenNow);
      if (ownWorkDir) await rm(workDir, { recursive: true, force: true });
    })();
    return stopping;
  }

  return {
    cloud,
    cloudFile,
    caFile,
    caPem: tls.caPem,
    credentials: { tenantId, clientId, clientSecret },
    githubOidc: {
      requestUrl: `${ctx.baseUrl}${GITHUB_OIDC_PATH}?api-version=2.0`,
      requestToken: ctx.githubRequestToken,
    },
    state: () => collectState(ctx),
    faults: admin.faults,
    setAppSettings,
    stop,
  };
}
