// Slots that really run: the placeholder before any deployment, app settings as environment,
// crash restarts with backoff, frozen slots, and no child process left after stop().
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { makeAppZip } from '../fixtures/app-zip.ts';
import {
  appPidsUnder,
  deployVersion,
  emulatorFetch,
  startTestEmulator,
} from '../fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let f: EmuFetch;

beforeAll(async () => {
  emu = await startTestEmulator({ apps: [{ name: 'app-demo', slots: ['staging', 'canary'] }] });
  f = emulatorFetch(emu);
});

afterAll(async () => {
  await f?.close();
  await emu?.stop();
});

async function until<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('slot runtime', () => {
  it('serves the platform placeholder before anything is deployed, and 404 on /healthz', async () => {
    const { hostUrl } = (await emu.state()).slots.canary!;
    const home = await f(`${hostUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toMatch(/App Service/);
    expect((await f(`${hostUrl}/healthz`)).status).toBe(404);
  });

  it('runs the deployed zip with PORT and the slot app settings as environment', async () => {
    await emu.setAppSettings({
      slot: 'staging',
      set: { APP_VERSION: 'from-setting' },
      restart: false,
    });
    // The zip says 1.2.3; the slot will report the setting, which is what the deploy waits for.
    const zip = makeAppZip({ version: '1.2.3' });
    await deployVersion(emu, { slot: 'staging', version: 'from-setting', zip });
    const { hostUrl, processState } = (await emu.state()).slots.staging!;
    expect(processState).toBe('running');
    expect(await (await f(`${hostUrl}/healthz`)).json()).toEqual({
      status: 'ok',
      version: 'from-setting',
    });
    await emu.setAppSettings({ slot: 'staging', remove: ['APP_VERSION'] });
    expect((await emu.state()).slots.staging!.version).toBe('1.2.3');
  });

  it('restarts a crashed process with backoff, like the platform', async () => {
    const stagingDir = join(emu.workDir, 'app-demo', 'staging');
    const [crashed] = appPidsUnder(stagingDir);
    emu.faults.crashSlot({ slot: 'staging' });
    // A new process, not the old one still answering before its exit is noticed.
    const state = await until(
      async () => ({ ...(await emu.state()).slots.staging!, pids: appPidsUnder(stagingDir) }),
      (s) => s.processState === 'running' && s.version === '1.2.3' && !s.pids.includes(crashed!),
    );
    expect(crashed).toBeDefined();
    expect(state).toMatchObject({ processState: 'running', version: '1.2.3' });
  });

  it('keeps restarting an app that crashes at start, serving 503 meanwhile', async () => {
    await emu.setAppSettings({
      slot: 'canary',
      set: { REHEARSAL_CRASH_ON_START: 'true' },
      restart: false,
    });
    await deployVersion(emu, { slot: 'canary', version: '9.9.9' });
    const { hostUrl, processState, version } = (await emu.state()).slots.canary!;
    expect(['crashed', 'starting']).toContain(processState);
    expect(version).toBeNull();
    expect((await f(`${hostUrl}/healthz`)).status).toBe(503);
  });

  it('stops answering when frozen, and answers again after faults.clear()', async () => {
    const { hostUrl } = (await emu.state()).slots.staging!;
    emu.faults.freezeSlot({ slot: 'staging' });
    await expect(f(`${hostUrl}/healthz`, { signal: AbortSignal.timeout(500) })).rejects.toThrow();
    expect((await emu.state()).slots.staging!.processState).toBe('frozen');
    emu.faults.clear();
    expect((await f(`${hostUrl}/healthz`)).status).toBe(200);
  });

  it('rejects when its port is taken, leaving nothing listening', async () => {
    const taken = Number(new URL(emu.cloud.endpoints.activeDirectory).port);
    await expect(startTestEmulator({ port: taken })).rejects.toThrow(/EADDRINUSE/);
  });

  it('leaves no child process behind after stop()', async () => {
    const extra = await startTestEmulator();
    await deployVersion(extra, { slot: 'production', version: '1.0.0' });
    await deployVersion(extra, { slot: 'staging', version: '2.0.0' });
    const pids = appPidsUnder(extra.workDir);
    expect(pids).toHaveLength(2);
    await extra.stop();
    await extra.stop(); // safe twice
    expect(pids.filter(pidAlive)).toEqual([]);
  });
});

describe('slot runtime: start limit', () => {
  it('kills an app that never listens and starts it again, like the platform', async () => {
    const lines: string[] = [];
    const slow = await startTestEmulator({
      apps: [{ name: 'app-demo', slots: ['staging'] }],
      timings: { startTimeoutMs: 400, restartBackoffMs: 100, restartBackoffMaxMs: 200 },
      log: (line) => lines.push(line),
    });
    try {
      const zip = makeAppZip({
        version: '0.0.1',
        extraFiles: { 'server.js': 'setInterval(() => {}, 1000);\n' },
      });
      await deployVersion(slow, { slot: 'staging', version: '0.0.1', zip });
      await until(
        async () => lines.filter((l) => l.includes('no listener on PORT')).length,
        (n) => n >= 2,
        10_000,
      );
      expect(lines.filter((l) => l.includes('no listener on PORT')).length).toBeGreaterThanOrEqual(
        2,
      );
      expect((await slow.state()).slots.staging!.version).toBeNull();
    } finally {
      await slow.stop();
    }
  });
});
