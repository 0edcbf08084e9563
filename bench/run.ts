// npm run bench [-- --only <group>[,<group>]] [-- --quick]
//
// Speed and memory are measured here, never asserted in tests, and as ratios against a
// reference measured in the same run, so that the figures mean something on any machine:
//   action       bench/action.ts   cold start and peak RSS of `node dist/index.js` vs `node -e 0`;
//                                  readiness detection lag vs the poll gap around the flip;
//                                  budget sampler req/s vs autocannon and vs a plain undici loop
//   release      bench/release.ts  a release on the emulator (watch 0) split into waiting on
//                                  Azure, waiting on the app and our own time, as shares of it
//   emulator     bench/emulator.ts, example-app  bench/example-app.ts (owned by their modules)
// A failing or missing group is reported and the others still run; whatever a group started is
// stopped at the end, or on Ctrl-C. One table is printed and written as JSON to
// .reports/bench.json. --quick runs fewer repetitions (about half the time).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanUpEverything } from './lib/process.ts';
import { distEntry, root } from './lib/runner-env.ts';
import { formatTable, type BenchRow, type Row } from './lib/table.ts';

const GROUPS = ['action', 'release', 'emulator', 'example-app'] as const;
type Group = (typeof GROUPS)[number];
type RunGroup = (options: { quick: boolean; signal: AbortSignal }) => Promise<Row[]>;
type GroupReport = {
  name: Group;
  status: 'ok' | 'failed' | 'not available';
  durationMs: number;
  error?: string;
};

// A group that runs longer is abandoned (its own loops watch the signal) so the run still ends.
const GROUP_TIMEOUT_MS = 180_000;
const DIST_MISSING = 'dist/index.js is missing: run `npm run bundle` first';

/** Loads a group, or says why it is not available. Groups owned elsewhere may not exist yet. */
async function loadGroup(name: Group): Promise<RunGroup | string> {
  switch (name) {
    case 'action':
      if (!existsSync(distEntry)) return DIST_MISSING;
      return (await import('./action.ts')).benchAction;
    case 'release':
      if (!existsSync(distEntry)) return DIST_MISSING;
      return (await import('./release.ts')).benchRelease;
    case 'emulator':
      return external(name, 'emulator.ts', 'benchEmulator');
    case 'example-app':
      return external(name, 'example-app.ts', 'benchExampleApp');
  }
}

async function external(group: Group, file: string, fn: string): Promise<RunGroup | string> {
  const url = new URL(`./${file}`, import.meta.url);
  if (!existsSync(url)) return `bench/${file} does not exist`;
  // A variable specifier: the file may not exist when this one is type-checked.
  const mod = (await import(url.href)) as Record<string, unknown>;
  const bench = mod[fn];
  if (typeof bench !== 'function') return `bench/${file} exports no ${fn}()`;
  return async ({ quick }) => {
    const rows = (await (bench as (o: { quick: boolean }) => unknown)({ quick })) as unknown;
    if (!Array.isArray(rows) || !rows.every(isBenchRow))
      throw new Error(`${fn}() did not return an array of { name, value, unit, note? }`);
    return rows.map((r) => ({ ...r, group }));
  };
}

function isBenchRow(r: unknown): r is BenchRow {
  const row = r as Partial<BenchRow> | null;
  return (
    typeof row?.name === 'string' && typeof row.value === 'number' && typeof row.unit === 'string'
  );
}

async function runGroup(
  name: Group,
  quick: boolean,
): Promise<{ report: GroupReport; rows: Row[] }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const bench = await loadGroup(name);
    if (typeof bench === 'string') {
      console.error(`- ${name}: not available (${bench})`);
      const status = bench === DIST_MISSING ? 'failed' : 'not available';
      return { report: { name, status, durationMs: elapsed(), error: bench }, rows: [] };
    }
    console.error(`▶ ${name}…`);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`did not finish within ${GROUP_TIMEOUT_MS / 1000} s`));
      }, GROUP_TIMEOUT_MS);
    });
    const rows = await Promise.race([bench({ quick, signal: controller.signal }), timedOut]);
    console.error(`✓ ${name} in ${(elapsed() / 1000).toFixed(1)} s`);
    return { report: { name, status: 'ok', durationMs: elapsed() }, rows };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`✗ ${name} failed after ${(elapsed() / 1000).toFixed(1)} s: ${message}`);
    if (error instanceof Error && error.stack)
      console.error(error.stack.split('\n').slice(1, 4).join('\n'));
    return { report: { name, status: 'failed', durationMs: elapsed(), error: message }, rows: [] };
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      `npm run bench [-- --only <group>[,<group>]] [-- --quick]\ngroups: ${GROUPS.join(', ')}`,
    );
    return;
  }
  const only = (values.only ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = only.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) {
    console.error(`unknown group: ${unknown.join(', ')} (groups: ${GROUPS.join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const groups = only.length > 0 ? GROUPS.filter((g) => only.includes(g)) : [...GROUPS];
  const quick = values.quick ?? false;

  const machine = {
    node: process.version,
    execPath: process.execPath,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
  console.error(
    `bench: ${groups.join(', ')}${quick ? ' (quick)' : ''} on node ${machine.node}, ${machine.platform}, ${machine.cpus} CPUs, load ${machine.loadAverage1m}`,
  );
  if (!existsSync(distEntry)) console.error(`! ${DIST_MISSING}`);

  const startedAt = new Date().toISOString();
  const started = performance.now();
  const reports: GroupReport[] = [];
  const rows: Row[] = [];
  for (const group of groups) {
    const r = await runGroup(group, quick);
    reports.push(r.report);
    rows.push(...r.rows);
  }
  const killed = await cleanUpEverything();
  for (const command of killed)
    console.error(`! stopped a process still running after the groups: ${command}`);

  const table = formatTable(rows);
  console.log(`\n${table}\n`);
  const skipped = reports.filter((r) => r.status !== 'ok');
  for (const r of skipped) console.log(`${r.name}: ${r.status} — ${r.error}`);

  const out = join(root, '.reports/bench.json');
  await mkdir(join(root, '.reports'), { recursive: true });
  const report = {
    schema: 'slot-release/bench@1',
    startedAt,
    durationMs: Math.round(performance.now() - started),
    quick,
    machine,
    groups: reports,
    rows,
    table,
  };
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${out} in ${(report.durationMs / 1000).toFixed(1)} s`);
  if (reports.some((r) => r.status === 'failed')) process.exitCode = 1;
}

// An interrupted run still stops the emulator and kills the servers it started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping what the bench started…`);
    void cleanUpEverything().finally(() => process.exit(130));
  });
}

await main();
