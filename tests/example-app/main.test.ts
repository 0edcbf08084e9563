import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const Main = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'example-app',
  'src',
  'main.ts',
);

/** Runs `node example-app/src/main.ts` (Node 24 strips the types), collecting stdout until it exits. */
function runMain(
  env: Record<string, string>,
  onLine: (line: Record<string, unknown>, stop: () => void) => void = () => undefined,
) {
  const child = spawn(process.execPath, [Main], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      onLine(line, () => child.kill('SIGTERM'));
    }
  });
  return new Promise<{ code: number | null; lines: typeof lines }>((resolve) => {
    // Bounded: a process that does not stop is killed and the assertions below fail.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines });
    });
  });
}

describe('main.ts', () => {
  it('REHEARSAL_CRASH_ON_START exits with code 1 before listening, with a fatal line', async () => {
    const { code, lines } = await runMain({ REHEARSAL_CRASH_ON_START: 'true' });
    expect(code).toBe(1);
    expect(lines.map((l) => l.level)).toEqual(['fatal']);
    expect(lines[0]!.msg).toContain('REHEARSAL_CRASH_ON_START');
  });

  it('listens, then shuts down cleanly on SIGTERM', async () => {
    const { code, lines } = await runMain({ APP_VERSION: 'v-main' }, (line, stop) => {
      if (line.msg === 'listening') stop();
    });
    expect(code).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['listening', 'shutting down']);
    expect(lines[0]).toMatchObject({ version: 'v-main', planner: 'deterministic', mcp: 'self' });
  });

  it('refuses invalid settings at start', async () => {
    const child = spawn(process.execPath, [Main], {
      env: { PATH: process.env.PATH ?? '', AGENT_MAX_STEPS: 'many' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    expect(code).not.toBe(0);
    expect(stderr).toContain('Invalid app settings: AGENT_MAX_STEPS');
  });
});
