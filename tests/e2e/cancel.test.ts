// A cancelled job, run as the runner cancels it: SIGINT, SIGTERM 7.5 s later, the process tree
// killed 2.5 s after that, then the post step. Whenever the cancel lands, production ends on
// the previous build or on one that finished every gate, the watch included.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestEmulator, type TestEmulator } from '../fixtures/emulator.ts';
import { releaseTo, serving as servingOn } from '../fixtures/release-env.ts';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({
    apps: [
      {
        name: 'agent-web',
        resourceGroup: 'rg-agents',
        slots: ['staging'],
        slotSettingNames: ['REHEARSAL_FAIL_READY'],
      },
    ],
  });
});
afterAll(async () => {
  await emu?.stop();
});

async function release(
  version: string,
  extra: Record<string, string>,
  how: { cancelWhen?: RegExp; killWhen?: RegExp } = {},
) {
  // The runner escalates to SIGTERM 7.5 s after SIGINT; a loaded test machine gets longer, so
  // these tests prove what the step does, not how fast.
  return releaseTo(emu, version, extra, { post: true, sigtermAfterMs: 60_000, ...how });
}

const serving = () => servingOn(emu);

describe('cancel: production is never left on a build that did not finish its watch', () => {
  beforeAll(async () => {
    const r = await release('v1', { watch: '0' });
    expect(r.outputs.result).toBe('promoted');
  });

  it('cancelled during the watch: the step swaps back itself', async () => {
    const r = await release(
      'v2',
      { watch: '5m', 'watch-interval': '1s' },
      { cancelWhen: /round 1 held/ },
    );
    expect(r.outputs.result).toBe('rolled-back');
    expect(r.exitCode).toBe(1);
    expect(await serving()).toEqual({ production: 'v1', staging: 'v2' });
    expect(r.report.verdict).toMatch(
      /^the job was cancelled \(SIGINT\) before production was proven; swapped back, production serves v1 again$/,
    );
    expect(r.report.stages.map((s) => [s.name, s.status]).slice(-3)).toEqual([
      ['watch (production)', 'failed'],
      ['swap back (staging → production)', 'passed'],
      ['ready (production after swap back)', 'passed'],
    ]);
    // Production was judged, so the post step has nothing to do.
    expect(r.state['pending-swap']).toBe('');
    expect(r.post).toMatchObject({ exitCode: 0, summary: '' });
    expect(r.post!.log).not.toContain('swap');
  });

  it('killed after the swap: the post step swaps back and says so', async () => {
    const r = await release(
      'v3',
      { watch: '5m', 'watch-interval': '1s' },
      { killWhen: /round 1 held/ },
    );
    expect(r.exitCode).toBe(-1);
    expect(JSON.parse(r.state['pending-swap']!)).toMatchObject({
      phase: 'swapped',
      slot: 'staging',
      target: 'production',
      previous: 'v1',
      deployed: 'v3',
    });
    expect(r.post!.exitCode).toBe(0);
    expect(r.post!.log).toMatch(
      /::warning title=slot-release%3A swapped back after an unfinished release::The release ended before production was proven, so the post step swapped back: production serves v1 again \(v3 waits in staging\)\./,
    );
    expect(r.post!.summary).toContain('### slot-release: swapped back');
    expect(await serving()).toEqual({ production: 'v1', staging: 'v3' });
  });

  it('killed while the swap runs in Azure: the post step waits for it to end, then swaps back', async () => {
    const r = await release('v4', { watch: '5m' }, { killWhen: /swap running for/ });
    expect(r.exitCode).toBe(-1);
    expect(JSON.parse(r.state['pending-swap']!)).toMatchObject({
      phase: 'swapping',
      previous: 'v1',
      deployed: 'v4',
    });
    expect(r.post!.exitCode).toBe(0);
    expect(r.post!.log).toContain('production serves v1 again (v4 waits in staging)');
    expect(await serving()).toEqual({ production: 'v1', staging: 'v4' });
  });

  it('killed while swapping back: the post step waits for that swap, finds v1 and leaves it', async () => {
    const r = await release(
      'v5',
      { watch: '5m', 'watch-interval': '1s' },
      { cancelWhen: /round 1 held/, killWhen: /swap back[\s\S]*swap running for/ },
    );
    expect(r.exitCode).toBe(-1);
    expect(JSON.parse(r.state['pending-swap']!)).toMatchObject({ phase: 'swapping-back' });
    expect(r.post!.exitCode).toBe(0);
    expect(r.post!.log).toContain(
      'production serves v1, the build from before the release: nothing to undo.',
    );
    expect(await serving()).toEqual({ production: 'v1', staging: 'v5' });
  });

  it('killed during a swap with preview, before the swap: the post step resets the preview', async () => {
    const r = await release(
      'v6',
      { 'swap-with-preview': 'true' },
      { killWhen: /ready \(staging with production settings\)/ },
    );
    expect(r.exitCode).toBe(-1);
    expect(JSON.parse(r.state['pending-swap']!)).toMatchObject({ phase: 'previewing' });
    expect((await emu.state()).apps[0]!.pendingPreview).toBeNull();
    expect(r.post!.exitCode).toBe(0);
    expect(r.post!.log).toContain(
      'staging has its own settings back; production was never swapped.',
    );
    expect((await serving()).production).toBe('v1');
  });

  it('cancelled while the gates wait: blocked, production untouched, nothing for the post step', async () => {
    await emu.setAppSettings({ slot: 'staging', set: { REHEARSAL_FAIL_READY: 'true' } });
    try {
      const r = await release('v4', { 'ready-timeout': '5m' }, { cancelWhen: /ready \(staging\)/ });
      expect(r.outputs.result).toBe('blocked');
      expect(r.report.verdict).toMatch(
        /^the job was cancelled \(SIGINT\) while waiting for https:\/\/[\d.:]+( \(\/readyz answered 503 .*\))?$/,
      );
      expect(r.exitCode).toBe(1);
      expect(r.state['pending-swap']).toBeUndefined();
      expect(r.post).toMatchObject({ exitCode: 0, summary: '' });
      expect((await serving()).production).toBe('v1');
    } finally {
      await emu.setAppSettings({ slot: 'staging', remove: ['REHEARSAL_FAIL_READY'] });
    }
  });
});
