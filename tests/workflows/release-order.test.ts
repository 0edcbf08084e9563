// The release template promotes one build through dev, then staging, then prod, and every stage
// ships the bytes the single build job produced. Read from workflows/release.yml and the
// reusable workflows it calls, so reordering the stages or adding a rebuild breaks this test.
import { describe, expect, it } from '@jest/globals';
import {
  isThisAction,
  loadWorkflow,
  needsOf,
  reusableWorkflowPath,
  workflowCallInputs,
} from './fixtures/workflows.ts';
import type { Job } from './fixtures/workflows.ts';

const template = loadWorkflow('workflows/release.yml');
const jobs = template.doc.jobs;

const buildWorkflow = '.github/workflows/build-package.yml';
const stageWorkflow = '.github/workflows/release-stage.yml';

function jobsCalling(path: string): [string, Job][] {
  return Object.entries(jobs).filter(([, job]) => reusableWorkflowPath(job.uses) === path);
}

/** Every job a job waits for, directly or through other jobs. */
function ancestors(id: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(jobs[id]!)) {
    if (!seen.has(need)) {
      seen.add(need);
      ancestors(need, seen);
    }
  }
  return seen;
}

const builds = jobsCalling(buildWorkflow);
const stages = jobsCalling(stageWorkflow).map(([id, job]) => ({
  id,
  job,
  environment: job.with?.['environment'],
}));

describe('workflows/release.yml', () => {
  it('builds exactly once, and nothing else in the run builds', () => {
    expect(builds.map(([id]) => id)).toEqual(['build']);
    const stage = loadWorkflow(stageWorkflow);
    const scripts = Object.values(stage.doc.jobs)
      .flatMap((job) => job.steps ?? [])
      .map((step) => step.run ?? '')
      .join('\n');
    expect(scripts).not.toMatch(/\bazd package\b|\bnpm (ci|install|run)\b/);
    const uploads = Object.values(stage.doc.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads).toEqual([]);
  });

  it('releases to dev, then staging, then prod', () => {
    // Sorting by how many jobs each stage waits for gives the order GitHub runs them in.
    const order = [...stages]
      .sort((a, b) => ancestors(a.id).size - ancestors(b.id).size)
      .map((s) => s.environment);
    expect(order).toEqual(['dev', 'staging', 'prod']);

    const idOf = (env: string) => stages.find((s) => s.environment === env)!.id;
    expect(ancestors(idOf('staging')).has(idOf('dev'))).toBe(true);
    expect(ancestors(idOf('prod')).has(idOf('staging'))).toBe(true);
    expect(ancestors(idOf('dev')).has(idOf('staging'))).toBe(false);
    expect(ancestors(idOf('staging')).has(idOf('prod'))).toBe(false);
  });

  it('deploys dev directly and staging and prod through a slot', () => {
    const strategy = Object.fromEntries(
      stages.map((s) => [s.environment, s.job.with?.['strategy']]),
    );
    expect(strategy).toEqual({ dev: 'direct', staging: 'slot', prod: 'slot' });
  });

  it('hands every stage the one artifact and digest from the build job', () => {
    const [buildId] = builds[0]!;
    for (const { id, job } of stages) {
      // needs.<job>.outputs is only readable for a job listed directly in needs.
      expect([id, needsOf(job)]).toEqual([id, expect.arrayContaining([buildId])]);
      expect([id, job.with?.['artifact-name']]).toEqual([
        id,
        `\${{ needs.${buildId}.outputs.artifact-name }}`,
      ]);
      expect([id, job.with?.['artifact-digest']]).toEqual([
        id,
        `\${{ needs.${buildId}.outputs.artifact-digest }}`,
      ]);
    }
    const outputs = Object.keys(
      (
        loadWorkflow(buildWorkflow).doc.on as {
          workflow_call: { outputs: Record<string, unknown> };
        }
      ).workflow_call.outputs,
    );
    expect(outputs).toEqual(expect.arrayContaining(['artifact-name', 'artifact-digest']));
  });

  it('refuses, in each stage, a zip whose digest differs, before it touches Azure', () => {
    const stage = loadWorkflow(stageWorkflow);
    expect(Object.keys(workflowCallInputs(stage.doc))).toEqual(
      expect.arrayContaining(['artifact-name', 'artifact-digest']),
    );
    const steps = Object.values(stage.doc.jobs).flatMap((job) => job.steps ?? []);
    const download = steps.findIndex(
      (s) =>
        s.uses?.startsWith('actions/download-artifact@') &&
        s.with?.['name'] === '${{ inputs.artifact-name }}',
    );
    const verify = steps.findIndex(
      (s) =>
        s.env?.['EXPECTED_DIGEST'] === '${{ inputs.artifact-digest }}' &&
        /sha256sum/.test(s.run ?? ''),
    );
    const firstAzure = steps.findIndex(
      (s) =>
        isThisAction(s.uses) ||
        /\bazd (auth|provision|deploy)\b/.test(s.run ?? '') ||
        s.uses?.startsWith('Azure/setup-azd@'),
    );
    expect(download).toBeGreaterThanOrEqual(0);
    expect(verify).toBeGreaterThan(download);
    expect(firstAzure).toBeGreaterThan(verify);
    // The zip that is deployed is the one that was verified.
    const verifyId = steps[verify]!.id;
    const deploying = steps.filter(
      (s) =>
        (isThisAction(s.uses) && s.with?.['mode'] === 'release') || /azd deploy/.test(s.run ?? ''),
    );
    expect(deploying.length).toBe(2);
    for (const s of deploying) {
      const pkg = s.with?.['package'] ?? s.env?.['PACKAGE'];
      expect(pkg).toBe(`\${{ steps.${verifyId}.outputs.path }}`);
    }
  });

  it('gives prod a GitHub environment of its own, so its reviewers can hold the release', () => {
    const environments = stages.map((s) => s.environment);
    expect(new Set(environments).size).toBe(environments.length);
    const stage = loadWorkflow(stageWorkflow);
    for (const job of Object.values(stage.doc.jobs)) {
      const env = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      expect(env).toBe('${{ inputs.environment }}');
    }
  });
});
