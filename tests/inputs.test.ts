import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/errors.ts';
import { INPUT_DEFAULTS, parseInputs, type RawInputs } from '../src/inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
const zip = join(dir, 'app.zip');
writeFileSync(zip, 'zip');
const cloudFile = join(dir, 'cloud.json');
writeFileSync(cloudFile, '{}');

const azure = {
  'app-name': 'my-app',
  'resource-group': 'rg-prod',
  'subscription-id': '00000000-0000-0000-0000-000000000001',
};

function problemsOf(raw: Partial<RawInputs>): string[] {
  try {
    parseInputs(raw);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).problems];
  }
}

describe('inputs: defaults', () => {
  it('verify mode needs only a url and fills every default', () => {
    const i = parseInputs({ mode: 'verify', url: 'https://app.example.com/' });
    expect(i).toMatchObject({
      mode: 'verify',
      url: 'https://app.example.com',
      healthPath: '/healthz',
      readyPath: '/readyz',
      readyTimeoutMs: 300_000,
      requestTimeoutMs: 10_000,
      smokePath: '/v1/agent/run',
      smokeInput: '{"input":"ping"}',
      budgetRequests: 50,
      budgetConcurrency: 4,
      budgetTarget: 'health',
      maxErrorRate: 0.01,
      settingsDrift: 'fail',
      swapWithPreview: false,
      preserveVnet: true,
      watchMs: 120_000,
      watchIntervalMs: 15_000,
      slot: 'staging',
      targetSlot: 'production',
    });
    expect(i.maxP95Ms).toBeUndefined();
  });

  it('treats an empty input as its default, as the runner does', () => {
    expect(parseInputs({ mode: 'verify', url: 'http://x', slot: '', watch: ' ' }).slot).toBe(
      'staging',
    );
  });

  it('turns readiness or the smoke off when their path is empty or none', () => {
    const i = parseInputs({
      mode: 'verify',
      url: 'http://x',
      'ready-path': '',
      'smoke-path': 'none',
    });
    expect(i.readyPath).toBeUndefined();
    expect(i.smokePath).toBeUndefined();
  });

  it('has a default for every input that the list knows', () => {
    expect(Object.keys(INPUT_DEFAULTS).length).toBeGreaterThan(30);
  });
});

describe('inputs: each value is checked', () => {
  const cases: Array<[Partial<RawInputs>, string]> = [
    [
      { mode: 'ship' },
      'mode: expected one of release, deploy, swap, rollback, verify, cleanup, got "ship"',
    ],
    [
      { 'ready-timeout': '5 minutes' },
      'ready-timeout: expected a duration such as 90s, 5m or 1m30s, got "5 minutes"',
    ],
    [{ 'request-timeout': '10' }, 'request-timeout: expected a duration'],
    [{ 'deploy-timeout': '500ms' }, 'deploy-timeout: must be at least 1000ms'],
    [{ 'max-p95': '0s' }, 'max-p95: expected a positive duration'],
    [{ 'max-error-rate': '5' }, 'max-error-rate: expected a percentage such as 1%'],
    [{ 'max-error-rate': '150%' }, 'max-error-rate: expected a percentage'],
    [{ 'budget-requests': '-1' }, 'budget-requests: expected a whole number from 0 to 100000'],
    [{ 'budget-concurrency': '0' }, 'budget-concurrency: expected a whole number from 1 to 256'],
    [{ 'max-steps': '2.5' }, 'max-steps: expected a whole number from 1 to 100000 or empty'],
    [{ 'max-tokens': 'lots' }, 'max-tokens: expected a whole number'],
    [{ 'swap-with-preview': 'yes' }, 'swap-with-preview: expected true or false, got "yes"'],
    [{ 'preserve-vnet': '1' }, 'preserve-vnet: expected true or false'],
    [{ 'health-path': 'healthz' }, 'health-path: expected a health path starting with /'],
    [{ 'ready-path': '/ready z' }, 'ready-path: expected a readiness path starting with /'],
    [{ 'smoke-input': '{input:ping}' }, 'smoke-input: expected valid JSON'],
    [{ 'smoke-expect': '/(unclosed/' }, 'smoke-expect: invalid regular expression'],
    [{ 'budget-target': 'readyz' }, 'budget-target: expected one of health, smoke'],
    [{ 'settings-drift': 'ignore' }, 'settings-drift: expected one of fail, warn, off'],
    [{ auth: 'publish-profile' }, 'auth: expected one of auto, oidc, azure-cli, environment'],
    [
      { cloud: 'Mars' },
      'cloud: expected AzureCloud, AzureChinaCloud, AzureUSGovernment or the path of an existing cloud file',
    ],
    [{ url: 'ftp://x' }, 'url: expected an http(s) URL'],
    [{ slot: 'bad_slot!' }, 'slot: expected a slot name'],
    [{ 'subscription-id': 'not-a-guid' }, 'subscription-id: expected a subscription id (GUID)'],
    [{ 'client-id': '1234' }, 'client-id: expected a client id (GUID)'],
    [{ headers: 'Authorization Bearer abc' }, 'headers: line 1 is not "Name: value"'],
  ];
  it.each(cases)('%j → %s', (raw, expected) => {
    const problems = problemsOf({ mode: 'verify', url: 'http://x', ...raw });
    expect(problems.join('\n')).toContain(expected);
  });

  it('parses durations, rates and matchers into numbers and matchers', () => {
    const i = parseInputs({
      mode: 'verify',
      url: 'http://x',
      'ready-timeout': '1m30s',
      'max-error-rate': '0.5%',
      'max-p99': '1.5s',
      'smoke-expect': '/^po+ng$/i',
      headers: 'X-Api-Key: k1\nX-Tenant: t',
    });
    expect(i.readyTimeoutMs).toBe(90_000);
    expect(i.maxErrorRate).toBeCloseTo(0.005);
    expect(i.maxP99Ms).toBe(1500);
    expect(i.smokeExpect?.kind).toBe('regex');
    expect(i.headers).toEqual({ 'x-api-key': 'k1', 'x-tenant': 't' });
  });

  it('never echoes a header line, which may hold a credential', () => {
    const problems = problemsOf({
      mode: 'verify',
      url: 'http://x',
      headers: 'Bearer s3cr3t-value',
    });
    expect(problems.join()).not.toContain('s3cr3t');
  });
});

