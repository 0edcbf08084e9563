// The bundled action, run as the runner runs it, releasing builds of the fixture agent app to
// the emulator over HTTPS with OIDC. After every run the test asks the emulator what
// production serves: production is either the previous build or one that passed every gate.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { makeAppZip } from '../fixtures/app-zip.ts';
import {
  armToken,
  emulatorFetch,
  sdkClient,
  startTestEmulator,
  type TestEmulator,
} from '../fixtures/emulator.ts';
import {
  appZip,
  azureInputs,
  oidcEnv,
  releaseTo,
  serving as servingOn,
} from '../fixtures/release-env.ts';
import { runAction, type RunnerResult } from '../fixtures/runner.ts';

const SECRET_VALUE = 'pa55-w0rd-7c1e0d2b';
const REHEARSALS = [
  'REHEARSAL_FAIL_READY',
  'REHEARSAL_BREAK_CONTRACT',
  'REHEARSAL_TOKENS',
  'REHEARSAL_ERROR_RATE',
  'REHEARSAL_LATENCY_MS',
];

let emu: TestEmulator;
const runs: RunnerResult[] = [];

beforeAll(async () => {
  emu = await startTestEmulator({
    apps: [
      {
        name: 'agent-web',
        resourceGroup: 'rg-agents',
        slots: ['staging'],
        // Rehearsal switches are slot settings here, so flipping one on staging never travels.
        slotSettingNames: [...REHEARSALS, 'SLOT_ROLE'],
        appSettings: {
          production: { DB_PASSWORD: SECRET_VALUE, SLOT_ROLE: 'production' },
          staging: { DB_PASSWORD: SECRET_VALUE, SLOT_ROLE: 'staging' },
        },
      },
    ],
  });
});
afterAll(async () => {
  await emu?.stop();
});

async function release(
  version: string,
  extra: Record<string, string> = {},
  env: Record<string, string> = {},
  runner: { post?: boolean } = {},
) {
  const r = await releaseTo(emu, version, extra, { ...runner, env });
  runs.push(r);
  return r;
}

const serving = () => servingOn(emu);

async function withStagingSetting<T>(
  set: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  await emu.setAppSettings({ slot: 'staging', set, restart: true });
  try {
    return await fn();
  } finally {
    await emu.setAppSettings({ slot: 'staging', remove: Object.keys(set), restart: true });
  }
}

