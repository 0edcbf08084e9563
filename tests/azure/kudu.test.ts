// deployZip / getRunningDeployment against a scripted Kudu on 127.0.0.1 (plain HTTP: the Kudu
// client has no TLS-only rule; the emulator tests cover HTTPS).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { SlotReleaseError } from '../../src/errors.ts';
import {
  deployZip,
  getRunningDeployment,
  retryAfterMs,
  type DeployZipOptions,
} from '../../src/azure/kudu.ts';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Route = (n: number, req: IncomingMessage, body: Buffer) => Reply;

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function fakeKudu(routes: Record<string, Route>) {
  const counts: Record<string, number> = {};
  const seen: Array<{ key: string; auth: string | undefined; bytes: number }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const key = `${req.method} ${path}`;
      const body = Buffer.concat(chunks);
      seen.push({ key, auth: req.headers.authorization, bytes: body.length });
      const n = (counts[key] = (counts[key] ?? 0) + 1);
      const reply = routes[key]?.(n, req, body) ?? { status: 404, body: 'Not found' };
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function countingCredential() {
  const issued: string[] = [];
  return {
    issued,
    credential: {
      getToken: async () => {
        const token = `token-${issued.length + 1}`;
        issued.push(token);
        return { token, expiresOnTimestamp: Date.now() + 60_000 };
      },
    },
  };
}

const fast = {
  scope: 'https://management.azure.com/.default',
  slot: 'staging',
  pollBackoff: { initialMs: 5, maxMs: 10, factor: 1 },
  retry: { attempts: 4, backoff: { initialMs: 5, maxMs: 10, factor: 1 } },
};

/** A deployment of a one-byte package with the test's fast timings; `extra` overrides. */
const deployTo = (scmUrl: string, extra: Partial<DeployZipOptions> = {}) =>
  deployZip({
    ...fast,
    scmUrl,
    credential: countingCredential().credential,
    zip: Buffer.from('z'),
    timeoutMs: 10_000,
    ...extra,
  });

const running = (status: number) => ({ id: 'dep1', status, complete: false, status_text: '' });
const success = { id: 'dep1', status: 4, complete: true, log_url: '' };

describe('deployZip', () => {
  it('uploads with a fresh bearer token per request and waits for Success', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({
        status: 202,
        headers: { location: '/api/deployments/latest' },
      }),
      'GET /api/deployments/latest': (n) =>
        n < 3 ? { status: 202, body: running(1) } : { status: 200, body: success },
    });
    const { credential, issued } = countingCredential();
    const progress: string[] = [];
    const result = await deployZip({
      ...fast,
      scmUrl: kudu.url,
      credential,
      zip: Buffer.from('PK-fake-zip'),
      timeoutMs: 10_000,
      progressEveryMs: 0,
      onProgress: (p) => progress.push(p.status),
    });
    expect(result.deploymentId).toBe('dep1');
    expect(kudu.seen[0]).toEqual({ key: 'POST /api/publish', auth: 'Bearer token-1', bytes: 11 });
    expect(kudu.seen.map((s) => s.auth)).toEqual(issued.map((t) => `Bearer ${t}`));
    expect(issued).toHaveLength(4);
    expect(progress).toContain('Building');
  });

  it('follows SCM-DEPLOYMENT-ID when Kudu sends it', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({ status: 202, headers: { 'scm-deployment-id': 'abc' } }),
      'GET /api/deployments/abc': (n) =>
        n === 1 ? { status: 404 } : { status: 200, body: { ...success, id: 'abc' } },
    });
    const result = await deployTo(kudu.url);
    expect(result.deploymentId).toBe('abc');
  });

  it("follows Kudu's absolute Location when there is no deployment id", async () => {
    let base = '';
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({
        status: 202,
        headers: {
          location: `${base}/api/deployments/latest?deployer=slot-release&time=2026-11-25_10-00-00Z`,
        },
      }),
      'GET /api/deployments/latest': (n, req) => {
        expect(req.url).toContain('deployer=slot-release');
        return n === 1 ? { status: 202, body: running(1) } : { status: 200, body: success };
      },
    });
    base = kudu.url;
    const result = await deployTo(kudu.url);
    expect(result.deploymentId).toBe('dep1');
  });

  it('without any header, waits on the latest deployment', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({ status: 202 }),
      'GET /api/deployments/latest': (n) =>
        n === 1 ? { status: 202, body: running(1) } : { status: 200, body: success },
    });
    const result = await deployTo(kudu.url);
    expect(result.deploymentId).toBe('dep1');
    expect(kudu.seen.map((s) => s.key)).toEqual([
      'POST /api/publish',
      'GET /api/deployments/latest',
      'GET /api/deployments/latest',
    ]);
  });

  it('refuses with a clear error when a deployment is already running (409)', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({
        status: 409,
        body: 'There is a deployment currently in progress. Please try again when it completes.',
      }),
    });
    const error = (await deployTo(kudu.url).catch((e: unknown) => e)) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toMatch(
      /^a deployment is already running on slot staging \(Kudu: There is a deployment currently in progress/,
    );
    expect(error.hint).toContain('/api/deployments/latest');
  });

  it('retries a 429/503 burst on the upload and the polls', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': (n): Reply =>
        n <= 2
          ? { status: 429, headers: { 'retry-after': '0' } }
          : { status: 202, headers: { location: '/api/deployments/latest' } },
      'GET /api/deployments/latest': (n): Reply =>
        n === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200, body: success },
    });
    const result = await deployTo(kudu.url);
    expect(result.deploymentId).toBe('dep1');
    expect(kudu.seen.filter((s) => s.key === 'POST /api/publish')).toHaveLength(3);
  });

  it('gives up on a 429 storm after the retry budget', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({ status: 429, headers: { 'retry-after': '0' } }),
    });
    await expect(deployTo(kudu.url)).rejects.toThrow(
      /could not accept the package for slot staging \(HTTP 429\)/,
    );
    expect(kudu.seen).toHaveLength(4);
  });

  it('reports a failed deployment with the last lines of its log', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({
        status: 202,
        headers: { location: '/api/deployments/latest' },
      }),
      'GET /api/deployments/latest': () => ({
        status: 200,
        body: { id: 'dep9', status: 3, complete: true, status_text: 'Build failed' },
      }),
      'GET /api/deployments/dep9/log': () => ({
        status: 200,
        body: [
          { message: 'Extracting zip', type: 0 },
          { message: 'npm ERR! missing script: build', type: 2, details_url: '' },
        ],
      }),
    });
    const error = (await deployTo(kudu.url).catch((e: unknown) => e)) as SlotReleaseError;
    expect(error.message).toContain('Deployment dep9 to slot staging failed (Build failed).');
    expect(error.message).toContain('  npm ERR! missing script: build');
    expect(error.hint).toContain('/api/deployments/dep9/log');
  });

  it('stops at the deadline and says where to look', async () => {
    const kudu = await fakeKudu({
      'POST /api/publish': () => ({
        status: 202,
        headers: { location: '/api/deployments/latest' },
      }),
      'GET /api/deployments/latest': () => ({ status: 202, body: running(1) }),
    });
    // Long enough for the upload and a first poll even on a loaded machine.
    const error = (await deployTo(kudu.url, { timeoutMs: 2000 }).catch(
      (e: unknown) => e,
    )) as SlotReleaseError;
    expect(error.message).toBe(
      'The deployment to slot staging did not complete within 2.0s (deploy-timeout), waiting (last status: Building).',
    );
    expect(error.hint).toContain(`${kudu.url}/api/deployments/latest`);
  });

  it('explains an unreadable package path', async () => {
    await expect(
      deployTo('http://127.0.0.1:1', { zip: '/nonexistent/app.zip', timeoutMs: 1000 }),
    ).rejects.toThrow('Cannot read the package /nonexistent/app.zip.');
  });
});

describe('getRunningDeployment', () => {
  it('reports a running deployment, and null when none runs', async () => {
    let state: Reply = { status: 202, body: running(2) };
    const kudu = await fakeKudu({ 'GET /api/deployments/latest': () => state });
    const options = { ...fast, scmUrl: kudu.url, credential: countingCredential().credential };
    await expect(getRunningDeployment(options)).resolves.toEqual({
      id: 'dep1',
      status: 'Deploying',
    });
    state = { status: 200, body: success };
    await expect(getRunningDeployment(options)).resolves.toBeNull();
    state = { status: 404 };
    await expect(getRunningDeployment(options)).resolves.toBeNull();
    state = { status: 403, body: 'Forbidden' };
    await expect(getRunningDeployment(options)).rejects.toThrow(/HTTP 403/);
  });
});

it('parses Retry-After as seconds or an HTTP date', () => {
  expect(retryAfterMs('2')).toBe(2000);
  expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
  expect(retryAfterMs('soon')).toBeUndefined();
});
