// Kudu per slot: OneDeploy and legacy ZipDeploy, Azure's integer statuses and `complete` flag,
// SCM-DEPLOYMENT-ID + Location, logs, 409 while running, Basic auth with publishing credentials.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeAppZip } from '../fixtures/app-zip.ts';
import {
  armToken,
  emulatorFetch,
  startTestEmulator,
  waitForVersion,
} from '../fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let f: EmuFetch;
let token: string;
let scm: string;

type Deployment = {
  id: string;
  status: number;
  complete: boolean;
  log_url: string;
  active: boolean;
};

beforeAll(async () => {
  emu = await startTestEmulator();
  f = emulatorFetch(emu);
  token = await armToken(emu, f);
  scm = (await emu.state()).slots.staging!.scmUrl;
});

afterAll(async () => {
  await f?.close();
  await emu?.stop();
});

const bearer = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function waitComplete(url: string, headers: Record<string, string>): Promise<Deployment> {
  for (let i = 0; i < 400; i++) {
    const body = (await (await f(url, { headers })).json()) as Deployment;
    if (body.complete) return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('deployment did not complete');
}

describe('Kudu OneDeploy', () => {
  it('answers 202 with SCM-DEPLOYMENT-ID and a Location to poll, then reports status 4 (Success)', async () => {
    const res = await f(`${scm}/api/publish?type=zip&async=true`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '5.0.0' }),
    });
    expect(res.status).toBe(202);
    const id = res.headers.get('scm-deployment-id');
    expect(id).toBeTruthy();
    expect(res.headers.get('location')).toMatch(/\/api\/deployments\/latest/);
    const done = await waitComplete(res.headers.get('location')!, bearer());
    expect(done).toMatchObject({ id, status: 4, complete: true, active: true });
    const byId = (await (
      await f(`${scm}/api/deployments/${id}`, { headers: bearer() })
    ).json()) as Deployment;
    expect(byId.status).toBe(4);
    const log = (await (await f(done.log_url, { headers: bearer() })).json()) as Array<{
      message: string;
    }>;
    expect(log.map((l) => l.message).join('\n')).toMatch(/Deployment successful/);
    // Success comes before the restart, as on Linux App Service; then the slot serves the build.
    expect(await waitForVersion(emu, 'staging', '5.0.0')).toBe('5.0.0');
    expect((await emu.state()).slots.staging).toMatchObject({ version: '5.0.0', deploymentId: id });
  });

  it('accepts the slot publishing credentials (Basic) and rejects wrong ones', async () => {
    const state = await emu.state();
    const user = `$${emu.cloud.appName}__staging`;
    const wrong = await f(`${scm}/api/deployments`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(state.slots.staging!.scmUrl).toBe(scm);
  });

  it('runs synchronously without async=true and answers 200', async () => {
    const res = await f(`${scm}/api/publish?type=zip`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '5.1.0' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Deployment).status).toBe(4);
    expect(await waitForVersion(emu, 'staging', '5.1.0')).toBe('5.1.0');
  });

  it('supports legacy /api/zipdeploy?isAsync=true', async () => {
    const res = await f(`${scm}/api/zipdeploy?isAsync=true`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '5.2.0' }),
    });
    expect(res.status).toBe(202);
    expect((await waitComplete(res.headers.get('location')!, bearer())).status).toBe(4);
    expect(await waitForVersion(emu, 'staging', '5.2.0')).toBe('5.2.0');
  });

  it('answers 400 without a type, and marks a broken zip as status 3 (Failed)', async () => {
    const noType = await f(`${scm}/api/publish`, { method: 'POST', headers: bearer(), body: 'x' });
    expect(noType.status).toBe(400);
    const res = await f(`${scm}/api/publish?type=zip&async=true`, {
      method: 'POST',
      headers: bearer(),
      body: Buffer.from('not a zip'),
    });
    const done = await waitComplete(res.headers.get('location')!, bearer());
    expect(done).toMatchObject({ status: 3, complete: true });
    expect((await emu.state()).slots.staging!.version).toBe('5.2.0');
  });

  it('fails a deployment on demand, and a never-completing one blocks the next with 409 until faults are cleared', async () => {
    emu.faults.failNextDeployment({ slot: 'staging', mode: 'fail' });
    const failed = await f(`${scm}/api/publish?type=zip&async=true`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '6.0.0' }),
    });
    expect((await waitComplete(failed.headers.get('location')!, bearer())).status).toBe(3);

    emu.faults.failNextDeployment({ slot: 'staging', mode: 'never-complete' });
    const stuck = await f(`${scm}/api/publish?type=zip&async=true`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '6.1.0' }),
    });
    expect(stuck.status).toBe(202);
    const latest = await f(`${scm}/api/deployments/latest`, { headers: bearer() });
    expect(latest.status).toBe(202);
    expect(await latest.json()).toMatchObject({ status: 0, complete: false });
    const blocked = await f(`${scm}/api/publish?type=zip&async=true`, {
      method: 'POST',
      headers: bearer(),
      body: makeAppZip({ version: '6.2.0' }),
    });
    expect(blocked.status).toBe(409);
    emu.faults.clear();
    expect((await waitComplete(`${scm}/api/deployments/latest`, bearer())).status).toBe(3);
    expect((await emu.state()).slots.staging!.version).toBe('5.2.0');
  });
});
