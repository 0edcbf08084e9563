// Structural rules for every workflow in .github/workflows and every starter template in
// workflows/: the contract with action.yml, least-privilege permissions, pinning, and the
// promises the PR preview makes. The rules are written over all files, so a workflow added later
// (CI, check-dist, a new template) is held to them without being named here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  isThisAction,
  loadWorkflow,
  loadWorkflows,
  projectRepo,
  repoRoot,
  reusableWorkflowPath,
  templateDir,
  triggers,
  workflowCallInputs,
  workflowCallSecrets,
} from './fixtures/workflows.ts';
import type { Job, Permissions, Step, Workflow, WorkflowFile } from './fixtures/workflows.ts';

const files = loadWorkflows();
const byPath = new Map(files.map((f) => [f.path, f]));
const templates = files.filter((f) => f.path.startsWith(`${templateDir}/`));

type ActionInput = { required?: boolean; default?: string; description?: string };
const actionInputs = (
  parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, ActionInput>;
  }
).inputs;

/** The modes action.yml lists for `mode` ("What to do: release | deploy | ..."). */
const modes = (/:\s*([a-z |]+)\./.exec(actionInputs['mode']?.description ?? '')?.[1] ?? '')
  .split('|')
  .map((m) => m.trim())
  .filter(Boolean);

/** The variables `azd pipeline config` sets; the workflows read no others. */
const azdPipelineVariables = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_ENV_NAME',
  'AZURE_LOCATION',
];

const sameRepositoryGuard = 'github.event.pull_request.head.repo.full_name == github.repository';

function jobsOf(file: WorkflowFile): [string, Job][] {
  return Object.entries(file.doc.jobs ?? {});
}

function allJobs(): { file: WorkflowFile; id: string; job: Job }[] {
  return files.flatMap((file) => jobsOf(file).map(([id, job]) => ({ file, id, job })));
}

function allSteps(): { file: WorkflowFile; jobId: string; step: Step }[] {
  return allJobs().flatMap(({ file, id, job }) =>
    (job.steps ?? []).map((step) => ({ file, jobId: id, step })),
  );
}

function callee(job: Job): WorkflowFile | undefined {
  const path = reusableWorkflowPath(job.uses);
  if (!path) return undefined;
  const known = byPath.get(path);
  if (known) return known;
  return existsSync(join(repoRoot, path)) ? loadWorkflow(path) : undefined;
}

/** A step that signs in to Azure with the GitHub OIDC token. */
function stepLogsInWithOidc(step: Step): boolean {
  if (step.run && /\bazd auth login\b[^\n]*--federated-credential-provider/.test(step.run)) {
    return true;
  }
  if (step.uses && /^azure\/login@/i.test(step.uses)) return !step.with?.['creds'];
  if (isThisAction(step.uses)) {
    return step.with?.['client-id'] !== undefined || step.with?.['auth'] === 'oidc';
  }
  return false;
}

/** A job that signs in to Azure itself or calls a reusable workflow with such a job. */
function jobLogsIn(job: Job, seen = new Set<string>()): boolean {
  if ((job.steps ?? []).some(stepLogsInWithOidc)) return true;
  const called = callee(job);
  if (!called || seen.has(called.path)) return false;
  seen.add(called.path);
  return jobsOf(called).some(([, j]) => jobLogsIn(j, seen));
}

function stepComments(step: Step): boolean {
  return (
    !!step.run && (/issues\/[^\s]*\/comments/.test(step.run) || /gh pr comment/.test(step.run))
  );
}

function jobComments(job: Job, seen = new Set<string>()): boolean {
  if ((job.steps ?? []).some(stepComments)) return true;
  const called = callee(job);
  if (!called || seen.has(called.path)) return false;
  seen.add(called.path);
  return jobsOf(called).some(([, j]) => jobComments(j, seen));
}

const level = { none: 0, read: 1, write: 2 } as const;

/** What the job's GITHUB_TOKEN may do for one scope, from the job or else the workflow. */
function permission(workflow: Workflow, job: Job, scope: string): keyof typeof level {
  const perms: Permissions | undefined = job.permissions ?? workflow.permissions;
  if (perms === 'write-all') return 'write';
  if (perms === 'read-all') return scope === 'id-token' ? 'none' : 'read';
  if (perms === undefined) return 'none';
  return (perms[scope] as keyof typeof level | undefined) ?? 'none';
}

function scopesOf(workflow: Workflow, job: Job): string[] {
  const perms = job.permissions ?? workflow.permissions;
  return perms && typeof perms === 'object' ? Object.keys(perms) : [];
}

