// Local servers the action is measured against, all on 127.0.0.1.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { track } from './process.ts';

export type ReadyzHit = { at: number; status: number };

/**
 * A service whose /readyz answers 503 until `flipAt` (a performance.now() time in this process),
 * 200 from then on; /healthz always answers 200 with a version. Every /readyz hit is recorded,
 * so a trial can see the last "not ready" and the first "ready" probe around the flip.
 */
export type FlipServer = {
  url: string;
  flipAt: number;
  hits: ReadyzHit[];
  close(): Promise<void>;
};

export async function startFlipServer(version = 'bench'): Promise<FlipServer> {
  const health = JSON.stringify({ status: 'ok', version });
  const state: Omit<FlipServer, 'close'> = { url: '', flipAt: 0, hits: [] };
  const server = createServer((req, res) => {
    const at = performance.now();
    req.resume();
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(health);
    } else if (req.url === '/readyz') {
      const status = at >= state.flipAt ? 200 : 503;
      if (state.hits.length < 10_000) state.hits.push({ at, status });
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(`{"ready":${status === 200}}`);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return Object.assign(state, { close });
}

// The reference endpoint for load: node:http and nothing else, answering a fixed JSON body.
const BARE_SERVER = `
import { createServer } from 'node:http';
const body = '{"status":"ok"}';
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/** A bare node:http server in a child process (its own core, as the app under test would be). */
export async function startBareServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = track(
    spawn(process.execPath, ['--input-type=module', '-e', BARE_SERVER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('bare server did not start within 10 s')),
      10_000,
    );
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    child.stdout!.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(Number(d.toString().trim()));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { url: `http://127.0.0.1:${port}/`, stop };
}
