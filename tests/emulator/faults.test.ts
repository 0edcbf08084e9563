// Fault injection through the programmatic API and the /_emulator/ admin routes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { armToken, deployVersion, emulatorFetch, startTestEmulator } from '../fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let f: EmuFetch;
let token: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  f = emulatorFetch(emu);
  token = await armToken(emu, f);
});

afterAll(async () => {
  await f?.close();
  await emu?.stop();
});

beforeEach(() => emu.faults.clear());

const admin = (path: string): string => `${emu.cloud.endpoints.activeDirectory}/_emulator${path}`;
const slotUrl = (): string =>
  `${emu.cloud.endpoints.resourceManager}subscriptions/${emu.cloud.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.Web/sites/app-demo/slots/staging?api-version=2022-03-01`;
const getSlot = (): Promise<Response> =>
  f(slotUrl(), { headers: { authorization: `Bearer ${token}` } });
const post = (path: string, body: unknown): Promise<Response> =>
  f(admin(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('faults', () => {
  it('answers the next N matching ARM calls with 429 + Retry-After, then recovers', async () => {
    emu.faults.add({
      target: 'arm',
      match: 'GET /subscriptions',
      status: 429,
      count: 2,
      retryAfterSeconds: 3,
    });
    const first = await getSlot();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.headers.get('retry-after-ms')).toBe('3000');
    expect(await first.json()).toEqual({
      error: { code: 'TooManyRequests', message: expect.any(String) },
    });
    expect((await getSlot()).status).toBe(429);
    expect((await getSlot()).status).toBe(200);
  });

  it('only matches the given method and path substring', async () => {
    emu.faults.add({ target: 'arm', match: 'slotsswap', status: 500, count: 1 });
    expect((await getSlot()).status).toBe(200);
    expect(emu.faults.list().requests).toHaveLength(1);
  });

  it('hangs a call until the client gives up', async () => {
    emu.faults.add({ target: 'arm', hang: true, count: 1 });
    await expect(
      f(slotUrl(), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/abort|timeout/i);
    expect((await getSlot()).status).toBe(200);
  });

  it('clear() releases a parked call: the connection closes instead of hanging', async () => {
    emu.faults.add({ target: 'arm', hang: true, count: 1 });
    const parked = f(slotUrl(), { headers: { authorization: `Bearer ${token}` } }).then(
      (res) => `answered ${res.status}`,
      () => 'closed',
    );
    // The fault is used up once the call is parked.
    for (let i = 0; i < 200 && emu.faults.list().requests.length > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(emu.faults.list().requests).toEqual([]);
    emu.faults.clear();
    await expect(parked).resolves.toBe('closed');
  });

  it('throttles the Entra token endpoint', async () => {
    emu.faults.add({ target: 'entra', match: 'oauth2', status: 503, count: 1 });
    await expect(armToken(emu, f)).rejects.toThrow(/503/);
    await expect(armToken(emu, f)).resolves.toBeTruthy();
  });

  it('fails Kudu calls', async () => {
    emu.faults.add({ target: 'kudu', match: 'POST /api/publish', status: 500, count: 1 });
    await expect(deployVersion(emu, { slot: 'staging', version: '1.0.0' })).rejects.toThrow(/500/);
    await expect(deployVersion(emu, { slot: 'staging', version: '1.0.0' })).resolves.toMatchObject({
      status: 4,
    });
  });

  it('is driven over HTTP too: POST/GET/DELETE /_emulator/faults and /_emulator/state', async () => {
    expect((await post('/faults', { target: 'arm', status: 503, count: 1 })).status).toBe(201);
    expect((await post('/faults/swap', { phase: 2 })).status).toBe(201);
    expect((await post('/faults/deployment', { slot: 'staging', mode: 'fail' })).status).toBe(201);
    const listed = (await (await f(admin('/faults'))).json()) as Record<string, unknown[]>;
    expect(listed.requests).toHaveLength(1);
    expect(listed.swaps).toEqual([{ phase: 2 }]);
    expect(listed.deployments).toEqual([{ slot: 'staging', mode: 'fail' }]);
    expect((await post('/faults', { target: 'nope', count: 1 })).status).toBe(400);
    expect((await f(admin('/faults'), { method: 'DELETE' })).status).toBe(200);
    expect(emu.faults.list()).toEqual({ requests: [], deployments: [], swaps: [] });
    const state = (await (await f(admin('/state'))).json()) as { production: { name: string } };
    expect(state.production.name).toBe('production');
  });

  it('changes app settings without ARM via POST /_emulator/appsettings', async () => {
    await deployVersion(emu, { slot: 'staging', version: '1.0.0' });
    expect(
      (await post('/appsettings', { slot: 'staging', set: { APP_VERSION: '7.7.7' } })).status,
    ).toBe(200);
    expect((await emu.state()).slots.staging).toMatchObject({ version: '7.7.7' });
    expect((await post('/appsettings', { slot: 'staging', remove: ['APP_VERSION'] })).status).toBe(
      200,
    );
    expect((await emu.state()).slots.staging!.version).toBe('1.0.0');
  });

  it('fails a swap in phase 2 without touching production', async () => {
    await deployVersion(emu, { slot: 'production', version: '1.0.0' });
    await deployVersion(emu, { slot: 'staging', version: '2.0.0' });
    emu.faults.failNextSwap({ phase: 2 });
    const swap = await f(slotUrl().replace('?', '/slotsswap?'), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targetSlot: 'production', preserveVnet: true }),
    });
    expect(swap.status).toBe(202);
    const op = swap.headers.get('azure-asyncoperation')!;
    let status = 'InProgress';
    const deadline = Date.now() + 30_000;
    while (status === 'InProgress' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = (
        (await (await f(op, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          status: string;
        }
      ).status;
    }
    expect(status).toBe('Failed');
    const location = await f(swap.headers.get('location')!, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(location.status).toBe(409);
    const state = await emu.state();
    expect(state.production.version).toBe('1.0.0');
    expect(state.slots.staging!.version).toBe('2.0.0');
  });
});
