import { statSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { InputError } from './errors.ts';

export const MODES = ['release', 'deploy', 'swap', 'rollback', 'verify', 'cleanup'] as const;
export type Mode = (typeof MODES)[number];

/** Every input of action.yml, with its default. A test keeps this list and action.yml equal. */
export const INPUT_DEFAULTS = {
  mode: 'release',
  'app-name': '',
  'resource-group': '',
  'subscription-id': '',
  'client-id': '',
  'tenant-id': '',
  auth: 'auto',
  audience: 'api://AzureADTokenExchange',
  cloud: 'AzureCloud',
  package: '',
  slot: 'staging',
  'target-slot': 'production',
  'deploy-timeout': '10m',
  url: '',
  'expected-version': '',
  'health-path': '/healthz',
  'ready-path': '/readyz',
  'ready-timeout': '5m',
  'request-timeout': '10s',
  headers: '',
  'smoke-path': '/v1/agent/run',
  'smoke-input': '{"input":"ping"}',
  'smoke-expect': '',
  'smoke-min-tool-calls': '0',
  'max-steps': '',
  'max-tool-calls': '',
  'max-tokens': '',
  'budget-requests': '50',
  'budget-concurrency': '4',
  'budget-target': 'health',
  'max-error-rate': '1%',
  'max-p95': '',
  'max-p99': '',
  'settings-drift': 'fail',
  'swap-with-preview': 'false',
  'preserve-vnet': 'true',
  'swap-timeout': '10m',
  watch: '2m',
  'watch-interval': '15s',
  'report-path': '',
  reason: '',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];
export type RawInputs = Record<InputName, string>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLOT_NAME = /^[a-z0-9][a-z0-9-]{0,58}$/i;
const APP_NAME = /^[a-z0-9][a-z0-9-]{0,58}$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

// Each field parser takes the trimmed string and either returns a value or adds an issue
// whose message says what is expected; the input's name is added from the path.
const text = z.string().transform((s) => s.trim());
const optionalText = text.transform((s) => (s === '' ? undefined : s));

const duration = (options: { min?: number } = {}) =>
  text.transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 90s, 5m or 1m30s, got "${s}"`,
      });
      return z.NEVER;
    }
    if (options.min !== undefined && ms < options.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${options.min}ms, got "${s}"` });
      return z.NEVER;
    }
    return ms;
  });

const optionalDuration = text.transform((s, ctx) => {
  if (s === '') return undefined;
  const ms = parseDuration(s);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a positive duration such as 800ms or 2s, got "${s}"`,
    });
    return z.NEVER;
  }
  return ms;
});

function wholeNumber(s: string, min: number, max: number): number | undefined {
  const n = Number(s);
  return /^\d+$/.test(s) && n >= min && n <= max ? n : undefined;
}

const integer = (min: number, max: number) =>
  text.transform((s, ctx) => {
    const n = wholeNumber(s, min, max);
    if (n !== undefined) return n;
    ctx.addIssue({
      code: 'custom',
      message: `expected a whole number from ${min} to ${max}, got "${s}"`,
    });
    return z.NEVER;
  });

/** Empty means "no limit". */
const optionalInteger = (min: number, max: number) =>
  text.transform((s, ctx) => {
    if (s === '') return undefined;
    const n = wholeNumber(s, min, max);
    if (n !== undefined) return n;
    ctx.addIssue({
      code: 'custom',
      message: `expected a whole number from ${min} to ${max} or empty, got "${s}"`,
    });
    return z.NEVER;
  });

const boolean = text.transform((s, ctx) => {
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false, got "${s}"` });
  return z.NEVER;
});

const oneOf = <const T extends readonly string[]>(values: T) =>
  text.transform((s, ctx) => {
    if ((values as readonly string[]).includes(s)) return s as T[number];
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}, got "${s}"` });
    return z.NEVER;
  });

/** `1%`, `0.5%` or a fraction such as `0.01`. */
const rate = text.transform((s, ctx) => {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(s);
  const value = percent ? Number(percent[1]) / 100 : /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : NaN;
  if (!(value >= 0 && value <= 1)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a percentage such as 1% or a fraction such as 0.01, got "${s}"`,
    });
    return z.NEVER;
  }
  return value;
});

