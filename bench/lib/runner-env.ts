// The environment the Actions runner gives `node dist/index.js`: action.yml defaults and the
// step's `with:` as INPUT_* variables, and the command files. Same contract as
// tests/fixtures/runner.ts, without its per-run temp folder, so a process can be timed alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const root = new URL('../../', import.meta.url).pathname;
export const distEntry = join(root, 'dist/index.js');

type ActionYml = { inputs: Record<string, { default?: string }> };

/** Env for one run in `work` (a folder the caller owns); the command files are emptied. */
export function runnerEnv(work: string, withInputs: Record<string, string>): NodeJS.ProcessEnv {
  const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionYml;
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_STATE: join(work, 'state'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? work,
    RUNNER_TEMP: work,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: work,
    GITHUB_REPOSITORY: 'octo/agent-service',
    GITHUB_RUN_ID: '4242',
    ...files,
  };
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (spec.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = spec.default;
  }
  for (const [name, value] of Object.entries(withInputs))
    env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}
