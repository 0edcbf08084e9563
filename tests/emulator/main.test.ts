// `npm run emulator` (emulator/main.ts): prints the cloud JSON, honours flags, stops on SIGTERM.
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';

const mainTs = fileURLToPath(new URL('../../emulator/main.ts', import.meta.url));

describe('emulator CLI', () => {
  it('prints the cloud JSON, serves it, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        mainTs,
        '--quiet',
        '--slots',
        'staging,qa',
        '--sticky',
        'ENVIRONMENT',
        '--fault',
        '{"target":"arm","match":"slotsswap","status":429,"count":2}',
        '--fail-deployment',
        'staging:never-complete',
        '--fail-swap',
        '1',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      let out = '';
      const cloud = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no cloud JSON in time: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          try {
            const parsed = JSON.parse(out) as Record<string, unknown>;
            clearTimeout(timer);
            resolve(parsed);
          } catch {
            // not complete yet
          }
        });
      });
      expect(cloud).toMatchObject({
        name: 'SlotReleaseEmulator',
        appName: 'app-demo',
        resourceGroup: 'rg-demo',
      });
      const caFile = cloud.caFile as string;
      expect(existsSync(caFile)).toBe(true);
      expect(JSON.parse(readFileSync(cloud.cloudFile as string, 'utf8'))).not.toHaveProperty(
        'credentials',
      );
      const dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
      const endpoints = cloud.endpoints as { activeDirectory: string };
      const state = (await (
        await fetch(`${endpoints.activeDirectory}/_emulator/state`, { dispatcher })
      ).json()) as {
        slots: Record<string, unknown>;
        apps: Array<{ slotSettingNames: string[] }>;
      };
      const faults = (await (
        await fetch(`${endpoints.activeDirectory}/_emulator/faults`, { dispatcher })
      ).json()) as Record<string, unknown[]>;
      await dispatcher.close();
      expect(faults).toEqual({
        requests: [{ target: 'arm', match: 'slotsswap', status: 429, count: 2 }],
        deployments: [{ slot: 'staging', mode: 'never-complete' }],
        swaps: [{ phase: 1 }],
      });
      expect(Object.keys(state.slots).sort()).toEqual(['production', 'qa', 'staging']);
      expect(state.apps[0]!.slotSettingNames).toEqual(['ENVIRONMENT']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
