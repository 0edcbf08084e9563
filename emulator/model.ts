// The emulator's in-memory world: subscriptions → resource groups → sites → slots.
import type { Server } from 'node:https';
import type { Runtime } from './runtime.ts';

export type DeployStatus = 0 | 1 | 2 | 3 | 4;

export type LogEntry = { log_time: string; id: string; message: string; type: 0 | 1 | 2 };

export type Deployment = {
  id: string;
  status: DeployStatus;
  status_text: string;
  deployer: string;
  message: string;
  progress: string;
  received_time: string;
  start_time: string;
  end_time: string | null;
  complete: boolean;
  active: boolean;
  log: LogEntry[];
};

export type SwapStatus = {
  timestampUtc: string;
  sourceSlotName: string;
  destinationSlotName: string;
};

/** A connection string as ARM carries it (ConnStringValueTypePair). */
export type ConnectionString = { value: string; type: string };

/** What a swap moves or keeps: app settings and connection strings, each sticky or not. */
export type SlotConfig = {
  appSettings: Record<string, string>;
  connectionStrings: Record<string, ConnectionString>;
};

export type Slot = {
  /** 'production' for the site itself. */
  name: string;
  appSettings: Record<string, string>;
  connectionStrings: Record<string, ConnectionString>;
  /** slotSwapStatus of this slot: the last successful swap it took part in. */
  lastSwap: SwapStatus | null;
  /** config/web properties that stay with the slot (healthCheckPath, experiments, …). */
  siteConfig: Record<string, unknown>;
  runtime: Runtime;
  enabled: boolean;
  appServer?: Server;
  appPort: number;
  scmServer?: Server;
  scmPort: number;
  publishingUser: string;
  publishingPassword: string;
  deployments: Deployment[];
  /** Deterministic ramp-up accumulator (production only): requests seen / routed away. */
  ramp: { seen: number; routed: Record<string, number> };
};

export type Preview = {
  source: string;
  target: string;
  sourceConfigBefore: SlotConfig;
};

export type Site = {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  slots: Map<string, Slot>;
  slotConfigNames: { appSettingNames: string[]; connectionStringNames: string[] };
  /** Set while a swap runs: writes to the site get 409 like the real service. */
  busy: string | null;
  preview: Preview | null;
};

export const PRODUCTION = 'production';

export function siteId(site: Site): string {
  return `/subscriptions/${site.subscriptionId}/resourceGroups/${site.resourceGroup}/providers/Microsoft.Web/sites/${site.name}`;
}

export function slotId(site: Site, slot: Slot): string {
  return slot.name === PRODUCTION ? siteId(site) : `${siteId(site)}/slots/${slot.name}`;
}

export const hostOf = (port: number): string => `127.0.0.1:${port}`;

/** Names App Service keeps with the slot even when not listed in slotConfigNames. */
function isSticky(site: Site, name: string): boolean {
  const listed = site.slotConfigNames.appSettingNames.some(
    (n) => n.toLowerCase() === name.toLowerCase(),
  );
  return listed || /_EXTENSION_VERSION$/i.test(name);
}

export function splitSettings(
  site: Site,
  settings: Record<string, string>,
): { sticky: Record<string, string>; moving: Record<string, string> } {
  const sticky: Record<string, string> = {};
  const moving: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings)) (isSticky(site, k) ? sticky : moving)[k] = v;
  return { sticky, moving };
}

function isStickyConnectionString(site: Site, name: string): boolean {
  return site.slotConfigNames.connectionStringNames.some(
    (n) => n.toLowerCase() === name.toLowerCase(),
  );
}

/** A copy of what the slot runs with, safe to keep across a swap. */
export function configOf(slot: Slot): SlotConfig {
  return structuredClone({
    appSettings: slot.appSettings,
    connectionStrings: slot.connectionStrings,
  });
}

export function assignConfig(slot: Slot, config: SlotConfig): void {
  slot.appSettings = { ...config.appSettings };
  slot.connectionStrings = structuredClone(config.connectionStrings);
}

/** The part of a slot's configuration that stays with the slot, and the part that moves. */
export function splitConfig(
  site: Site,
  config: SlotConfig,
): { sticky: SlotConfig; moving: SlotConfig } {
  const settings = splitSettings(site, config.appSettings);
  const sticky: SlotConfig = { appSettings: settings.sticky, connectionStrings: {} };
  const moving: SlotConfig = { appSettings: settings.moving, connectionStrings: {} };
  for (const [k, v] of Object.entries(config.connectionStrings))
    (isStickyConnectionString(site, k) ? sticky : moving).connectionStrings[k] = { ...v };
  return { sticky, moving };
}

/** `moving` of one slot with `sticky` of another: what a slot runs with after a swap. */
export function combineConfig(moving: SlotConfig, sticky: SlotConfig): SlotConfig {
  return {
    appSettings: { ...moving.appSettings, ...sticky.appSettings },
    connectionStrings: { ...moving.connectionStrings, ...sticky.connectionStrings },
  };
}

// The platform's environment variable prefix per connection string type; unknown types are
// exposed as custom.
const CONNECTION_STRING_PREFIX: Record<string, string> = {
  sqlserver: 'SQLCONNSTR_',
  sqlazure: 'SQLAZURECONNSTR_',
  mysql: 'MYSQLCONNSTR_',
  postgresql: 'POSTGRESQLCONNSTR_',
  custom: 'CUSTOMCONNSTR_',
  notificationhub: 'NOTIFICATIONHUBCONNSTR_',
  servicebus: 'SERVICEBUSCONNSTR_',
  eventhub: 'EVENTHUBCONNSTR_',
  docdb: 'DOCDBCONNSTR_',
  rediscache: 'REDISCACHECONNSTR_',
  apihub: 'APIHUBCONNSTR_',
};

function connectionStringEnv(strings: Record<string, ConnectionString>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, { value, type }] of Object.entries(strings)) {
    const prefix = CONNECTION_STRING_PREFIX[type.toLowerCase()] ?? 'CUSTOMCONNSTR_';
    env[`${prefix}${name}`] = value;
  }
  return env;
}

export function runtimeEnv(
  site: Site,
  slotName: string,
  base: Record<string, string>,
  config: SlotConfig,
  hostName: string,
): Record<string, string> {
  return {
    ...base,
    ...connectionStringEnv(config.connectionStrings),
    ...config.appSettings,
    WEBSITE_SITE_NAME: site.name,
    WEBSITE_SLOT_NAME: slotName === PRODUCTION ? 'Production' : slotName,
    WEBSITE_HOSTNAME: hostName,
    WEBSITE_INSTANCE_ID: `emulator-${site.name}-${slotName}`,
  };
}
