// The tiny fixture app (tests/fixtures/apps/tiny) keeps its contract: the endpoints the action
// gates on, and every rehearsal switch.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { unzipSync, strFromU8 } from 'fflate';
import { makeAppZip, tinyAppDir } from '../fixtures/app-zip.ts';

let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  child = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startTiny(env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  child = spawn(process.execPath, ['server.js'], {
    cwd: tinyAppDir,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${base}/`).then(
        () => true,
        () => false,
      )
    )
      return base;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('tiny app did not start');
}

const run = (
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> =>
  fetch(`${base}/v1/agent/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('tiny fixture app', () => {
  it('answers /, /healthz, /readyz and the agent contract', async () => {
    const base = await startTiny({ APP_VERSION: '3.1.4' });
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({
      status: 'ok',
      version: '3.1.4',
    });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ready: true });
    const answer = await run(base, { input: 'hi' }, { 'x-correlation-id': 'corr-1' });
    expect(await answer.json()).toEqual({
      answer: 'pong: hi',
      steps: [{ tool: 'echo', ok: true, ms: 1 }],
      elapsed_ms: 2,
      usage: { model_tokens: 12, tool_calls: 1 },
      correlation_id: 'corr-1',
    });
    expect((await run(base, '{nope')).status).toBe(400);
    expect((await run(base, { session_id: 'x' })).status).toBe(400);
  });

  it('honours the rehearsal switches', async () => {
    const base = await startTiny({
      REHEARSAL_FAIL_READY: 'true',
      REHEARSAL_ERROR_RATE: '0.25',
      REHEARSAL_BREAK_CONTRACT: 'true',
      REHEARSAL_TOKENS: '99',
    });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, reason: expect.any(String) });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${base}/healthz`)).status);
    // Deterministic: exactly every 4th request fails.
    expect(statuses).toEqual([200, 200, 200, 500, 200, 200, 200, 500]);
    const broken = await (await run(base, { input: 'x' })).json();
    expect(broken).toEqual({ result: 'pong: x' });
  });

  it('reports token and step counts from the switches, and exits at start when told to crash', async () => {
    const base = await startTiny({ REHEARSAL_TOKENS: '500', REHEARSAL_STEPS: '4' });
    const body = (await (await run(base, { input: 'x' })).json()) as {
      usage: unknown;
      steps: unknown[];
    };
    expect(body.usage).toEqual({ model_tokens: 500, tool_calls: 4 });
    expect(body.steps).toHaveLength(4);
    await new Promise((r) => {
      child!.once('exit', r);
      child!.kill('SIGTERM');
    });
    child = spawn(process.execPath, ['server.js'], {
      cwd: tinyAppDir,
      env: { PATH: process.env.PATH, PORT: '0', REHEARSAL_CRASH_ON_START: 'true' },
      stdio: 'ignore',
    });
    expect(await new Promise((r) => child!.once('exit', r))).toBe(1);
  });

  it('is zipped with the requested version by makeAppZip', () => {
    const files = unzipSync(makeAppZip({ version: '4.5.6', extraFiles: { 'pad.txt': 'x' } }));
    expect(Object.keys(files).sort()).toEqual(['package.json', 'pad.txt', 'server.js']);
    expect(JSON.parse(strFromU8(files['package.json']!))).toMatchObject({
      version: '4.5.6',
      main: 'server.js',
    });
  });
});
