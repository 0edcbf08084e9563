// Swap with preview, and a release that outlives its tokens, both run as the runner runs the
// bundled action against the emulator.
import { afterEach, describe, expect, it } from '@jest/globals';
import { startTestEmulator, type TestEmulator } from '../fixtures/emulator.ts';
import { releaseTo } from '../fixtures/release-env.ts';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const release = (e: TestEmulator, version: string, extra: Record<string, string> = {}) =>
  releaseTo(e, version, extra);

describe('swap with preview', () => {
  it('gates the slot again under production settings, then completes the swap', async () => {
    emu = await startTestEmulator({
      apps: [{ name: 'agent-web', slotSettingNames: ['REHEARSAL_TOKENS'] }],
    });
    expect((await release(emu, 'v1')).outputs.result).toBe('promoted');
    const r = await release(emu, 'v2', { 'swap-with-preview': 'true', 'max-tokens': '1000' });
    expect(r.outputs.result).toBe('promoted');
    const names = r.report.stages.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'preview (production settings on staging)',
        'ready (staging with production settings)',
        'smoke (staging with production settings)',
        'swap (staging → production)',
      ]),
    );
    expect(names.indexOf('preview (production settings on staging)')).toBeLessThan(
      names.indexOf('swap (staging → production)'),
    );
    expect((await emu.state()).production.version).toBe('v2');
  });

  it('resets the preview when the slot fails under production settings; production untouched', async () => {
    emu = await startTestEmulator({
      apps: [{ name: 'agent-web', slotSettingNames: ['REHEARSAL_TOKENS'] }],
    });
    expect((await release(emu, 'v1')).outputs.result).toBe('promoted');
    // A production-only slot setting that makes the agent spend too many tokens: the staging
    // gates pass, the gates under production's settings do not.
    await emu.setAppSettings({
      slot: 'production',
      set: { REHEARSAL_TOKENS: '50000' },
      restart: true,
    });
    const r = await release(emu, 'v2', { 'swap-with-preview': 'true', 'max-tokens': '1000' });
    expect(r.outputs.result).toBe('blocked');
    expect(r.report.verdict).toContain('used 50000 model tokens, more than max-tokens 1000');
    expect(r.report.stages.map((s) => [s.name, s.status]).slice(-2)).toEqual([
      ['smoke (staging with production settings)', 'failed'],
      ['reset preview (staging)', 'passed'],
    ]);
    const state = await emu.state();
    expect(state.production.version).toBe('v1');
    expect(state.apps[0]!.pendingPreview).toBeNull();
  });
});

describe('tokens shorter than the release', () => {
  it('completes a release that outlives its access token and its OIDC assertion', async () => {
    emu = await startTestEmulator({
      tokenLifetimeSeconds: 3,
      assertionLifetimeSeconds: 3,
      apps: [{ name: 'agent-web', slotSettingNames: ['REHEARSAL_LATENCY_MS'] }],
    });
    expect((await release(emu, 'v1')).outputs.result).toBe('promoted');
    // Slow the staging slot down so the gates outlast the token: the settings audit and the
    // swap that follow need a fresh token, fetched with a fresh GitHub assertion.
    await emu.setAppSettings({
      slot: 'staging',
      set: { REHEARSAL_LATENCY_MS: '150' },
      restart: true,
    });
    const r = await release(emu, 'v2', {
      'budget-requests': '40',
      'budget-concurrency': '1',
      watch: '4s',
      'watch-interval': '1s',
    });
    expect(r.outputs.result).toBe('promoted');
    // Precondition, not a speed check: the gates alone outlasted the 3 s token lifetime.
    const gates = r.report.stages.filter((s) => /^(ready|smoke|budget) \(staging\)$/.test(s.name));
    const gateMs = gates.reduce((sum, s) => sum + (s.durationMs as number), 0);
    expect(gateMs).toBeGreaterThan(3000);
    // Each GitHub OIDC token fetch is announced by @actions/core; more than one means refresh.
    expect(r.stdout.match(/ID token url is/g)!.length).toBeGreaterThan(1);
    expect((await emu.state()).production.version).toBe('v2');
  }, 120_000);
});