const path = (what: string, optional: boolean) =>
  text.transform((s, ctx) => {
    if (s === '' && optional) return undefined;
    if (!s.startsWith('/') || /\s/.test(s)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a ${what} path starting with /, got "${s}"`,
      });
      return z.NEVER;
    }
    return s;
  });

const matching = (re: RegExp, what: string) =>
  text.transform((s, ctx) => {
    if (s === '') return undefined;
    if (!re.test(s)) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}, got "${s}"` });
      return z.NEVER;
    }
    return s;
  });

const url = text.transform((s, ctx) => {
  if (s === '') return undefined;
  try {
    const u = new URL(s);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
    return s.replace(/\/+$/, '');
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `expected an http(s) URL such as https://myapp.azurewebsites.net, got "${s}"`,
    });
    return z.NEVER;
  }
});

const json = text.transform((s, ctx) => {
  try {
    JSON.parse(s);
    return s;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected valid JSON, for example {"input":"ping"}' });
    return z.NEVER;
  }
});

export type TextMatcher = { kind: 'substring'; value: string } | { kind: 'regex'; value: RegExp };

const matcher = text.transform((s, ctx): TextMatcher | undefined => {
  if (s === '') return undefined;
  const re = /^\/(.+)\/([dgimsuvy]*)$/.exec(s);
  if (!re) return { kind: 'substring', value: s };
  try {
    return { kind: 'regex', value: new RegExp(re[1]!, re[2]!.replace('g', '')) };
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid regular expression ${s}: ${(error as Error).message}`,
    });
    return z.NEVER;
  }
});

const headers = z.string().transform((s, ctx) => {
  const out: Record<string, string> = {};
  s.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) {
      // Never echo the line: it may hold a credential.
      ctx.addIssue({ code: 'custom', message: `line ${i + 1} is not "Name: value"` });
      return;
    }
    out[name.toLowerCase()] = line.slice(colon + 1).trim();
  });
  return out;
});

const fields = {
  mode: oneOf(MODES),
  'app-name': matching(APP_NAME, 'an App Service name (letters, digits, hyphens)'),
  'resource-group': matching(/^[-\w.()]{1,90}$/, 'a resource group name'),
  'subscription-id': matching(GUID, 'a subscription id (GUID)'),
  'client-id': matching(GUID, 'a client id (GUID)'),
  'tenant-id': matching(
    /^([0-9a-f-]{36}|[a-z0-9.-]+\.[a-z]{2,})$/i,
    'a tenant id (GUID or domain)',
  ),
  auth: oneOf(['auto', 'oidc', 'azure-cli', 'environment'] as const),
  audience: text,
  cloud: text.transform((s, ctx) => {
    // Names as the Azure CLI spells them (any case), or a custom cloud file; cloud.ts reads it.
    if (['azurecloud', 'azurechinacloud', 'azureusgovernment'].includes(s.toLowerCase())) return s;
    if (isFile(s)) return s;
    ctx.addIssue({
      code: 'custom',
      message: `expected AzureCloud, AzureChinaCloud, AzureUSGovernment or the path of an existing cloud file, got "${s}"`,
    });
    return z.NEVER;
  }),
  package: optionalText,
  slot: matching(SLOT_NAME, 'a slot name (letters, digits, hyphens)'),
  'target-slot': matching(SLOT_NAME, 'a slot name (letters, digits, hyphens)'),
  'deploy-timeout': duration({ min: 1000 }),
  url,
  'expected-version': optionalText,
  'health-path': path('health', false),
  'ready-path': path('readiness', true),
  'ready-timeout': duration({ min: 1000 }),
  'request-timeout': duration({ min: 100 }),
  headers,
  'smoke-path': path('smoke', true),
  'smoke-input': json,
  'smoke-expect': matcher,
  'smoke-min-tool-calls': integer(0, 1000),
  'max-steps': optionalInteger(1, 100_000),
  'max-tool-calls': optionalInteger(0, 100_000),
  'max-tokens': optionalInteger(1, 100_000_000),
  'budget-requests': integer(0, 100_000),
  'budget-concurrency': integer(1, 256),
  'budget-target': oneOf(['health', 'smoke'] as const),
  'max-error-rate': rate,
  'max-p95': optionalDuration,
  'max-p99': optionalDuration,
  'settings-drift': oneOf(['fail', 'warn', 'off'] as const),
  'swap-with-preview': boolean,
  'preserve-vnet': boolean,
  'swap-timeout': duration({ min: 1000 }),
  watch: duration(),
  'watch-interval': duration({ min: 100 }),
  'report-path': optionalText,
  reason: optionalText,
};

type Parsed = { [K in InputName]: z.output<(typeof fields)[K]> };

/** Rules between inputs. They see only the inputs that parsed, so each problem is listed once. */
function crossRules(i: Partial<Parsed>, problem: (name: InputName, message: string) => void): void {
  const azureModes: Mode[] = ['release', 'deploy', 'swap', 'rollback', 'cleanup'];
  const mode = i.mode;
  if (mode === undefined) return;
  const present = (name: InputName) => i[name] !== undefined || !(name in i);
  if (azureModes.includes(mode)) {
    for (const name of ['app-name', 'resource-group', 'subscription-id'] as const) {
      if (!present(name)) problem(name, `is required in ${mode} mode`);
    }
    if (i.auth === 'oidc') {
      for (const name of ['client-id', 'tenant-id'] as const) {
        if (!present(name)) problem(name, 'is required when auth is oidc');
      }
    } else if (i.auth === 'auto' && present('client-id') !== present('tenant-id')) {
      // One of the two is a half-configured OIDC login, not a wish for an azure/login session.
      const missing = present('client-id') ? 'tenant-id' : 'client-id';
      problem(
        missing,
        `is required with ${missing === 'tenant-id' ? 'client-id' : 'tenant-id'} for OIDC login`,
      );
    }
  }
  if (mode === 'verify' && !present('url')) problem('url', 'is required in verify mode');
  if ((mode === 'release' || mode === 'deploy') && 'package' in i) {
    if (i.package === undefined) problem('package', `is required in ${mode} mode`);
    else if (!isFile(i.package)) problem('package', `file not found: "${i.package}"`);
  }
  if (['release', 'swap', 'rollback'].includes(mode) && i.slot && i.slot === i['target-slot']) {
    problem('target-slot', `must differ from slot ("${i.slot}")`);
  }
  if (mode === 'cleanup' && i.slot) {
    const protectedSlots = ['production', 'staging', i['target-slot']?.toLowerCase()];
    if (protectedSlots.includes(i.slot.toLowerCase())) {
      problem('slot', `cleanup deletes preview slots only and refuses "${i.slot}"`);
    }
  }
  if (mode === 'deploy' && i.slot?.toLowerCase() === 'production') {
    problem('slot', 'deploy mode never deploys to production; use release');
  }
  const requests = i['budget-requests'];
  const concurrency = i['budget-concurrency'];
  if (
    requests !== undefined &&
    concurrency !== undefined &&
    requests > 0 &&
    concurrency > requests
  ) {
    problem('budget-concurrency', `must not exceed budget-requests (${requests})`);
  }
  if ('smoke-path' in i && i['smoke-path'] === undefined) {
    if (i['budget-target'] === 'smoke')
      problem('budget-target', 'is smoke but smoke-path is empty');
    for (const name of ['smoke-expect', 'max-steps', 'max-tool-calls', 'max-tokens'] as const) {
      if (i[name] !== undefined) problem(name, 'needs a smoke call, but smoke-path is empty');
    }
    if ((i['smoke-min-tool-calls'] ?? 0) > 0) {
      problem('smoke-min-tool-calls', 'needs a smoke call, but smoke-path is empty');
    }
  }
  const maxTools = i['max-tool-calls'];
  if (maxTools !== undefined && (i['smoke-min-tool-calls'] ?? 0) > maxTools) {
    problem('smoke-min-tool-calls', `must not exceed max-tool-calls (${maxTools})`);
  }
  const p95 = i['max-p95'];
  const p99 = i['max-p99'];
  if (p95 !== undefined && p99 !== undefined && p95 > p99)
    problem('max-p95', 'must not exceed max-p99');
  const watch = i.watch;
  const interval = i['watch-interval'];
  if (watch !== undefined && interval !== undefined && watch > 0 && interval > watch) {
    problem('watch-interval', 'must not exceed watch');
  }
  const request = i['request-timeout'];
  const ready = i['ready-timeout'];
  if (request !== undefined && ready !== undefined && request > ready) {
    problem('request-timeout', 'must not exceed ready-timeout');
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The validated inputs, in the names the code uses. */
export interface Inputs {
  mode: Mode;
  appName?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  clientId?: string;
  tenantId?: string;
  auth: Parsed['auth'];
  audience: string;
  cloud: string;
  package?: string;
  slot: string;
  targetSlot: string;
  deployTimeoutMs: number;
  url?: string;
  expectedVersion?: string;
  healthPath: string;
  readyPath?: string;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  headers: Record<string, string>;
  smokePath?: string;
  smokeInput: string;
  smokeExpect?: TextMatcher;
  smokeMinToolCalls: number;
  maxSteps?: number;
  maxToolCalls?: number;
  maxTokens?: number;
  budgetRequests: number;
  budgetConcurrency: number;
  budgetTarget: 'health' | 'smoke';
  maxErrorRate: number;
  maxP95Ms?: number;
  maxP99Ms?: number;
  settingsDrift: 'fail' | 'warn' | 'off';
  swapWithPreview: boolean;
  preserveVnet: boolean;
  swapTimeoutMs: number;
  watchMs: number;
  watchIntervalMs: number;
  reportPath?: string;
  reason?: string;
}

/** Paths whose empty value means "skip this check" rather than "use the default". */
const SKIPPABLE: readonly InputName[] = ['ready-path', 'smoke-path'];

/**
 * The runner fills in action.yml defaults and passes what the workflow wrote, so an input that
 * is absent (local runs, tests) takes its default, and an empty one does too, except for the
 * skippable paths, where empty or "none" turns the check off.
 */
function effectiveValue(name: InputName, value: string | undefined): string {
  if (value === undefined) return INPUT_DEFAULTS[name];
  if (SKIPPABLE.includes(name)) return ['', 'none'].includes(value.trim()) ? '' : value;
  return value.trim() === '' ? INPUT_DEFAULTS[name] : value;
}

/**
 * Validates every input at once and throws one InputError listing every problem, so a user
 * fixes the step in one round trip. Pure: no network, no Azure.
 */
export function parseInputs(raw: Partial<RawInputs>): Inputs {
  const problems: string[] = [];
  const parsed: Partial<Record<InputName, unknown>> = {};
  for (const name of INPUT_NAMES) {
    const result = fields[name].safeParse(effectiveValue(name, raw[name]));
    if (result.success) parsed[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  }
  crossRules(parsed as Partial<Parsed>, (name, message) => problems.push(`${name}: ${message}`));
  if (problems.length > 0) throw new InputError(problems);
  const i = parsed as Parsed;
  return {
    mode: i.mode,
    appName: i['app-name'],
    resourceGroup: i['resource-group'],
    subscriptionId: i['subscription-id'],
    clientId: i['client-id'],
    tenantId: i['tenant-id'],
    auth: i.auth,
    audience: i.audience,
    cloud: i.cloud,
    package: i.package,
    slot: i.slot ?? 'staging',
    targetSlot: i['target-slot'] ?? 'production',
    deployTimeoutMs: i['deploy-timeout'],
    url: i.url,
    expectedVersion: i['expected-version'],
    healthPath: i['health-path'] ?? '/healthz',
    readyPath: i['ready-path'],
    readyTimeoutMs: i['ready-timeout'],
    requestTimeoutMs: i['request-timeout'],
    headers: i.headers,
    smokePath: i['smoke-path'],
    smokeInput: i['smoke-input'],
    smokeExpect: i['smoke-expect'],
    smokeMinToolCalls: i['smoke-min-tool-calls'],
    maxSteps: i['max-steps'],
    maxToolCalls: i['max-tool-calls'],
    maxTokens: i['max-tokens'],
    budgetRequests: i['budget-requests'],
    budgetConcurrency: i['budget-concurrency'],
    budgetTarget: i['budget-target'],
    maxErrorRate: i['max-error-rate'],
    maxP95Ms: i['max-p95'],
    maxP99Ms: i['max-p99'],
    settingsDrift: i['settings-drift'],
    swapWithPreview: i['swap-with-preview'],
    preserveVnet: i['preserve-vnet'],
    swapTimeoutMs: i['swap-timeout'],
    watchMs: i.watch,
    watchIntervalMs: i['watch-interval'],
    reportPath: i['report-path'],
    reason: i.reason,
  };
}

/** Reads inputs as the runner passes them: absent stays undefined so defaults apply. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): Partial<RawInputs> {
  const raw: Partial<RawInputs> = {};
  for (const name of INPUT_NAMES) {
    const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
    if (value !== undefined) raw[name] = value;
  }
  return raw;
}
