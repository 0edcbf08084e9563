// A whole release on the local emulator, and where its time goes: waiting on Azure (the
// emulator's ARM and Kudu), waiting on the app (gates), and our own (process start, module
// load, login and everything between stages). Each share is against the total of the same run.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startTestEmulator } from '../tests/fixtures/emulator.ts';
import { appZip, azureInputs, oidcEnv } from '../tests/fixtures/release-env.ts';
import { runAction } from '../tests/fixtures/runner.ts';
import { onInterrupt, tail } from './lib/process.ts';
import { splitRelease, type ReleaseSplit } from './lib/split.ts';
import { median } from './lib/stats.ts';
import { compared, type Row } from './lib/table.ts';

export type BenchOptions = { quick?: boolean; signal?: AbortSignal };

const GROUP = 'release';

/**
 * Starts the emulator (HTTPS, OIDC, the tiny fixture app), releases v1 into the empty production
 * untimed, then times `node dist/index.js` releasing v2… exactly as tests/e2e/release.test.ts
 * runs it, with `watch: 0` so the figure has no fixed sleep in it.
 */
export async function benchRelease({ quick, signal }: BenchOptions = {}): Promise<Row[]> {
  const versions = quick ? ['v2'] : ['v2', 'v3', 'v4'];
  const emu = await startTestEmulator({
    apps: [{ name: 'agent-web', resourceGroup: 'rg-agents', slots: ['staging'] }],
  });
  const unregister = onInterrupt(() => emu.stop());
  const leftovers = new Set<string>();
  const release = async (version: string) => {
    const pkg = await appZip(version);
    leftovers.add(dirname(pkg));
    const inputs = azureInputs(emu, {
      mode: 'release',
      package: pkg,
      'expected-version': version,
      watch: '0',
    });
    const started = performance.now();
    const r = await runAction(inputs, { env: oidcEnv(emu), timeoutMs: 90_000 });
    const wallMs = performance.now() - started;
    if (r.outputs['report-path']) leftovers.add(dirname(r.outputs['report-path']));
    if (r.outputs.result !== 'promoted')
      throw new Error(
        `release ${version}: ${r.outputs.result ?? `exit ${r.exitCode}`}\n${tail(r.stdout + r.stderr)}`,
      );
    return splitRelease(wallMs, r.report);
  };
  const splits: ReleaseSplit[] = [];
  try {
    await release('v1');
    for (const version of versions) {
      signal?.throwIfAborted();
      splits.push(await release(version));
    }
  } finally {
    await emu.stop();
    unregister();
    await Promise.all([...leftovers].map((d) => rm(d, { recursive: true, force: true })));
  }
  return releaseRows(splits);
}

function releaseRows(splits: readonly ReleaseSplit[]): Row[] {
  const m = (pick: (s: ReleaseSplit) => number) => median(splits.map(pick));
  const total = { name: 'total', value: m((s) => s.wallMs) };
  const share = (name: string, value: number, note?: string): Row =>
    compared({ group: GROUP, name: `release ${name}`, value, unit: 'ms', note }, total);
  const stageNames = splits[0]?.stages.map((s) => s.name) ?? [];
  const stageMs = (s: ReleaseSplit, name: string) =>
    s.stages.find((x) => x.name === name)?.durationMs ?? NaN;
  return [
    {
      group: GROUP,
      name: 'release total wall time (median)',
      value: total.value,
      unit: 'ms',
      note: `${splits.length} release${splits.length === 1 ? '' : 's'} (v2…) after v1, node dist/index.js spawn to exit; watch 0 (skipped), budget 20 GETs at c=4, smoke on; emulator over HTTPS + OIDC, LRO poll 100 ms`,
    },
    ...stageNames.map((name) =>
      share(
        `stage ${name}`,
        m((s) => stageMs(s, name)),
        splits[0]!.stages.find((x) => x.name === name)?.status === 'skipped'
          ? 'skipped'
          : undefined,
      ),
    ),
    share(
      'waiting on Azure (emulator)',
      m((s) => s.azureMs),
      'resolve + deploy + settings + swap',
    ),
    share(
      'waiting on the app',
      m((s) => s.appMs),
      'ready + smoke + budget + watch',
    ),
    ...(splits.some((s) => s.otherStagesMs > 0)
      ? [
          share(
            'other stages',
            m((s) => s.otherStagesMs),
          ),
        ]
      : []),
    share(
      'ours (total − stages)',
      m((s) => s.oursMs),
      'process start and module load, login, record and summary, between stages',
    ),
    share(
      'ours: process start + exit',
      m((s) => s.processMs),
      'spawn → record start, record end → exit',
    ),
    share(
      'ours: between stages',
      m((s) => s.betweenMs),
      'inside the record, in no stage',
    ),
  ];
}
