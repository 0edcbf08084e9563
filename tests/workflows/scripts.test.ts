// The shell inside the reusable workflows, run as GitHub runs it (bash -eo pipefail, values in
// env:) against stand-ins for azd and gh. These are the steps that guard the artifact, write the
// audit trail and keep the PR comment sticky, so they are exercised, not just linted.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadWorkflow } from './fixtures/workflows.ts';
import type { Step } from './fixtures/workflows.ts';

function step(path: string, job: string, match: (s: Step) => boolean): Step {
  const found = (loadWorkflow(path).doc.jobs[job]?.steps ?? []).find(match);
  if (!found?.run) throw new Error(`no run step in ${path} ${job}`);
  return found;
}

let dir: string;
let bin: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workflow-scripts-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
});

afterEach(() => {
  spawnSync('rm', ['-rf', dir]);
});

type Run = {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
};

/** Runs a step's script the way `shell: bash` does, with GITHUB_OUTPUT and the step summary. */
function runStep(script: string, env: Record<string, string>, cwd = dir): Run {
  const file = join(dir, 'step.sh');
  writeFileSync(file, script);
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env: {
      PATH: `${bin}:${process.env['PATH']}`,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ...env,
    },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    status: result.status,
    stdout: result.stdout + result.stderr,
    outputs,
    summary: readFileSync(summary, 'utf8'),
  };
}

