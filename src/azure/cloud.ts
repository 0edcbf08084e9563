// Which Azure cloud the action talks to: the three sovereign clouds by name, or a custom cloud
// described by a JSON file (the local emulator writes one). Everything endpoint-specific that the
// credential, the ARM client and Kudu need is resolved here, once.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { SlotReleaseError } from '../errors.ts';

export interface Cloud {
  name: string;
  /** Azure Resource Manager base URL, https, without a trailing slash. */
  resourceManager: string;
  /** Entra authority host, https, without a trailing slash (the tenant id is appended). */
  authorityHost: string;
  /** Scope of ARM tokens (also accepted by Kudu), e.g. `https://management.azure.com/.default`. */
  tokenScope: string;
  /** True for custom clouds: MSAL must not ask login.microsoftonline.com to vouch for the host. */
  disableInstanceDiscovery: boolean;
  /** Absolute path of a PEM CA bundle to trust (custom clouds only). */
  caFile?: string;
  /** Contents of `caFile`, read once, to pass to every HTTPS client. */
  ca?: string;
  /** Conveniences a custom cloud file may carry (the emulator writes them). */
  defaults?: {
    tenantId?: string;
    subscriptionId?: string;
    resourceGroup?: string;
    appName?: string;
  };
}

export const KnownClouds = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManager: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    tokenScope: 'https://management.azure.com/.default',
    disableInstanceDiscovery: false,
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManager: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    tokenScope: 'https://management.chinacloudapi.cn/.default',
    disableInstanceDiscovery: false,
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    tokenScope: 'https://management.usgovcloudapi.net/.default',
    disableInstanceDiscovery: false,
  },
} as const satisfies Record<string, Cloud>;

export type KnownCloudName = keyof typeof KnownClouds;

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });

const customCloudSchema = z.object({
  name: z.string().min(1),
  endpoints: z.object({
    resourceManager: httpsUrl,
    activeDirectory: httpsUrl,
    activeDirectoryResourceId: z.string().min(1).optional(),
    adfs: z.string().optional(),
  }),
  tokenScope: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  tenantId: z.string().min(1).optional(),
  subscriptionId: z.string().min(1).optional(),
  resourceGroup: z.string().min(1).optional(),
  appName: z.string().min(1).optional(),
});

function isKnownCloud(input: string): input is KnownCloudName {
  return Object.hasOwn(KnownClouds, input);
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `https://management.core.windows.net/` → `https://management.core.windows.net/.default`. */
export function scopeForResource(resource: string): string {
  return `${trimSlashes(resource)}/.default`;
}

/** Resolves the `cloud` input: a known cloud name, or the path of a custom cloud JSON file. */
export async function resolveCloud(input: string): Promise<Cloud> {
  const value = input.trim() || 'AzureCloud';
  if (isKnownCloud(value)) return { ...KnownClouds[value] };
  const lower = value.toLowerCase();
  const known = Object.keys(KnownClouds).find((name) => name.toLowerCase() === lower);
  if (known && isKnownCloud(known)) return { ...KnownClouds[known] };
  if (!value.toLowerCase().endsWith('.json') && !value.includes('/') && !value.includes('\\')) {
    throw new SlotReleaseError(`Unknown cloud '${value}'.`, {
      hint: `Use one of ${Object.keys(KnownClouds).join(', ')}, or the path of a custom cloud JSON file.`,
    });
  }
  return loadCustomCloud(value);
}

async function loadCustomCloud(path: string): Promise<Cloud> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SlotReleaseError(`Cannot read the custom cloud file ${file}.`, {
      cause: error,
      hint: 'Check the cloud input: it must be AzureCloud, AzureChinaCloud, AzureUSGovernment or the path of an existing JSON file.',
    });
  }
  return parseCustomCloud(text, file);
}

/** Validates a custom cloud document; `file` names it in errors and anchors a relative caFile. */
export async function parseCustomCloud(text: string, file: string): Promise<Cloud> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SlotReleaseError(`The custom cloud file ${file} is not valid JSON.`, {
      cause: error,
      hint: 'Regenerate the file (the emulator writes it on start) or fix its syntax.',
    });
  }
  const parsed = customCloudSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new SlotReleaseError(
      `The custom cloud file ${file} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
      {
        hint: 'Expected {"name", "endpoints": {"resourceManager": "https://…", "activeDirectory": "https://…"}, optional "tokenScope", "caFile"}.',
      },
    );
  }
  const doc = parsed.data;
  const resourceManager = trimSlashes(doc.endpoints.resourceManager);
  const tokenScope =
    doc.tokenScope ?? scopeForResource(doc.endpoints.activeDirectoryResourceId ?? resourceManager);
  const cloud: Cloud = {
    name: doc.name,
    resourceManager,
    authorityHost: trimSlashes(doc.endpoints.activeDirectory),
    tokenScope,
    disableInstanceDiscovery: true,
  };
  if (doc.caFile) {
    const caFile = isAbsolute(doc.caFile) ? doc.caFile : resolve(dirname(file), doc.caFile);
    try {
      cloud.ca = await readFile(caFile, 'utf8');
    } catch (error) {
      throw new SlotReleaseError(`Cannot read caFile ${caFile} named by the cloud file ${file}.`, {
        cause: error,
        hint: 'Point caFile at the PEM certificate of the CA that signed the endpoints (the emulator writes it next to the cloud file).',
      });
    }
    cloud.caFile = caFile;
  }
  const defaults = {
    ...(doc.tenantId && { tenantId: doc.tenantId }),
    ...(doc.subscriptionId && { subscriptionId: doc.subscriptionId }),
    ...(doc.resourceGroup && { resourceGroup: doc.resourceGroup }),
    ...(doc.appName && { appName: doc.appName }),
  };
  if (Object.keys(defaults).length > 0) cloud.defaults = defaults;
  return cloud;
}
