// Emulator figures for the lead's bench runner: median swap time (tiny app in both slots, ARM LRO
// polled every 25 ms) and the deploy time of a 1 MB zip through Kudu OneDeploy (until the slot
// serves it: Kudu completes before the restart, as on Linux App Service). Run alone: node bench/emulator.ts
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { makeAppZip } from '../tests/fixtures/app-zip.ts';
import {
  armToken,
  emulatorFetch,
  startTestEmulator,
  waitForVersion,
} from '../tests/fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../tests/fixtures/emulator.ts';
import { pollUntil } from '../src/poll.ts';
import { median } from './lib/stats.ts';

export type BenchResult = { name: string; value: number; unit: string };

// Each measured operation gets a deadline: a stuck emulator fails the group, never hangs it.
const DEADLINE_MS = 60_000;
const FAST_POLL = { initialMs: 10, maxMs: 25, factor: 1 };

async function deploy(
  emu: TestEmulator,
  f: EmuFetch,
  token: string,
  slot: string,
  zip: Buffer,
  version: string,
): Promise<number> {
  const scm = (await emu.state()).slots[slot]!.scmUrl;
  const started = performance.now();
  const res = await f(`${scm}/api/publish?type=zip&async=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: zip,
  });
  if (res.status !== 202) throw new Error(`publish answered ${res.status}`);
  const location = res.headers.get('location')!;
  const done = await pollUntil(
    async () => {
      const poll = await f(location, { headers: { authorization: `Bearer ${token}` } });
      const body = (await poll.json()) as { complete: boolean; status: number };
      return body.complete
        ? { done: true, value: body.status }
        : { done: false, reason: `status ${body.status}` };
    },
    { deadline: Date.now() + DEADLINE_MS, backoff: FAST_POLL },
  );
  if (!done.ok) throw new Error(`deployment did not complete: ${done.reason}`);
  if (done.value !== 4) throw new Error(`deployment failed with status ${done.value}`);
  if ((await waitForVersion(emu, slot, version)) !== version)
    throw new Error(`${slot} never served ${version}`);
  return performance.now() - started;
}

async function swap(emu: TestEmulator, f: EmuFetch, token: string): Promise<number> {
  const { resourceManager } = emu.cloud.endpoints;
  const url = `${resourceManager}subscriptions/${emu.cloud.subscriptionId}/resourceGroups/${emu.cloud.resourceGroup}/providers/Microsoft.Web/sites/${emu.cloud.appName}/slots/staging/slotsswap?api-version=2025-05-01`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  const res = await f(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ targetSlot: 'production', preserveVnet: true }),
  });
  const op = res.headers.get('azure-asyncoperation')!;
  const done = await pollUntil(
    async () => {
      const { status } = (await (await f(op, { headers })).json()) as { status: string };
      return status === 'InProgress'
        ? { done: false, reason: status }
        : { done: true, value: status };
    },
    { deadline: Date.now() + DEADLINE_MS, backoff: FAST_POLL },
  );
  if (!done.ok || done.value !== 'Succeeded') throw new Error(`swap did not succeed`);
  return performance.now() - started;
}

export async function benchEmulator(): Promise<BenchResult[]> {
  const startedAt = performance.now();
  const emu = await startTestEmulator({ timings: { lroPollMs: 25 } });
  const startMs = performance.now() - startedAt;
  const f = emulatorFetch(emu);
  try {
    const token = await armToken(emu, f);
    await deploy(emu, f, token, 'production', makeAppZip({ version: '1.0.0' }), '1.0.0');
    await deploy(emu, f, token, 'staging', makeAppZip({ version: '2.0.0' }), '2.0.0');
    const swaps: number[] = [];
    for (let i = 0; i < 7; i++) swaps.push(await swap(emu, f, token));
    // Incompressible padding so the zip itself is ~1 MB.
    const padding = randomBytes(1024 * 1024)
      .toString('base64')
      .slice(0, 1_400_000);
    const bigZip = (version: string) =>
      makeAppZip({ version, extraFiles: { 'assets/blob.txt': padding } });
    const deploys: number[] = [];
    let zipBytes = 0;
    // A new version each run, so "serves it" cannot be the previous run's process.
    for (let i = 0; i < 3; i++) {
      const zip = bigZip(`3.0.${i}`);
      zipBytes = zip.length;
      deploys.push(await deploy(emu, f, token, 'staging', zip, `3.0.${i}`));
    }
    return [
      {
        name: 'emulator: start (CA, listeners, one app with staging)',
        value: Math.round(startMs),
        unit: 'ms',
      },
      {
        name: 'emulator: median swap staging->production (tiny app, 7 swaps)',
        value: Math.round(median(swaps)),
        unit: 'ms',
      },
      {
        name: `emulator: median deploy of a ${(zipBytes / 1048576).toFixed(2)} MB zip (OneDeploy, 3 runs)`,
        value: Math.round(median(deploys)),
        unit: 'ms',
      },
    ];
  } finally {
    await f.close();
    await emu.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchEmulator()) console.log(`${r.name}: ${r.value} ${r.unit}`);
}