/** Workflows reachable from a file through reusable-workflow calls, the file included. */
function reachable(file: WorkflowFile): WorkflowFile[] {
  const out = new Map<string, WorkflowFile>([[file.path, file]]);
  const queue = [file];
  while (queue.length) {
    const current = queue.shift()!;
    for (const [, job] of jobsOf(current)) {
      const called = callee(job);
      if (called && !out.has(called.path)) {
        out.set(called.path, called);
        queue.push(called);
      }
    }
  }
  return [...out.values()];
}

describe('calls of this action', () => {
  const calls = allSteps().filter(({ step }) => isThisAction(step.uses));

  it('know the modes action.yml documents', () => {
    expect(modes).toEqual(expect.arrayContaining(['release', 'deploy', 'rollback', 'cleanup']));
  });

  it('exist (the templates really drive the action)', () => {
    expect(calls.length).toBeGreaterThan(0);
  });

  it.each(
    calls.map((c) => [`${c.file.path} ${c.jobId} "${c.step.name ?? c.step.id}"`, c.step] as const),
  )('%s passes only inputs action.yml declares, and all it requires', (_label, step) => {
    const given = Object.keys(step.with ?? {});
    const unknown = given.filter((name) => !(name in actionInputs));
    expect(unknown).toEqual([]);
    const required = Object.entries(actionInputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
  });

  it.each(
    calls.map((c) => [`${c.file.path} ${c.jobId} "${c.step.name ?? c.step.id}"`, c.step] as const),
  )('%s names a documented mode and, outside verify, the app it acts on', (_label, step) => {
    const mode = String(step.with?.['mode'] ?? actionInputs['mode']?.default);
    if (!mode.includes('${{')) expect(modes).toContain(mode);
    // action.yml: app-name, resource-group and subscription-id are "Required by every mode
    // except verify".
    if (mode !== 'verify') {
      expect(Object.keys(step.with ?? {})).toEqual(
        expect.arrayContaining(['app-name', 'resource-group', 'subscription-id']),
      );
    }
  });
});

describe('permissions', () => {
  it('are never granted broadly at the top of a workflow', () => {
    for (const file of files) {
      const top = file.doc.permissions;
      expect([file.path, top]).not.toEqual([file.path, 'write-all']);
      if (top && typeof top === 'object') {
        expect([file.path, top['id-token']]).not.toEqual([file.path, 'write']);
        expect([file.path, top['pull-requests']]).not.toEqual([file.path, 'write']);
      }
    }
  });

  it.each(allJobs().map(({ file, id, job }) => [`${file.path} ${id}`, file, job] as const))(
    '%s: id-token: write exactly when the job (or a workflow it calls) logs in to Azure',
    (_label, file, job) => {
      const hasIdToken = permission(file.doc, job, 'id-token') === 'write';
      expect({ logsIn: jobLogsIn(job), hasIdToken }).toEqual({
        logsIn: hasIdToken,
        hasIdToken,
      });
    },
  );

  it.each(allJobs().map(({ file, id, job }) => [`${file.path} ${id}`, file, job] as const))(
    '%s: pull-requests: write exactly when the job (or a workflow it calls) comments on the PR',
    (_label, file, job) => {
      const canWritePrs = permission(file.doc, job, 'pull-requests') === 'write';
      expect({ comments: jobComments(job), canWritePrs }).toEqual({
        comments: canWritePrs,
        canWritePrs,
      });
    },
  );

  // GitHub refuses to start a called job that asks for more than its caller granted.
  it.each(
    allJobs()
      .filter(({ job }) => callee(job))
      .map(({ file, id, job }) => [`${file.path} ${id}`, file, job] as const),
  )('%s grants every permission the called workflow asks for', (_label, file, job) => {
    const called = callee(job)!;
    for (const [calledId, calledJob] of jobsOf(called)) {
      for (const scope of scopesOf(called.doc, calledJob)) {
        const needed = permission(called.doc, calledJob, scope);
        const granted = permission(file.doc, job, scope);
        expect([calledId, scope, level[granted] >= level[needed]]).toEqual([calledId, scope, true]);
      }
    }
  });
});

describe('calls of reusable workflows', () => {
  const callers = allJobs().filter(({ job }) => reusableWorkflowPath(job.uses));

  it('resolve to a workflow_call workflow in this repository', () => {
    for (const { file, id, job } of callers) {
      const called = callee(job);
      expect([file.path, id, called?.path]).toEqual([
        file.path,
        id,
        reusableWorkflowPath(job.uses),
      ]);
      expect(triggers(called!.doc)).toContain('workflow_call');
    }
  });

  it.each(callers.map(({ file, id, job }) => [`${file.path} ${id} -> ${job.uses}`, job] as const))(
    '%s gives every required input and only declared ones, with the declared types',
    (_label, job) => {
      const called = callee(job)!;
      const inputs = workflowCallInputs(called.doc);
      const given = job.with ?? {};
      const missing = Object.entries(inputs)
        .filter(([name, input]) => input.required && !(name in given))
        .map(([name]) => name);
      expect(missing).toEqual([]);
      expect(Object.keys(given).filter((name) => !(name in inputs))).toEqual([]);
      for (const [name, value] of Object.entries(given)) {
        const isExpression = typeof value === 'string' && value.includes('${{');
        if (isExpression) continue;
        const type = inputs[name]!.type;
        expect([name, typeof value]).toEqual([name, type]);
      }
    },
  );

  it.each(callers.map(({ file, id, job }) => [`${file.path} ${id} -> ${job.uses}`, job] as const))(
    '%s passes every required secret and only declared ones',
    (_label, job) => {
      const declared = workflowCallSecrets(callee(job)!.doc);
      if (job.secrets === 'inherit') return;
      const given = Object.keys(job.secrets ?? {});
      expect(given.filter((name) => !(name in declared))).toEqual([]);
      const required = Object.entries(declared).filter(([, s]) => s.required);
      expect(required.map(([name]) => name).filter((name) => !given.includes(name))).toEqual([]);
    },
  );

  it('document every input, secret and output', () => {
    for (const file of files.filter((f) => triggers(f.doc).includes('workflow_call'))) {
      const on = (file.doc.on as Record<string, Record<string, Record<string, unknown>>>)[
        'workflow_call'
      ]!;
      for (const section of ['inputs', 'secrets', 'outputs']) {
        for (const [name, spec] of Object.entries(on[section] ?? {})) {
          const described = typeof (spec as { description?: unknown }).description === 'string';
          expect([file.path, section, name, described]).toEqual([file.path, section, name, true]);
        }
      }
      for (const [name, input] of Object.entries(workflowCallInputs(file.doc))) {
        expect([file.path, name, ['string', 'boolean', 'number'].includes(input.type)]).toEqual([
          file.path,
          name,
          true,
        ]);
      }
    }
  });
});

describe('triggers', () => {
  it('never use pull_request_target (it runs fork code with the base repository secrets)', () => {
    for (const file of files) {
      expect([file.path, triggers(file.doc)]).not.toEqual([
        file.path,
        expect.arrayContaining(['pull_request_target']),
      ]);
    }
  });
});

describe('pinning', () => {
  const usesLine = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(?:#\s*(.*))?$/;

  const references = files.flatMap((file) =>
    file.source.split('\n').flatMap((line, index) => {
      const match = usesLine.exec(line);
      return match ? [{ file, line: index + 1, ref: match[1]!, comment: match[2]?.trim() }] : [];
    }),
  );

  it('reads every uses: (the line scan misses none of the parsed ones)', () => {
    for (const file of files) {
      const parsed = jobsOf(file).flatMap(([, job]) => [
        ...(job.uses ? [job.uses] : []),
        ...(job.steps ?? []).flatMap((s) => (s.uses ? [s.uses] : [])),
      ]);
      const scanned = references.filter((r) => r.file === file).map((r) => r.ref);
      expect([file.path, scanned]).toEqual([file.path, parsed]);
    }
  });

  const external = references.filter(
    (r) => !r.ref.startsWith('./') && !r.ref.startsWith('docker://'),
  );

  it.each(external.map((r) => [`${r.file.path}:${r.line} ${r.ref}`, r] as const))(
    '%s is pinned to a full commit SHA with its version in a comment',
    (_label, r) => {
      expect(r.ref).toMatch(/^[\w.-]+\/[\w.-]+(\/[^@]+)?@[0-9a-f]{40}$/);
      expect(r.comment ?? '').toMatch(/^v\d+(\.\d+){0,2}\b/);
    },
  );

  it('call this project at one commit everywhere, so a release rewrites a single SHA', () => {
    const project = external.filter(
      (r) => r.ref.startsWith(`${projectRepo}@`) || r.ref.startsWith(`${projectRepo}/`),
    );
    expect(project.length).toBeGreaterThan(0);
    expect(new Set(project.map((r) => r.ref.split('@')[1])).size).toBe(1);
  });

  it('templates call this project by its pinned reference, never by a local path', () => {
    // A template runs in the user's repository, where ./ is their code, not slot-release.
    for (const r of references.filter((x) => x.file.path.startsWith(`${templateDir}/`))) {
      expect(r.ref.startsWith('./')).toBe(false);
    }
  });
});

describe('the PR preview', () => {
  const pullRequestTemplates = templates.filter((f) => triggers(f.doc).includes('pull_request'));

  it('exists', () => {
    expect(pullRequestTemplates.map((f) => f.path)).toContain(`${templateDir}/pr-preview.yml`);
  });

  it.each(pullRequestTemplates.map((f) => [f.path, f] as const))(
    '%s never releases or swaps, in itself or any workflow it calls',
    (_label, template) => {
      const actionSteps = reachable(template).flatMap((file) =>
        jobsOf(file).flatMap(([, job]) => (job.steps ?? []).filter((s) => isThisAction(s.uses))),
      );
      expect(actionSteps.length).toBeGreaterThan(0);
      for (const step of actionSteps) {
        // A mode left to its default would be release; an expression could become anything.
        const mode = step.with?.['mode'];
        expect(['deploy', 'cleanup', 'verify']).toContain(mode);
      }
    },
  );

  it.each(pullRequestTemplates.map((f) => [f.path, f] as const))(
    '%s gives Azure access only to pull requests from this repository, never to forks',
    (_label, template) => {
      for (const file of reachable(template)) {
        for (const [id, job] of jobsOf(file)) {
          if (!jobLogsIn(job)) continue;
          expect([file.path, id, String(job.if ?? '')]).toEqual([
            file.path,
            id,
            expect.stringContaining(sameRepositoryGuard),
          ]);
        }
      }
    },
  );
});

describe('jobs that act on Azure', () => {
  const azureJobs = allJobs().filter(({ job }) => (job.steps ?? []).some(stepLogsInWithOidc));

  it.each(azureJobs.map(({ file, id, job }) => [`${file.path} ${id}`, job] as const))(
    '%s runs in a GitHub environment (its protection rules and federated credential apply)',
    (_label, job) => {
      const env = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      expect(env).toMatch(/\S/);
    },
  );

  it.each(azureJobs.map(({ file, id, job }) => [`${file.path} ${id}`, job] as const))(
    '%s is serialized per app and environment, and a release or rollback is never cancelled',
    (_label, job) => {
      const concurrency =
        typeof job.concurrency === 'string' ? { group: job.concurrency } : job.concurrency;
      expect(concurrency?.group).toMatch(/inputs\.environment|inputs\.pr-number/);
      expect(concurrency?.group).toContain('inputs.service');
      // An unset mode is action.yml's default (release); an expression may be any mode.
      const modeOf = (s: { with?: Record<string, unknown> }) =>
        String(s.with?.['mode'] ?? actionInputs['mode']?.default);
      const swaps = (job.steps ?? []).some(
        (s) =>
          isThisAction(s.uses) &&
          (['release', 'swap', 'rollback'].includes(modeOf(s)) || modeOf(s).includes('${{')),
      );
      if (swaps) expect(concurrency?.['cancel-in-progress']).toBe(false);
    },
  );

  it.each(azureJobs.map(({ file, id, job }) => [`${file.path} ${id}`, job] as const))(
    '%s reads only the variables azd pipeline config sets',
    (_label, job) => {
      const used = [...JSON.stringify(job).matchAll(/vars\.([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      expect(used.filter((name) => !azdPipelineVariables.includes(name!))).toEqual([]);
    },
  );
});

describe('run scripts', () => {
  // Expressions are pasted into the script before bash sees it; values an outsider or a
  // dispatch form controls must arrive through env: instead.
  const untrusted = /\$\{\{[^}]*\b(inputs\.|github\.event\.|github\.head_ref|secrets\.|vars\.)/;

  it.each(
    allSteps()
      .filter(({ step }) => step.run)
      .map(
        ({ file, jobId, step }) =>
          [`${file.path} ${jobId} "${step.name ?? step.run!.split('\n')[0]}"`, step] as const,
      ),
  )('%s takes no inputs, event data, variables or secrets by interpolation', (_label, step) => {
    expect(step.run).not.toMatch(untrusted);
  });
});

describe('starter templates', () => {
  it.each(templates.map((f) => [f.path] as const))(
    '%s has a .properties.json for organisation templates',
    (path) => {
      const propertiesPath = join(repoRoot, path.replace(/\.ya?ml$/, '.properties.json'));
      expect(existsSync(propertiesPath)).toBe(true);
      const properties = JSON.parse(readFileSync(propertiesPath, 'utf8')) as Record<
        string,
        unknown
      >;
      expect(properties).toEqual(
        expect.objectContaining({
          name: expect.any(String),
          description: expect.any(String),
          iconName: expect.any(String),
          categories: expect.arrayContaining([expect.any(String)]),
        }),
      );
    },
  );
});
