import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';
import { packageApp, type PackageResult } from '../../../example-app/scripts/package-app.ts';

describe('npm run package', () => {
  let dir: string;
  let result: PackageResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'example-app-pkg-'));
    result = await packageApp({ version: 'pkg-test-1', out: join(dir, 'app.zip') });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a zip of server.mjs and a minimal package.json, with its hash', async () => {
    const zip = await readFile(result.path);
    expect(result.bytes).toBe(zip.byteLength);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['package.json', 'server.mjs']);
    const pkg = JSON.parse(new TextDecoder().decode(files['package.json']));
    expect(pkg).toMatchObject({
      type: 'module',
      main: 'server.mjs',
      scripts: { start: 'node server.mjs' },
      version: '0.1.0+pkg-test-1',
    });
  });

  it('is deterministic: the same sources and version give the same bytes', async () => {
    const again = await packageApp({ version: 'pkg-test-1', out: join(dir, 'again.zip') });
    expect(again.sha256).toBe(result.sha256);
    const other = await packageApp({ version: 'pkg-test-2', out: join(dir, 'other.zip') });
    expect(other.sha256).not.toBe(result.sha256);
  });

  it('unzipped in an empty folder, starts with node alone and serves /healthz with the stamped version', async () => {
    // Arrange: unzip where no node_modules can be found.
    const site = join(dir, 'site');
    for (const [name, data] of Object.entries(unzipSync(await readFile(result.path)))) {
      await mkdir(dirname(join(site, name)), { recursive: true });
      await writeFile(join(site, name), data);
    }
    const env = { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, ['server.mjs'], {
      cwd: site,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      // Act: wait (bounded) for the "listening" line, which carries the port.
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`no "listening" line in 20 s:\n${out}`)),
          20_000,
        );
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const line = out.split('\n').find((l) => l.includes('"msg":"listening"'));
          if (line) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { port: number }).port);
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`server exited with ${code}:\n${out}`));
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
        signal: AbortSignal.timeout(5000),
      });

      // Assert
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', version: 'pkg-test-1' });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`, {
        signal: AbortSignal.timeout(5000),
      });
      expect(ready.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
