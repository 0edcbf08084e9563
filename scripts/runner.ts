// Runs `node dist/index.js` exactly as the Actions runner does: action.yml defaults and the
// step's `with:` as INPUT_* variables, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE
// files that are read back afterwards. Shared by the end-to-end tests, the demo and the bench.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
}

export const distEntry = join(root, 'dist/index.js');

/**
 * The environment of `node dist/index.js` for one step run in `work` (a folder the caller
 * owns): runner variables, empty command files, action.yml defaults and `with:` as INPUT_*.
 */
export function runnerEnv(
  work: string,
  withInputs: Record<string, string>,
  extra: Record<string, string> = {},
): Record<string, string> {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYml;
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
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = spec.default;
  }
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
  } = {},
): Promise<RunnerResult> {
  const work = mkdtempSync(join(tmpdir(), 'runner-'));
  const env = runnerEnv(work, withInputs, options.env);
  const files = {
    GITHUB_OUTPUT: env.GITHUB_OUTPUT!,
    GITHUB_STEP_SUMMARY: env.GITHUB_STEP_SUMMARY!,
  };

  const child = spawn(process.execPath, [distEntry], { env, cwd: work });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    options.onStdout?.(d.toString());
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exitCode = await new Promise<number>((resolve) =>
    child.on('close', (code) => resolve(code ?? -1)),
  );
  clearTimeout(timer);

  const outputs = parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
  const reportPath = outputs['report-path'];
  const reportText = reportPath ? readFileSync(reportPath, 'utf8') : '{"stages":[]}';
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
  // Like a runner's temp folder, the work folder ends with the job.
  rmSync(work, { recursive: true, force: true });
  return {
    exitCode,
    stdout,
    log: stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr,
    outputs,
    summary,
    report: JSON.parse(reportText) as RunnerResult['report'],
    reportText,
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
