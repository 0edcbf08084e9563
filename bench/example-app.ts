import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageApp } from '../example-app/scripts/package-app.ts';

export type BenchRow = { name: string; value: number; unit: string; note?: string };

type CannonResult = {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
};
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}) => Promise<CannonResult>;

// autocannon ships no types; this is the part of its programmatic API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const AppDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'example-app');

// The baseline: the same Express 5, one route, nothing else.
const BareServer = `
import express from 'express';
const app = express();
app.get('/', (_req, res) => { res.json({ status: 'ok' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** One packageApp() into a temporary folder, as `npm run package` does it. */
async function timePackaging(): Promise<{ ms: number; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-example-app-'));
  try {
    const started = performance.now();
    const { bytes } = await packageApp({ version: 'bench', out: join(dir, 'app.zip') });
    return { ms: Math.round(performance.now() - started), bytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts a server in a child process and waits (bounded) until `probe` answers 200. */
async function startChild(
  args: string[],
  env: Record<string, string>,
  probe: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: AppDir,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const until = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      const res = await fetch(probe, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${probe} did not answer within 20 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Agent-run throughput and p99 (the deterministic planner calling one MCP tool over HTTP) against a
 * bare Express route, measured in the same run so the ratio cancels out the machine; also the
 * agent route without a tool call ("ping") and the packaging time. Each load runs
 * `durationSec` seconds with `connections` connections; servers run in child processes on 127.0.0.1.
 */
export async function benchExampleApp(
  opts: { durationSec?: number; connections?: number } = {},
): Promise<BenchRow[]> {
  const duration = opts.durationSec ?? 5;
  const connections = opts.connections ?? 4;
  // Before the servers start, so it does not compete with them.
  const packaging = await timePackaging();
  const barePort = await freePort();
  const appPort = await freePort();
  const children: ChildProcess[] = [];
  try {
    children.push(
      await startChild(
        ['--input-type=module', '-e', BareServer],
        { PORT: String(barePort) },
        `http://127.0.0.1:${barePort}/`,
      ),
    );
    // Logs at info, as in production, into /dev/null.
    children.push(
      await startChild(
        ['src/main.ts'],
        { PORT: String(appPort), LOG_LEVEL: 'info' },
        `http://127.0.0.1:${appPort}/readyz`,
      ),
    );

    const bare = await autocannon({ url: `http://127.0.0.1:${barePort}/`, connections, duration });
    const run = (input: string, seconds = duration) =>
      autocannon({
        url: `http://127.0.0.1:${appPort}/v1/agent/run`,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      });
    // One warm-up second so the first MCP connection and JIT do not count.
    await run('calculate 2+3', 1).catch(() => undefined);
    const agent = await run('calculate 2+3');
    // The same route without the MCP hop: separates the agent's own cost from the tool call's.
    const ping = await run('ping');

    const note = `autocannon -c ${connections} -d ${duration}s`;
    const failures = (r: CannonResult) => r.non2xx + r.errors;
    return [
      {
        name: 'example-app bare express req/s',
        value: Math.round(bare.requests.average),
        unit: 'req/s',
        note,
      },
      { name: 'example-app bare express p99', value: bare.latency.p99, unit: 'ms', note },
      {
        name: 'example-app agent-run req/s',
        value: Math.round(agent.requests.average),
        unit: 'req/s',
        note: `${note}; POST /v1/agent/run "calculate 2+3" (1 MCP tool call); ${failures(agent)} failed`,
      },
      { name: 'example-app agent-run p99', value: agent.latency.p99, unit: 'ms', note },
      {
        name: 'example-app agent-run ping req/s',
        value: Math.round(ping.requests.average),
        unit: 'req/s',
        note: `${note}; POST /v1/agent/run "ping" (no tool call); ${failures(ping)} failed`,
      },
      { name: 'example-app agent-run ping p99', value: ping.latency.p99, unit: 'ms', note },
      {
        name: 'example-app agent-run/bare req/s ratio',
        value: Number((agent.requests.average / bare.requests.average).toFixed(3)),
        unit: 'ratio',
      },
      {
        name: 'example-app package time',
        value: packaging.ms,
        unit: 'ms',
        note: `packageApp(): esbuild bundle + zip, ${packaging.bytes} bytes (target < 2000 ms)`,
      },
      {
        name: 'example-app agent-run/bare p99 ratio',
        value: Number((agent.latency.p99 / Math.max(bare.latency.p99, 1)).toFixed(2)),
        unit: 'ratio',
        note: 'bare p99 floored at 1 ms (autocannon reports whole milliseconds)',
      },
    ];
  } finally {
    await Promise.all(children.map(stop));
  }
}