describe('release: the happy path', () => {
  it('v1 goes to an empty production', async () => {
    const r = await release('v1');
    expect(r.outputs.result).toBe('promoted');
    expect(r.exitCode).toBe(0);
    expect(await serving()).toEqual({ production: 'v1', staging: null });
  });

  it('v1 → v2 is promoted; the report and summary tell the whole story', async () => {
    const r = await release('v2', {
      'smoke-min-tool-calls': '1',
      'max-tokens': '1000',
      'max-p95': '2s',
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({
      result: 'promoted',
      'deployed-version': 'v2',
      'previous-version': 'v1',
    });
    expect(r.outputs['slot-url']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(r.outputs['production-url']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await serving()).toEqual({ production: 'v2', staging: 'v1' });

    expect(r.report.stages.map((s) => [s.name, s.status])).toEqual([
      ['resolve', 'passed'],
      ['deploy (staging)', 'passed'],
      ['ready (staging)', 'passed'],
      ['smoke (staging)', 'passed'],
      ['budget (staging)', 'passed'],
      ['settings (staging → production)', 'passed'],
      ['swap (staging → production)', 'passed'],
      ['watch (production)', 'passed'],
    ]);
    expect(r.report).toMatchObject({
      result: 'promoted',
      versions: { expected: 'v2', deployed: 'v2', previous: 'v1', production: 'v2' },
      swap: { source: 'staging', target: 'production' },
    });
    expect(r.outputs['rollback-command']).toBe(
      `az webapp deployment slot swap --subscription ${emu.cloud.subscriptionId} -g rg-agents -n agent-web --slot staging --target-slot production`,
    );
    expect(r.summary.split('\n')[0]).toBe(
      '### ✅ slot-release release: promoted — production serves v2 (was v1); every gate passed and production held',
    );
    expect(r.summary).toContain('| Swap | staging → production in ');
    expect(r.summary).toContain('**Roll back:**');
    expect(r.stdout).toMatch(/deployment \S+ completed in/);
  });
});

describe('release: a bad build is blocked and production keeps serving v2', () => {
  it('readiness never comes', async () => {
    const r = await withStagingSetting({ REHEARSAL_FAIL_READY: 'true' }, () =>
      // Long enough for v3 to restart and answer /healthz even on a loaded machine.
      release('v3', { 'ready-timeout': '8s', 'request-timeout': '2s' }),
    );
    expect(r.outputs.result).toBe('blocked');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::slot-release release: blocked — .* was not ready within 8\.0s: \/readyz answered 503/,
    );
    expect((await serving()).production).toBe('v2');
  });

  it('the smoke breaks the agent contract', async () => {
    const r = await withStagingSetting({ REHEARSAL_BREAK_CONTRACT: 'true' }, () => release('v3'));
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toMatch(/smoke response breaks the agent contract/);
    expect((await serving()).production).toBe('v2');
  });

  it('the smoke breaches a guardrail', async () => {
    const r = await withStagingSetting({ REHEARSAL_TOKENS: '50000' }, () =>
      release('v3', { 'max-tokens': '1000' }),
    );
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toContain('used 50000 model tokens, more than max-tokens 1000');
    expect((await serving()).production).toBe('v2');
  });

  it('the error budget is breached', async () => {
    const r = await withStagingSetting({ REHEARSAL_ERROR_RATE: '0.5' }, () =>
      release('v3', { 'max-error-rate': '5%', 'smoke-path': '' }),
    );
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toMatch(/budget exceeded on \/healthz: error rate \d+% > 5%/);
    expect((await serving()).production).toBe('v2');
  });

  it('the slot serves another version than expected', async () => {
    const r = await release('v3', {
      'expected-version': 'v4',
      'ready-timeout': '8s',
      'request-timeout': '2s',
    });
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toContain('reports version "v3", expected "v4"');
    expect((await serving()).production).toBe('v2');
  });
});

describe('release: sticky-settings audit', () => {
  it('fails listing the names of settings that would move, never their values', async () => {
    const r = await withStagingSetting({ FEATURE_X: 'on-9d8c7b' }, () => release('v3'));
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toContain('would carry them into production: FEATURE_X');
    expect(r.summary).toContain('`FEATURE_X`');
    for (const text of [r.log, r.summary, r.reportText]) expect(text).not.toContain('on-9d8c7b');
    expect(r.stdout).toContain('::add-mask::on-9d8c7b');
    expect((await serving()).production).toBe('v2');
  });

  it('with settings-drift: warn, proceeds with a warning annotation', async () => {
    const r = await withStagingSetting({ FEATURE_X: 'on-9d8c7b' }, () =>
      release('v3', { 'settings-drift': 'warn' }),
    );
    expect(r.outputs.result).toBe('promoted');
    expect(r.stdout).toMatch(
      /::warning title=slot-release%3A settings \(staging → production\)::1 setting differ/,
    );
    expect((await serving()).production).toBe('v3');
    // The setting travelled into production with the swap, as the warning said it would.
    expect((await emu.state()).production.appSettings).toContain('FEATURE_X');
    await emu.setAppSettings({ slot: 'production', remove: ['FEATURE_X'], restart: true });
  });

  it('a connection string that would move blocks the release too, named but never shown', async () => {
    const client = sdkClient(emu);
    const secret = 'Server=tcp:db-7f3a9c;Password=cs-51e0b8d2';
    await client.webApps.updateConnectionStringsSlot('rg-agents', 'agent-web', 'staging', {
      properties: { OrdersDb: { value: secret, type: 'SQLAzure' } },
    });
    try {
      const r = await release('v4');
      expect(r.outputs.result).toBe('blocked');
      expect(r.report.verdict).toContain(
        'would carry them into production: OrdersDb (connection string)',
      );
      for (const text of [r.log, r.summary, r.reportText]) expect(text).not.toContain(secret);
      expect((await serving()).production).toBe('v3');
    } finally {
      await client.webApps.updateConnectionStringsSlot('rg-agents', 'agent-web', 'staging', {
        properties: {},
      });
    }
  });
});

describe('release: regression after the swap', () => {
  it('production regresses during watch: swapped back, production serves the previous build', async () => {
    const running = release('v4', { watch: '8s', 'watch-interval': '1s', 'request-timeout': '1s' });
    // Wait until the swap put v4 in production, then freeze its process: it stops answering.
    let finished = false;
    void running.then(() => (finished = true));
    const deadline = Date.now() + 60_000;
    while (!finished && (await serving()).production !== 'v4' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    emu.faults.freezeSlot({ slot: 'production' });
    const r = await running;
    expect(r.outputs.result).toBe('rolled-back');
    expect(r.exitCode).toBe(1);
    expect(r.report.stages.map((s) => [s.name, s.status]).slice(-3)).toEqual([
      ['watch (production)', 'failed'],
      ['swap back (staging → production)', 'passed'],
      ['ready (production after swap back)', 'passed'],
    ]);
    expect(r.summary.split('\n')[0]).toMatch(
      /^### ↩️ slot-release release: rolled-back — production regressed after the swap \(.+\); swapped back, production serves v3 again$/,
    );
    expect((await serving()).production).toBe('v3');
  }, 120_000);
});

describe('release: Azure misbehaves', () => {
  it('a swap that fails in phase 1 leaves production on the previous build', async () => {
    emu.faults.failNextSwap({ phase: 1 });
    const r = await release('v5', {}, {}, { post: true });
    expect(r.outputs.result).toBe('failed');
    expect(r.report.verdict).toMatch(/swap/i);
    expect((await serving()).production).toBe('v3');
    expect(r.report.hint).toMatch(/^The swap failed in Azure \(often the warm-up of staging/);
    // Azure said the swap failed, so nothing is pending and the post step has nothing to do.
    expect(r.state['pending-swap']).toBe('');
    expect(r.post).toMatchObject({ exitCode: 0, log: '', summary: '' });
  });

  it('429 and 500 bursts within the retry budget: still promoted', async () => {
    emu.faults.add({ target: 'arm', status: 429, count: 2, retryAfterSeconds: 1 });
    emu.faults.add({ target: 'kudu', match: 'POST /api/publish', status: 500, count: 2 });
    const r = await release('v5');
    expect(r.outputs.result).toBe('promoted');
    expect((await serving()).production).toBe('v5');
  });

  it('beyond the retry budget: failed, production unchanged', async () => {
    emu.faults.add({ target: 'kudu', match: 'POST /api/publish', status: 500, count: 50 });
    const r = await release('v6');
    emu.faults.clear();
    expect(r.outputs.result).toBe('failed');
    expect(r.report.verdict).toMatch(/500/);
    expect((await serving()).production).toBe('v5');
  });
});

describe('rollback, deploy and cleanup', () => {
  it('rollback swaps back and verifies production serves the previous build', async () => {
    const r = await runAction(
      azureInputs(emu, { mode: 'rollback', reason: 'v5 | breaks checkout' }),
      {
        env: { ...oidcEnv(emu), GITHUB_TRIGGERING_ACTOR: 'octocat' },
      },
    );
    runs.push(r);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.result).toBe('rolled-back');
    expect(r.report.versions).toMatchObject({ previous: 'v5', production: 'v3' });
    expect(r.report).toMatchObject({ requestedBy: 'octocat', reason: 'v5 | breaks checkout' });
    expect(r.summary).toContain('| Requested by | octocat |');
    expect(r.summary).toContain('| Reason | v5 \\| breaks checkout |');
    expect(await serving()).toEqual({ production: 'v3', staging: 'v5' });
  });

  it('deploy creates a pr-123 slot and gates it; cleanup removes it', async () => {
    const deployed = await runAction(
      azureInputs(emu, {
        mode: 'deploy',
        slot: 'pr-123',
        package: await appZip('pr-123-build'),
        'expected-version': 'pr-123-build',
      }),
      { env: oidcEnv(emu) },
    );
    runs.push(deployed);
    expect(deployed.outputs.result).toBe('passed');
    expect(deployed.report.stages[0]!.summary).toMatch(/^created slot pr-123/);
    expect((await emu.state()).slots['pr-123']?.version).toBe('pr-123-build');
    expect((await serving()).production).toBe('v3');

    const cleaned = await runAction(azureInputs(emu, { mode: 'cleanup', slot: 'pr-123' }), {
      env: oidcEnv(emu),
    });
    runs.push(cleaned);
    expect(cleaned.outputs.result).toBe('cleaned');
    expect((await emu.state()).slots['pr-123']).toBeUndefined();
  });
});

describe('release: never races another deployment', () => {
  it('refuses to start while a deployment is running on the slot; production untouched', async () => {
    // Someone else's deployment to staging that never completes.
    emu.faults.failNextDeployment({ slot: 'staging', mode: 'never-complete' });
    const f = emulatorFetch(emu);
    try {
      const token = await armToken(emu, f);
      const scm = (await emu.state()).slots.staging!.scmUrl;
      const res = await f(`${scm}/api/publish?type=zip&async=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
        body: makeAppZip({ version: 'someone-else' }),
      });
      expect(res.status).toBe(202);
    } finally {
      await f.close();
    }
    const r = await release('v7');
    expect(r.outputs.result).toBe('failed');
    expect(r.report.verdict).toMatch(
      /is already running on slot staging; refusing to start another/,
    );
    expect(r.report.hint).toMatch(/api\/deployments\/latest/);
    expect((await serving()).production).toBe('v3');
  });
});

describe('secrets', () => {
  it('no token and no app-setting value appears in any output of any run', () => {
    expect(runs.length).toBeGreaterThan(10);
    const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;
    for (const r of runs) {
      for (const text of [r.log, r.stderr, r.summary, r.reportText]) {
        expect(text).not.toMatch(jwt);
        expect(text).not.toContain(SECRET_VALUE);
        expect(text).not.toContain(emu.githubOidc.requestToken);
        expect(text).not.toContain(emu.credentials.clientSecret);
      }
    }
  });
});
