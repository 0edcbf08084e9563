// Error mapping, and the ARM wrapper against a scripted in-process HTTP client (no network).
import { describe, expect, it } from '@jest/globals';
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { SlotReleaseError } from '../../src/errors.ts';
import { createAppService } from '../../src/azure/app-service.ts';
import { KnownClouds } from '../../src/azure/cloud.ts';
import { readAzureError, readErrorBody, toSlotReleaseError } from '../../src/azure/errors.ts';

describe('readErrorBody', () => {
  it('reads the ARM shape and the App Service PascalCase shape', () => {
    expect(readErrorBody({ error: { code: 'ResourceNotFound', message: 'gone' } })).toEqual({
      code: 'ResourceNotFound',
      message: 'gone',
    });
    expect(
      readErrorBody(
        JSON.stringify({
          Code: 'Conflict',
          Message: 'Cannot modify this site because another operation is in progress.',
          Target: null,
          Details: [{ Message: 'x' }],
        }),
      ),
    ).toEqual({
      code: 'Conflict',
      message: 'Cannot modify this site because another operation is in progress.',
    });
    expect(
      readErrorBody({ Code: 'Conflict', Details: [{ ErrorEntity: { Message: 'from entity' } }] }),
    ).toEqual({ code: 'Conflict', message: 'from entity' });
    expect(readErrorBody('<html>')).toBeUndefined();
    expect(readErrorBody({})).toBeUndefined();
  });
});

describe('toSlotReleaseError', () => {
  const restError = (statusCode: number, message: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name: 'RestError', statusCode, ...extra });

  it('names status, code, message and a hint per status', () => {
    const cases: Array<[number, RegExp]> = [
      [401, /client-id, tenant-id/],
      [403, /role assignment/],
      [404, /app-name, resource-group/],
      [409, /Another operation/],
      [429, /throttled/],
      [503, /server error/],
    ];
    for (const [status, hint] of cases) {
      const error = toSlotReleaseError(
        restError(status, 'boom', { code: 'SomeCode' }),
        'get slot staging of app web1',
      );
      expect(error).toBeInstanceOf(SlotReleaseError);
      expect(error.message).toBe(
        `Azure could not get slot staging of app web1 (HTTP ${status} SomeCode): boom`,
      );
      expect(error.hint).toMatch(hint);
    }
  });

  it('falls back to the PascalCase body when the SDK only says "Unexpected status code"', () => {
    const error = restError(409, 'Unexpected status code: 409', {
      response: {
        status: 409,
        bodyAsText: JSON.stringify({ Code: 'Conflict', Message: 'swap in progress' }),
      },
    });
    expect(readAzureError(error)).toEqual({
      statusCode: 409,
      code: 'Conflict',
      message: 'swap in progress',
    });
    expect(toSlotReleaseError(error, 'swap').message).toBe(
      'Azure could not swap (HTTP 409 Conflict): swap in progress',
    );
  });

  it('reads Azure code and message out of a failed long-running operation', () => {
    const error = toSlotReleaseError(
      new Error(
        'The long-running operation has failed. SwapFailed. Warm-up of staging timed out. ',
      ),
      'swap staging into production',
      () => 'check warm-up',
    );
    expect(error.message).toBe(
      'Azure could not swap staging into production (operation failed, SwapFailed): Warm-up of staging timed out.',
    );
    expect(error.hint).toBe('check warm-up');
  });

  it('passes SlotReleaseErrors through and wraps transport errors', () => {
    const own = new SlotReleaseError('mine');
    expect(toSlotReleaseError(own, 'x')).toBe(own);
    const wrapped = toSlotReleaseError(new Error('connect ECONNREFUSED'), 'list slots');
    expect(wrapped.message).toBe('Azure could not list slots: connect ECONNREFUSED');
    expect(wrapped.hint).toMatch(/network access/);
  });
});

// --- A scripted ARM behind the SDK's HttpClient seam ---------------------------------------

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = (request: PipelineRequest, n: number) => Reply | undefined;

function scriptedArm(routes: Record<string, Route>): HttpClient & { calls: string[] } {
  const counts: Record<string, number> = {};
  const calls: string[] = [];
  return {
    calls,
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const key = `${request.method} ${url.pathname.replace(/^\/subscriptions\/s1\/resourceGroups\/rg1\/providers\/Microsoft\.Web/, '')}`;
      calls.push(key);
      const n = (counts[key] = (counts[key] ?? 0) + 1);
      const reply = routes[key]?.(request, n) ?? {
        status: 404,
        body: { error: { code: 'ResourceNotFound', message: `no route ${key}` } },
      };
      return {
        request,
        status: reply.status,
        headers: createHttpHeaders({ 'content-type': 'application/json', ...reply.headers }),
        ...(reply.body !== undefined && { bodyAsText: JSON.stringify(reply.body) }),
      };
    },
  };
}

const site = (name: string, host: string) => ({
  id: `/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Web/sites/${name}`,
  name,
  location: 'East US',
  properties: {
    state: 'Running',
    defaultHostName: host,
    hostNameSslStates: [
      { name: host, hostType: 'Standard' },
      { name: host.replace('.', '.scm.'), hostType: 'Repository' },
    ],
  },
});

