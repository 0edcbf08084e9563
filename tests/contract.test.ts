// The action's contract is written three times — action.yml, the README table, and the
// defaults the code applies — and these tests keep the three equal.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { INPUT_DEFAULTS } from '../src/inputs.ts';

const root = new URL('../', import.meta.url).pathname;
const action = parse(readFileSync(`${root}action.yml`, 'utf8')) as {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
};

describe('action.yml', () => {
  it('runs the bundle on node24', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      // Its own entry: whatever happened to the main step, the post step cannot run a release.
      post: 'dist/post.js',
      'post-if': 'always()',
    });
  });

  it('declares exactly the inputs the code reads, with the same defaults', () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']),
    );
    expect(declared).toEqual(INPUT_DEFAULTS);
  });

  it('describes every input and output, and marks none required (modes decide)', () => {
    for (const spec of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10);
    }
    expect(Object.values(action.inputs).some((s) => s.required === true)).toBe(false);
  });

  it('declares the outputs the action sets', () => {
    expect(Object.keys(action.outputs)).toEqual(
      expect.arrayContaining([
        'result',
        'slot-url',
        'production-url',
        'report-path',
        'deployed-version',
      ]),
    );
  });
});

describe('README', () => {
  it('inputs and outputs tables match action.yml', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const table = /<!-- inputs:start -->\n([\s\S]*?)\n<!-- inputs:end -->/.exec(readme)?.[1];
    const expected = execFileSync(process.execPath, ['scripts/inputs-table.ts'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    expect(table).toBe(expected);
  });

  it('opens with the two commands that work on a fresh machine', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });
});
