// `npm run demo`: a whole release on the local App Service emulator, run by the bundled action
// exactly as a GitHub runner would run it. v1 goes to an empty production, v2 replaces it
// through the slot, and v3 — which ships with a bug — is stopped by the gates while
// production keeps serving v2. Exits 0 only when all three ended as they should.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { packageApp } from '../example-app/scripts/package-app.ts';
import { emulatorEnv, emulatorInputs } from './emulator-env.ts';
import { runAction, type RunnerResult } from './runner.ts';

const REHEARSALS = [
  'REHEARSAL_FAIL_READY',
  'REHEARSAL_ERROR_RATE',
  'REHEARSAL_LATENCY_MS',
  'REHEARSAL_BREAK_CONTRACT',
];
const color = process.stdout.isTTY;
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[0m` : s);

function step(title: string): void {
  console.log(`\n${bold(`━━ ${title}`)}`);
}

/** Shows the action's log as the Actions UI would: commands hidden, groups as headings. */
function showLog(text: string): void {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('::debug::') || line.startsWith('::add-mask::')) continue;
    if (line === '::endgroup::') continue;
    if (line.startsWith('::group::')) console.log(dim(`  ▸ ${line.slice(9)}`));
    else if (line.startsWith('::'))
      console.log(`  ${decode(line.replace(/^::(\w+)[^:]*::/, '[$1] '))}`);
    else console.log(dim(`    ${line}`));
  }
}

/** Undoes the escaping of workflow commands (`%25`, `%0A`, …) for display. */
function decode(text: string): string {
  return text
    .replace(/%0D/g, '')
    .replace(/%0A/g, '\n    ')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

async function release(emu: Emulator, zip: string, version: string): Promise<RunnerResult> {
  const r = await runAction(
    emulatorInputs(emu, {
      mode: 'release',
      package: zip,
      'expected-version': version,
      'smoke-input': '{"input":"what time is it in Tokyo?"}',
      'smoke-min-tool-calls': '1',
      'max-tokens': '4000',
      'max-p95': '1500ms',
      'max-error-rate': '2%',
      'budget-requests': '40',
      watch: '5s',
      'watch-interval': '1s',
      'ready-timeout': '60s',
    }),
    {
      env: emulatorEnv(emu),
      onStdout: showLog,
      timeoutMs: 180_000,
    },
  );
  console.log(`\n${bold('Job summary')}\n${r.summary.trim()}\n`);
  return r;
}

async function main(): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'slot-release-demo-'));
  step('Packaging the example agent service as v1, v2 and v3');
  const zips: Record<string, string> = {};
  for (const version of ['v1', 'v2', 'v3']) {
    const p = await packageApp({ version, out: join(work, `app-${version}.zip`) });
    zips[version] = p.path;
    console.log(
      `  ${version}: ${p.path} (${(p.bytes / 1024).toFixed(0)} KiB, ${p.sha256.slice(0, 19)}…)`,
    );
  }

  step('Starting the App Service emulator (ARM, Entra, Kudu, real slots, HTTPS)');
  const emu = await startEmulator({
    workDir: join(work, 'emulator'),
    apps: [
      {
        name: 'agent-demo',
        resourceGroup: 'rg-demo',
        slots: ['staging'],
        slotSettingNames: REHEARSALS,
      },
    ],
  });
  console.log(`  cloud file: ${emu.cloudFile}`);
  const outcomes: Array<[string, string, string]> = [];
  try {
    step('Release v1 to an empty production');
    const r1 = await release(emu, zips.v1!, 'v1');
    outcomes.push(['v1', r1.outputs.result ?? '?', 'promoted']);

    step('Release v2: deploy to staging, gate, swap, watch');
    const r2 = await release(emu, zips.v2!, 'v2');
    outcomes.push(['v2', r2.outputs.result ?? '?', 'promoted']);

    step('Release v3, which ships with a bug: one request in five fails');
    // The emulator stands in for the bug with the app's rehearsal switch on the staging slot.
    await emu.setAppSettings({
      slot: 'staging',
      set: { REHEARSAL_ERROR_RATE: '0.2' },
      restart: false,
    });
    const r3 = await release(emu, zips.v3!, 'v3');
    outcomes.push(['v3', r3.outputs.result ?? '?', 'blocked']);

    const state = await emu.state();
    step('What production serves now');
    console.log(
      `  production: ${state.production.version}   staging: ${state.slots.staging?.version}`,
    );
    const ok = outcomes.every(([, got, want]) => got === want) && state.production.version === 'v2';
    console.log('');
    for (const [v, got, want] of outcomes)
      console.log(`  ${v}: ${got}${got === want ? '' : ` (expected ${want})`}`);
    console.log(
      `\n${bold(ok ? 'Demo passed: v1 and v2 were promoted, v3 was blocked, production serves v2.' : 'Demo FAILED: see above.')}`,
    );
    return ok ? 0 : 1;
  } finally {
    await emu.stop();
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
