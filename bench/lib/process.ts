// Child processes of the bench: every one is tracked so that an interrupted or failed run kills
// what it started, and timed from spawn to exit with performance.now().
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void>>();

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Registers an async cleanup (an emulator's stop) for an interrupted run; returns the unregister. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Runs the registered cleanups (bounded by `timeoutMs`), then SIGKILLs every tracked child and
 * every remaining descendant of this process: children spawned by helpers the bench does not
 * own (the runner fixture's `node dist/index.js`, the emulator's app processes, other groups).
 * Returns the command lines of the processes that had to be killed.
 */
export async function cleanUpEverything(timeoutMs = 5000): Promise<string[]> {
  const all = Promise.allSettled([...cleanups].map((c) => c()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  const killed: string[] = [];
  for (const child of live) if (child.kill('SIGKILL')) killed.push(child.spawnargs.join(' '));
  for (const pid of descendants(process.pid)) {
    const command = commandLine(pid);
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(`${pid} ${command}`);
    } catch {
      // already gone
    }
  }
  return killed;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

/** Pids below `pid` in the process tree, from /proc (Linux); none elsewhere. */
function descendants(pid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // pid (comm) state ppid …; comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    for (const child of children.get(queue[i]!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export type Timed = {
  wallMs: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
};

/** Spawns `command`, returns the wall time from spawn to exit and its output; killed at `timeoutMs`. */
export async function timeProcess(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Timed> {
  let stdout = '';
  let stderr = '';
  const started = performance.now();
  const child = track(spawn(command, args, { env: options.env, cwd: options.cwd }));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  let wallMs = NaN;
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => (wallMs = performance.now() - started));
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  return { wallMs, exitCode, stdout, stderr };
}

const GNU_TIME = '/usr/bin/time';

export function canMeasureRss(): boolean {
  return existsSync(GNU_TIME);
}

/**
 * Peak resident set size (MB) of `process.execPath args`, as GNU time reports it for the child
 * it waits for (`-f %M`, written to its own file so the child's stderr stays untouched).
 */
export async function maxRssMb(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<number> {
  const out = join(tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const r = await timeProcess(
      GNU_TIME,
      ['-f', '%M', '-o', out, process.execPath, ...args],
      options,
    );
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${tail(r.stdout + r.stderr)}`);
    const kb = Number((await readFile(out, 'utf8')).trim().split('\n').at(-1));
    if (!Number.isFinite(kb)) throw new Error(`${GNU_TIME} reported no maximum RSS`);
    return kb / 1024;
  } finally {
    await rm(out, { force: true });
  }
}

/** The last lines of a process's output, for an error message. */
export function tail(text: string, lines = 8): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
