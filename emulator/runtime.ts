// One "site instance": the deployed content of a slot and the child process that runs it. Swaps
// move runtimes between slots (routing flips), so a runtime knows nothing about which slot holds it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';

export type ProcessState = 'empty' | 'starting' | 'running' | 'crashed' | 'stopped' | 'frozen';

export type Content = { deploymentId: string; dir: string };

export type RuntimeTimings = {
  startTimeoutMs: number;
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
};

export type Runtime = {
  readonly id: number;
  content: Content | null;
  state(): ProcessState;
  port(): number | null;
  /** Stops the current process (if any) and starts the content with this environment. */
  start(env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  /** Simulates a platform-visible crash: the process dies and the restart backoff kicks in. */
  crash(): void;
  freeze(): void;
  thaw(): void;
  /** GET a path on the process directly (not through the front door), for warm-up and state(). */
  probe(path: string, timeoutMs: number): Promise<{ status: number; body: string } | undefined>;
  /** Resolves when the process listens, exits or the timeout passes. */
  whenSettled(timeoutMs: number): Promise<void>;
  recentOutput(): string[];
};

let nextId = 1;
const children = new Set<ChildProcess>();

/**
 * Last-resort cleanup for an emulator process that exits without stop(): startEmulator() hooks
 * this to process 'exit' (synchronous, so SIGKILL is all that can be done there).
 */
export function killAllChildrenNow(): void {
  for (const child of children) child.kill('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** App Service for Node runs `npm start` when there is a start script, else the package main. */
function startCommand(dir: string): string[] {
  const pkgPath = join(dir, 'package.json');
  const pkg = existsSync(pkgPath)
    ? (JSON.parse(readFileSync(pkgPath, 'utf8')) as { main?: string; scripts?: { start?: string } })
    : {};
  const start = pkg.scripts?.start?.trim();
  if (start && /^node(\s|$)/.test(start)) return start.split(/\s+/).slice(1);
  if (pkg.main) return [pkg.main];
  for (const candidate of ['server.js', 'index.js', 'app.js']) {
    if (existsSync(join(dir, candidate))) return [candidate];
  }
  return ['server.js'];
}

const BASE_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SYSTEMROOT'];

export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of BASE_ENV_KEYS) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

export function createRuntime(timings: RuntimeTimings, log: (line: string) => void): Runtime {
  const id = nextId++;
  let child: ChildProcess | undefined;
  let childPort: number | null = null;
  let state: ProcessState = 'empty';
  let lastEnv: Record<string, string> = {};
  let restartTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let generation = 0;
  let settled: Promise<void> = Promise.resolve();
  const output: string[] = [];

  const remember = (line: string): void => {
    output.push(line);
    if (output.length > 200) output.shift();
  };

  async function launch(gen: number): Promise<void> {
    if (!runtime.content) {
      state = 'empty';
      return;
    }
    const dir = runtime.content.dir;
    const port = await freePort();
    if (gen !== generation) return;
    state = 'starting';
    childPort = port;
    const proc = spawn(process.execPath, startCommand(dir), {
      cwd: dir,
      env: { ...lastEnv, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    children.add(proc);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) remember(line);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    let exited = false;
    proc.once('exit', (code, signal) => {
      exited = true;
      children.delete(proc);
      if (child !== proc) return;
      child = undefined;
      if (gen !== generation || state === 'stopped') return;
      state = 'crashed';
      failures += 1;
      const delay = Math.min(
        timings.restartBackoffMs * 2 ** (failures - 1),
        timings.restartBackoffMaxMs,
      );
      log(`runtime ${id}: process exited (${signal ?? code}); restarting in ${delay} ms`);
      restartTimer = setTimeout(() => {
        restartTimer = undefined;
        if (gen === generation) settled = launch(gen);
      }, delay);
      restartTimer.unref();
    });
    const deadline = Date.now() + timings.startTimeoutMs;
    while (!exited && gen === generation && Date.now() < deadline) {
      if (await canConnect(port)) {
        if (gen === generation && child === proc && state === 'starting') {
          state = 'running';
          failures = 0;
        }
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    // Like the platform's container start limit: a process that never listens is killed, and
    // the exit handler above restarts it with backoff, instead of leaving the slot dark.
    if (!exited && gen === generation && child === proc && state === 'starting') {
      log(`runtime ${id}: no listener on PORT within ${timings.startTimeoutMs} ms; killing it`);
      proc.kill('SIGKILL');
    }
  }

  async function killChild(): Promise<void> {
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = undefined;
    const proc = child;
    child = undefined;
    childPort = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // A frozen (SIGSTOPped) process cannot act on SIGTERM, so it gets SIGKILL at once.
      proc.kill(state === 'frozen' ? 'SIGKILL' : 'SIGTERM');
    });
  }

  const runtime: Runtime = {
    id,
    content: null,
    state: () => state,
    port: () => (state === 'running' || state === 'frozen' ? childPort : null),
    async start(env) {
      generation += 1;
      const gen = generation;
      lastEnv = env;
      state = 'stopped';
      await killChild();
      failures = 0;
      settled = launch(gen);
      await settled;
    },
    async stop() {
      generation += 1;
      state = 'stopped';
      await killChild();
    },
    crash() {
      child?.kill('SIGKILL');
    },
    freeze() {
      if (child && state === 'running') {
        child.kill('SIGSTOP');
        state = 'frozen';
      }
    },
    thaw() {
      if (child && state === 'frozen') {
        child.kill('SIGCONT');
        state = 'running';
      }
    },
    probe(path, timeoutMs) {
      const port = runtime.port();
      if (port === null || state === 'frozen') return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const req = request(
          { host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, agent: false },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', () => resolve(undefined));
          },
        );
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(undefined));
        req.end();
      });
    },
    async whenSettled(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        settled,
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    recentOutput: () => [...output],
  };
  return runtime;
}