function fakeCommand(name: string, script: string): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/usr/bin/env bash\n${script}\n`);
  chmodSync(path, 0o755);
}

describe.each([
  ['.github/workflows/release-stage.yml', 'release'],
  ['.github/workflows/pr-preview.yml', 'preview'],
])('%s: the artifact digest check', (path, job) => {
  const verify = () => step(path, job, (s) => s.id === 'package').run!;
  const zipBytes = Buffer.from('PK\u0005\u0006' + '\u0000'.repeat(18), 'binary');
  const digest = `sha256:${createHash('sha256').update(zipBytes).digest('hex')}`;

  it('accepts the zip the build recorded and hands on its path', () => {
    writeFileSync(join(dir, 'app.zip'), zipBytes);
    const run = runStep(verify(), { EXPECTED_DIGEST: digest });
    expect(run.status).toBe(0);
    expect(run.outputs['path']).toBe(join(dir, 'app.zip'));
  });

  it('refuses a zip with other bytes', () => {
    writeFileSync(join(dir, 'app.zip'), Buffer.concat([zipBytes, Buffer.from('x')]));
    const run = runStep(verify(), { EXPECTED_DIGEST: digest });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('::error::Artifact digest');
    expect(run.outputs['path']).toBeUndefined();
  });

  it('refuses an artifact that holds more than one zip', () => {
    writeFileSync(join(dir, 'app.zip'), zipBytes);
    writeFileSync(join(dir, 'other.zip'), zipBytes);
    const run = runStep(verify(), { EXPECTED_DIGEST: digest });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('exactly one zip; found 2');
  });
});

describe('release-stage.yml: resolving the app from the azd environment', () => {
  const resolve = () =>
    step('.github/workflows/release-stage.yml', 'release', (s) => s.id === 'target').run!;

  beforeEach(() => {
    // azd env get-value: the values an azd Bicep template outputs for a service named my-api.
    fakeCommand(
      'azd',
      `case "$3" in
         SERVICE_MY_API_NAME) echo app-dev-123 ;;
         SERVICE_MY_API_URI) echo https://app-dev-123.azurewebsites.net ;;
         AZURE_RESOURCE_GROUP) echo rg-dev ;;
         *) echo "ERROR: key '$3' not found" >&2; exit 1 ;;
       esac`,
    );
  });

  it('derives the output names from the service name (my-api -> SERVICE_MY_API_*)', () => {
    const run = runStep(resolve(), {
      SERVICE: 'my-api',
      STRATEGY: 'direct',
      USE_AZD: 'true',
      APP_NAME: '',
      RESOURCE_GROUP: '',
      AZURE_ENV_NAME: 'app-dev',
    });
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({
      'app-name': 'app-dev-123',
      'resource-group': 'rg-dev',
      url: 'https://app-dev-123.azurewebsites.net',
      'svc-key': 'MY_API',
    });
  });

  it('prefers app-name and resource-group given as inputs', () => {
    const run = runStep(resolve(), {
      SERVICE: 'my-api',
      STRATEGY: 'slot',
      USE_AZD: 'false',
      APP_NAME: 'app-prod',
      RESOURCE_GROUP: 'rg-prod',
      AZURE_ENV_NAME: 'app-prod',
    });
    expect(run.status).toBe(0);
    expect(run.outputs['app-name']).toBe('app-prod');
    expect(run.outputs['resource-group']).toBe('rg-prod');
  });

  it('stops with the name of a value the infrastructure does not output', () => {
    const run = runStep(resolve(), {
      SERVICE: 'web',
      STRATEGY: 'slot',
      USE_AZD: 'true',
      APP_NAME: '',
      RESOURCE_GROUP: '',
      AZURE_ENV_NAME: 'app-dev',
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain("has no value 'SERVICE_WEB_NAME'");
  });
});

describe('rollback-stage.yml: the audit summary', () => {
  const record = () =>
    step('.github/workflows/rollback-stage.yml', 'rollback', (s) => s.name === 'Record who and why')
      .run!;

  it('records who, why, where and the result on one row each, whatever the reason contains', () => {
    const run = runStep(record(), {
      STAGE: 'prod',
      REQUESTED_BY: 'octocat',
      REASON: 'p95 doubled after 1.4.2 | see INC-7\n::error::not a command',
      APP_NAME: 'app-prod',
      RESULT: 'rolled-back',
      PRODUCTION_URL: 'https://app-prod.azurewebsites.net',
      RUN_URL: 'https://github.com/o/r/actions/runs/1',
    });
    expect(run.status).toBe(0);
    const lines = run.summary.split('\n');
    expect(lines).toContain('## Rollback of prod');
    expect(lines).toContain('| Requested by | @octocat |');
    expect(lines).toContain(
      '| Reason | p95 doubled after 1.4.2 \\| see INC-7 ::error::not a command |',
    );
    expect(lines).toContain('| Result | rolled-back |');
    expect(lines.filter((l) => l.startsWith('::'))).toEqual([]);
  });
});

describe('pr-preview.yml: the gate rows for the comment', () => {
  const gates = () =>
    step('.github/workflows/pr-preview.yml', 'preview', (s) => s.id === 'gates').run!;

  it('turns the decision record into one table row per gate, with PR-controlled text made inert', () => {
    const report = join(dir, 'report.json');
    writeFileSync(
      report,
      JSON.stringify({
        schema: 'slot-release/decision-record@1',
        stages: [
          { name: 'health', status: 'passed', summary: '200 in 41 ms, version abc123' },
          {
            name: 'smoke',
            status: 'failed',
            summary: 'answer lacked "pong": got <img src=x> | [link](https://evil)\nsecond line',
          },
        ],
      }),
    );
    const run = runStep(gates(), { REPORT: report });
    expect(run.status).toBe(0);
    expect(run.outputs['rows']).toBeUndefined(); // multiline: written with a delimiter
    const raw = readFileSync(join(dir, 'output'), 'utf8').split('\n');
    expect(raw[0]).toMatch(/^rows<<gates_\d+$/);
    expect(raw.slice(1, 3)).toEqual([
      '| health | passed | 200 in 41 ms, version abc123 |',
      '| smoke | failed | answer lacked "pong": got img src=x \\| link(https://evil) second line |',
    ]);
    expect(raw[3]).toBe(raw[0]!.slice('rows<<'.length));
  });

  it('writes nothing when the action left no record', () => {
    const run = runStep(gates(), { REPORT: join(dir, 'missing.json') });
    expect(run.status).toBe(0);
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('');
  });
});

describe('pr-preview.yml: the sticky PR comment', () => {
  const comment = () =>
    step('.github/workflows/pr-preview.yml', 'comment', (s) => /comments/.test(s.run ?? '')).run!;
  const calls = () => join(dir, 'gh-calls');

  /**
   * A gh stand-in. Listing runs the workflow's own --jq filter (with jq) over the given
   * comments, shaped like the REST API's; writes are recorded with their method, path and body.
   */
  function fakeGh(existing: { id: number; login: string; body: string }[]): void {
    const listed = existing.map(({ id, login, body }) => ({ id, user: { login }, body }));
    writeFileSync(join(dir, 'comments.json'), JSON.stringify(listed));
    fakeCommand(
      'gh',
      `if [ "$2" = --paginate ]; then
         [ "$4" = --jq ] || exit 2
         exec jq -r "$5" ${JSON.stringify(join(dir, 'comments.json'))}
       fi
       [ "$2" = -X ] && [ "$5" = -f ] || exit 2
       printf '%s %s\n%s\n---\n' "$3" "$4" "\${6#body=}" >> ${JSON.stringify(calls())}`,
    );
  }

  const env = {
    REPO: 'o/r',
    PR_NUMBER: '42',
    OPERATION: 'deploy',
    SERVICE: 'api',
    JOB_RESULT: 'success',
    RESULT: 'passed',
    SLOT_URL: 'https://app-dev-pr-42.azurewebsites.net',
    DEPLOYED_VERSION: 'abc123',
    HEAD_SHA: '0123456789abcdef0123',
    RUN_URL: 'https://github.com/o/r/actions/runs/9',
  };

  it('creates the comment on the first push', () => {
    fakeGh([]);
    const run = runStep(comment(), env);
    expect(run.status).toBe(0);
    const written = readFileSync(calls(), 'utf8');
    expect(written).toMatch(
      /^POST repos\/o\/r\/issues\/42\/comments\n<!-- slot-release-preview:api -->\n/,
    );
    expect(written).toContain('### Preview `pr-42`: passed');
    expect(written).toContain('| URL | https://app-dev-pr-42.azurewebsites.net |');
    expect(written).toContain('| Version | abc123 |');
  });

  it('updates that same comment on the next push, and leaves look-alikes by others alone', () => {
    fakeGh([
      { id: 7, login: 'someone', body: '<!-- slot-release-preview:api --> copied' },
      { id: 8, login: 'github-actions[bot]', body: '<!-- slot-release-preview:api -->\nold' },
    ]);
    const run = runStep(comment(), { ...env, RESULT: 'failed' });
    expect(run.status).toBe(0);
    const written = readFileSync(calls(), 'utf8');
    expect(written).toMatch(/^PATCH repos\/o\/r\/issues\/comments\/8\n/);
    expect(written).toContain('### Preview `pr-42`: failed');
  });

  it('keeps the version the PR code reports to an inert token', () => {
    fakeGh([]);
    const run = runStep(comment(), { ...env, DEPLOYED_VERSION: '1.0 | [x](https://evil) <img>' });
    expect(run.status).toBe(0);
    expect(readFileSync(calls(), 'utf8')).toContain('| Version | 1.0xhttpsevilimg |');
  });

  it('adds the gate table when the preview job summarized one', () => {
    fakeGh([]);
    const run = runStep(comment(), { ...env, GATES: '| health | passed | 200 in 41 ms |' });
    expect(run.status).toBe(0);
    const written = readFileSync(calls(), 'utf8');
    expect(written).toContain(
      '| Gate | Status | Detail |\n|---|---|---|\n| health | passed | 200 in 41 ms |',
    );
  });

  it('says the slot is gone after cleanup', () => {
    fakeGh([]);
    const run = runStep(comment(), { ...env, OPERATION: 'cleanup', RESULT: 'cleaned' });
    expect(run.status).toBe(0);
    const written = readFileSync(calls(), 'utf8');
    expect(written).toContain('### Preview `pr-42` removed');
    expect(written).not.toContain('| URL |');
  });
});
