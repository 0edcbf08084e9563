// Runs `node dist/index.js` exactly as the Actions runner does: action.yml defaults and the
// step's `with:` as INPUT_* variables, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE
// files that are read back afterwards. Shared by the end-to-end tests, the demo and the bench.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { DecisionRecord } from '../src/record.ts';

export const root = new URL('../', import.meta.url).pathname;

interface ActionYml {
  inputs: Record<string, { default?: string }>;
}

export interface RunnerResult {
  exitCode: number;
  stdout: string;
  /** stdout as the job log shows it: the runner consumes `::add-mask::` commands. */
  log: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  report: DecisionRecord;
  reportText: string;
  /** What the main step saved for its post step (GITHUB_STATE). */
  state: Record<string, string>;
  /** The post step, when asked for: it runs after the main step, whatever became of it. */
  post?: StepResult;
}

export interface StepResult {
  exitCode: number;
  log: string;
  stderr: string;
  summary: string;
}

export const distEntry = join(root, 'dist/index.js');
export const distPostEntry = join(root, 'dist/post.js');

let defaults: Record<string, string> | undefined;

/** action.yml's input defaults, read once: the bench builds an environment per iteration. */
function actionDefaults(): Record<string, string> {
  if (!defaults) {
    const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYml;
    defaults = {};
    for (const [name, spec] of Object.entries(action.inputs))
      if (spec.default !== undefined) defaults[name] = spec.default;
  }
  return defaults;
}

/**
 * The environment of `node dist/index.js` for one step run in `work` (a folder the caller
 * owns): runner variables, empty command files, action.yml defaults and `with:` as INPUT_*.
 */
export function runnerEnv(
  work: string,
  withInputs: Record<string, string>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    RUNNER_TEMP: work,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: work,
    GITHUB_REPOSITORY: 'octo/agent-service',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    ...files,
    ...extra,
  };
  for (const [name, value] of Object.entries(actionDefaults()))
    env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(withInputs))
    env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

export async function runAction(
  withInputs: Record<string, string>,
  options: {
    env?: Record<string, string>;
    timeoutMs?: number;
    /** Sees the log as it is written, for live progress. */
    onStdout?: (text: string) => void;
    /** Cancels the job when the log first matches, the way the runner does (SIGINT, …). */
    cancelWhen?: RegExp;
    /** How long after SIGINT the runner escalates to SIGTERM (7.5 s on GitHub's runners). */
    sigtermAfterMs?: number;
    /** Kills the step outright when the log first matches (a runner that lost its machine). */
    killWhen?: RegExp;
    /** Runs the post step afterwards, with the main step's state. */
    post?: boolean;
  } = {},
): Promise<RunnerResult> {
  const work = mkdtempSync(join(tmpdir(), 'runner-'));
  // Like a runner's temp folder, the work folder ends with the job, however the job ends.
  try {
    const env = runnerEnv(work, withInputs, options.env);
    const main = await runStep(distEntry, env, work, options);

    const outputs = parseCommandFile(readFileSync(env.GITHUB_OUTPUT!, 'utf8'));
    const state = parseCommandFile(readFileSync(env.GITHUB_STATE!, 'utf8'));
    const reportPath = outputs['report-path'];
    const reportText = reportPath ? readFileSync(reportPath, 'utf8') : '{"stages":[]}';
    let post: StepResult | undefined;
    if (options.post) {
      const postWork = join(work, 'post');
      mkdirSync(postWork);
      const stateEnv = Object.fromEntries(
        Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]),
      );
      const postEnv = runnerEnv(postWork, withInputs, { ...options.env, ...stateEnv });
      post = await runStep(distPostEntry, postEnv, postWork, { timeoutMs: options.timeoutMs });
    }
    return {
      ...main,
      outputs,
      report: JSON.parse(reportText) as RunnerResult['report'],
      reportText,
      state,
      ...(post && { post }),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// On cancel the runner sends SIGINT, SIGTERM 7.5 s later, and kills the tree 2.5 s after that.
const SIGTERM_AFTER_MS = 7500;
const SIGKILL_AFTER_MS = 2500;

async function runStep(
  entry: string,
  env: Record<string, string>,
  work: string,
  options: {
    timeoutMs?: number;
    onStdout?: (text: string) => void;
    cancelWhen?: RegExp;
    sigtermAfterMs?: number;
    killWhen?: RegExp;
  },
): Promise<StepResult & { stdout: string }> {
  const child = spawn(process.execPath, [entry], { env, cwd: work });
  let stdout = '';
  let stderr = '';
  const timers: NodeJS.Timeout[] = [];
  let cancelled = false;
  let killed = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    options.onStdout?.(d.toString());
    if (options.cancelWhen && !cancelled && options.cancelWhen.test(stdout)) {
      cancelled = true;
      child.kill('SIGINT');
      const sigtermAfter = options.sigtermAfterMs ?? SIGTERM_AFTER_MS;
      timers.push(setTimeout(() => child.kill('SIGTERM'), sigtermAfter));
      timers.push(setTimeout(() => child.kill('SIGKILL'), sigtermAfter + SIGKILL_AFTER_MS));
    }
    if (options.killWhen && !killed && options.killWhen.test(stdout)) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  timers.push(setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000));
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code) => resolve(code ?? -1)),
  );
  for (const timer of timers) clearTimeout(timer);
  return {
    exitCode,
    stdout,
    log: stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr,
    summary: readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8'),
  };
}

/** Reads the `name<<delimiter … delimiter` records that @actions/core writes. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}