describe('inputs: rules between inputs', () => {
  it('lists every problem at once, each with the input name', () => {
    const problems = problemsOf({
      mode: 'release',
      'ready-timeout': 'soon',
      'budget-requests': 'x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'app-name: is required in release mode',
        'resource-group: is required in release mode',
        'subscription-id: is required in release mode',
        'package: is required in release mode',
        expect.stringMatching(/^ready-timeout: expected a duration/),
        expect.stringMatching(/^budget-requests: expected a whole number/),
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('verify mode needs a url', () => {
    expect(problemsOf({ mode: 'verify' })).toEqual(['url: is required in verify mode']);
  });

  it('release needs a package that exists', () => {
    expect(problemsOf({ mode: 'release', ...azure, package: join(dir, 'missing.zip') })).toEqual([
      `package: file not found: "${join(dir, 'missing.zip')}"`,
    ]);
    expect(problemsOf({ mode: 'release', ...azure, package: zip })).toEqual([]);
  });

  it('oidc needs client-id and tenant-id', () => {
    expect(problemsOf({ mode: 'swap', ...azure, auth: 'oidc' })).toEqual([
      'client-id: is required when auth is oidc',
      'tenant-id: is required when auth is oidc',
    ]);
  });

  it('half an OIDC login is an error, not a fall-back to azure/login', () => {
    expect(
      problemsOf({ mode: 'swap', ...azure, 'client-id': '00000000-0000-0000-0000-000000000002' }),
    ).toEqual(['tenant-id: is required with client-id for OIDC login']);
    expect(problemsOf({ mode: 'swap', ...azure, 'tenant-id': 'contoso.onmicrosoft.com' })).toEqual([
      'client-id: is required with tenant-id for OIDC login',
    ]);
  });

  it('a swap needs two different slots', () => {
    expect(problemsOf({ mode: 'swap', ...azure, slot: 'production' })).toEqual([
      'target-slot: must differ from slot ("production")',
    ]);
  });

  it('cleanup refuses production, staging and the target slot', () => {
    for (const slot of ['production', 'staging', 'Production']) {
      expect(problemsOf({ mode: 'cleanup', ...azure, slot })).toEqual([
        `slot: cleanup deletes preview slots only and refuses "${slot}"`,
      ]);
    }
    expect(problemsOf({ mode: 'cleanup', ...azure, slot: 'pr-123' })).toEqual([]);
  });

  it('deploy never targets production', () => {
    expect(problemsOf({ mode: 'deploy', ...azure, package: zip, slot: 'production' })).toEqual([
      'slot: deploy mode never deploys to production; use release',
    ]);
  });

  it('budget concurrency cannot exceed the requests', () => {
    expect(
      problemsOf({
        mode: 'verify',
        url: 'http://x',
        'budget-requests': '2',
        'budget-concurrency': '8',
      }),
    ).toEqual(['budget-concurrency: must not exceed budget-requests (2)']);
  });

  it('smoke guardrails need a smoke call', () => {
    expect(
      problemsOf({
        mode: 'verify',
        url: 'http://x',
        'smoke-path': '',
        'max-tokens': '10',
        'budget-target': 'smoke',
      }),
    ).toEqual([
      'budget-target: is smoke but smoke-path is empty',
      'max-tokens: needs a smoke call, but smoke-path is empty',
    ]);
  });

  it('min tool calls cannot exceed max tool calls', () => {
    expect(
      problemsOf({
        mode: 'verify',
        url: 'http://x',
        'smoke-min-tool-calls': '3',
        'max-tool-calls': '2',
      }),
    ).toEqual(['smoke-min-tool-calls: must not exceed max-tool-calls (2)']);
  });

  it('p95 cannot exceed p99, watch-interval cannot exceed watch, request-timeout cannot exceed ready-timeout', () => {
    expect(
      problemsOf({
        mode: 'verify',
        url: 'http://x',
        'max-p95': '2s',
        'max-p99': '1s',
        watch: '10s',
        'watch-interval': '20s',
        'request-timeout': '2m',
        'ready-timeout': '1m',
      }),
    ).toEqual([
      'max-p95: must not exceed max-p99',
      'watch-interval: must not exceed watch',
      'request-timeout: must not exceed ready-timeout',
    ]);
  });

  it('accepts a custom cloud file', () => {
    expect(problemsOf({ mode: 'swap', ...azure, cloud: cloudFile })).toEqual([]);
    expect(problemsOf({ mode: 'swap', ...azure, cloud: 'azureusgovernment' })).toEqual([]);
  });
});