function service(arm: HttpClient, extra: { setSecret?: (s: string) => void } = {}) {
  return createAppService({
    credential: {
      getToken: async () => ({ token: 'tok', expiresOnTimestamp: Date.now() + 3.6e6 }),
    },
    cloud: { ...KnownClouds.AzureCloud, resourceManager: 'https://arm.test' },
    subscriptionId: 's1',
    resourceGroup: 'rg1',
    appName: 'web1',
    httpClient: arm,
    pollIntervalMs: 20,
    retry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
    ...extra,
  });
}

describe('createAppService (scripted ARM)', () => {
  it('reads slot URLs from defaultHostName and the Repository host', async () => {
    const arm = scriptedArm({
      'GET /sites/web1/slots/staging': () => ({
        status: 200,
        body: site('web1/staging', 'web1-staging.azurewebsites.net'),
      }),
      'GET /sites/web1': () => ({ status: 200, body: site('web1', 'web1.azurewebsites.net') }),
    });
    const app = service(arm);
    await expect(app.getSlot('staging')).resolves.toEqual({
      name: 'staging',
      hostUrl: 'https://web1-staging.azurewebsites.net',
      scmUrl: 'https://web1-staging.scm.azurewebsites.net',
      state: 'Running',
    });
    expect((await app.getSlot('production')).hostUrl).toBe('https://web1.azurewebsites.net');
  });

  it('says which slots exist when a slot is missing', async () => {
    const arm = scriptedArm({
      'GET /sites/web1/slots': () => ({
        status: 200,
        body: { value: [site('web1/staging', 'a.b'), site('web1/pr-7', 'c.d')] },
      }),
    });
    const error = (await service(arm)
      .getSlot('qa')
      .catch((e: unknown) => e)) as SlotReleaseError;
    expect(error.message).toBe('slot qa of app web1 not found (resource group rg1).');
    expect(error.hint).toContain('Existing slots: staging, pr-7.');
  });

  it('maps a PascalCase 409 on swap to Azure code and message', async () => {
    const arm = scriptedArm({
      'POST /sites/web1/slots/staging/slotsswap': () => ({
        status: 409,
        body: {
          Code: 'Conflict',
          Message: 'Cannot modify this site because another operation is in progress.',
        },
      }),
    });
    const error = (await service(arm)
      .swap({ source: 'staging', target: 'production', preserveVnet: true, timeoutMs: 5000 })
      .catch((e: unknown) => e)) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toContain('(HTTP 409 Conflict): Cannot modify this site');
    expect(error.hint).toMatch(/Another operation/);
  });

  it('retries a 429 with Retry-After within the SDK budget', async () => {
    const arm = scriptedArm({
      'POST /sites/web1/config/appsettings/list': (_r, n) =>
        n <= 2
          ? {
              status: 429,
              headers: { 'retry-after-ms': '10' },
              body: { error: { code: 'TooManyRequests', message: 'slow down' } },
            }
          : {
              status: 200,
              body: { name: 'appsettings', properties: { API_KEY: 'sekret-value', FLAG: 'true' } },
            },
    });
    const secrets: string[] = [];
    const settings = await service(arm, { setSecret: (s) => secrets.push(s) }).listAppSettings(
      'production',
    );
    expect(settings).toEqual({ API_KEY: 'sekret-value', FLAG: 'true' });
    expect(secrets).toEqual(['sekret-value']);
    expect(arm.calls.filter((c) => c.endsWith('appsettings/list'))).toHaveLength(3);
  });

  it('swaps through the LRO and bounds a swap that never finishes', async () => {
    let polls = 0;
    const arm = scriptedArm({
      'POST /sites/web1/slots/staging/slotsswap': () => ({
        status: 202,
        headers: {
          location:
            'https://arm.test/subscriptions/s1/providers/Microsoft.Web/operationresults/op1',
        },
      }),
      'GET /subscriptions/s1/providers/Microsoft.Web/operationresults/op1': () => {
        polls += 1;
        return { status: polls >= 2 ? 200 : 202 };
      },
      'POST /sites/web1/slots/stuck/slotsswap': () => ({
        status: 202,
        headers: {
          location:
            'https://arm.test/subscriptions/s1/providers/Microsoft.Web/operationresults/op2',
        },
      }),
      'GET /subscriptions/s1/providers/Microsoft.Web/operationresults/op2': () => ({ status: 202 }),
    });
    const app = service(arm);
    const progress: number[] = [];
    await app.swap({
      source: 'staging',
      target: 'production',
      preserveVnet: true,
      timeoutMs: 5000,
      onProgress: (ms) => progress.push(ms),
    });
    expect(polls).toBe(2);
    expect(progress.length).toBeGreaterThan(0);

    const error = (await app
      .swap({ source: 'stuck', target: 'production', preserveVnet: true, timeoutMs: 200 })
      .catch((e: unknown) => e)) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toContain('did not finish within 200ms');
    expect(error.hint).toContain('may still be running in Azure');
  });

  it('refuses to delete production and treats a missing slot as deleted', async () => {
    const app = service(scriptedArm({}));
    await expect(app.deleteSlot('production')).rejects.toThrow('Refusing to delete');
    await expect(app.deleteSlot('pr-9')).resolves.toEqual({ deleted: false });
  });
});
