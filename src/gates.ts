import { judge, sample, type BudgetCheck, type Sample } from './budget.ts';
import { formatDuration } from './duration.ts';
import { waitUntilReady, type ReadinessOptions } from './health.ts';
import { createHttpClient, type HttpClient } from './http.ts';
import type { Inputs } from './inputs.ts';
import type { DecisionRecord } from './record.ts';
import { runSmoke, type SmokeOptions } from './smoke.ts';
import { GateFailure, skipStage, stage } from './stage.ts';

export interface GateRun {
  http: HttpClient;
  inputs: Inputs;
  record: DecisionRecord;
  signal?: AbortSignal;
}

/**
 * Runs `fn` with a gate run whose HTTP client (one trace id, the step's headers, the cloud's CA
 * when it brings one) is closed afterwards, whatever happens.
 */
export async function withGateRun<T>(
  inputs: Inputs,
  record: DecisionRecord,
  ca: string | undefined,
  fn: (run: GateRun) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const http = createHttpClient({
    headers: inputs.headers,
    timeoutMs: inputs.requestTimeoutMs,
    traceId: record.traceId,
    ca,
  });
  try {
    return await fn({ http, inputs, record, ...(signal && { signal }) });
  } finally {
    await http.close();
  }
}

export interface GateResult {
  version?: string;
}

/**
 * The gates every build passes before it may take traffic, in order: it is up and ready (and
 * is the expected build), the agent answers one real call within its guardrails, and a burst
 * of requests stays within the error and latency budget.
 */
export async function runGates(
  run: GateRun,
  baseUrl: string,
  scope: string,
  expectedVersion = run.inputs.expectedVersion,
): Promise<GateResult> {
  const version = await readyGate(run, baseUrl, scope, expectedVersion);
  await smokeGate(run, baseUrl, scope);
  await budgetGate(run, baseUrl, scope);
  return { version };
}

export function readyGate(
  run: GateRun,
  baseUrl: string,
  scope: string,
  expectedVersion = run.inputs.expectedVersion,
) {
  const { inputs } = run;
  return stage(run.record, `ready (${scope})`, async () => {
    const r = await waitUntilReady(run.http, baseUrl, readinessOptions(run, expectedVersion));
    const paths = [inputs.healthPath, inputs.readyPath].filter(Boolean).join(' and ');
    return {
      value: r.version,
      summary: `${paths} passed after ${r.attempts} attempt${r.attempts === 1 ? '' : 's'} (${formatDuration(r.elapsedMs)})${r.version ? `, version ${r.version}` : ''}`,
      evidence: {
        attempts: r.attempts,
        elapsedMs: Math.round(r.elapsedMs),
        version: r.version,
        url: baseUrl,
      },
    };
  });
}

export function readinessOptions(
  run: GateRun,
  expectedVersion: string | undefined,
): ReadinessOptions {
  const { inputs } = run;
  return {
    healthPath: inputs.healthPath,
    readyPath: inputs.readyPath,
    expectedVersion,
    timeoutMs: inputs.readyTimeoutMs,
    requestTimeoutMs: inputs.requestTimeoutMs,
    signal: run.signal,
  };
}

async function smokeGate(run: GateRun, baseUrl: string, scope: string): Promise<void> {
  const { inputs } = run;
  const name = `smoke (${scope})`;
  if (!inputs.smokePath) return skipStage(run.record, name, 'smoke-path is empty');
  await stage(run.record, name, async () => {
    const r = await runSmoke(run.http, baseUrl, smokeOptions(run));
    const usage = [
      `${r.steps} step${r.steps === 1 ? '' : 's'}`,
      r.toolCalls !== undefined
        ? `${r.toolCalls} tool call${r.toolCalls === 1 ? '' : 's'}`
        : undefined,
      r.tokens !== undefined ? `${r.tokens} tokens` : undefined,
    ].filter(Boolean);
    return {
      value: undefined,
      summary: `POST ${inputs.smokePath} answered in ${formatDuration(r.elapsedMs)}: ${usage.join(', ')}`,
      evidence: {
        status: r.status,
        elapsedMs: Math.round(r.elapsedMs),
        steps: r.steps,
        toolCalls: r.toolCalls,
        tokens: r.tokens,
        correlationId: r.correlationId,
      },
    };
  });
}

export function smokeOptions(run: GateRun): SmokeOptions {
  const { inputs } = run;
  return {
    path: inputs.smokePath!,
    input: inputs.smokeInput,
    expect: inputs.smokeExpect,
    minToolCalls: inputs.smokeMinToolCalls,
    maxSteps: inputs.maxSteps,
    maxToolCalls: inputs.maxToolCalls,
    maxTokens: inputs.maxTokens,
    timeoutMs: inputs.requestTimeoutMs,
    signal: run.signal,
  };
}

async function budgetGate(
  run: GateRun,
  baseUrl: string,
  scope: string,
  requests = run.inputs.budgetRequests,
) {
  const name = `budget (${scope})`;
  if (requests === 0) return skipStage(run.record, name, 'budget-requests is 0');
  await stage(run.record, name, async () => {
    const { sample: s, checks, path } = await measureBudget(run, baseUrl, requests);
    for (const c of checks) {
      run.record.budgets.push({
        scope,
        metric: c.metric,
        observed: c.observed,
        limit: c.limit,
        unit: c.unit,
        passed: c.passed,
      });
    }
    assertWithinBudget(s, checks, path);
    return {
      value: undefined,
      summary: `${s.requests} requests to ${path}: error rate ${show(s.errorRate, 'ratio')}, p95 ${show(s.p95, 'ms')}, p99 ${show(s.p99, 'ms')}`,
      evidence: budgetEvidence(s, path),
    };
  });
}

/** Sends a burst at the budget target and judges it against the limits. */
export async function measureBudget(run: GateRun, baseUrl: string, requests: number) {
  const { inputs } = run;
  const smoke = inputs.budgetTarget === 'smoke';
  const path = smoke ? inputs.smokePath! : inputs.healthPath;
  const s = await sample(run.http, {
    url: baseUrl + path,
    method: smoke ? 'POST' : 'GET',
    body: smoke ? inputs.smokeInput : undefined,
    requests,
    concurrency: Math.min(inputs.budgetConcurrency, requests),
    timeoutMs: inputs.requestTimeoutMs,
    signal: run.signal,
  });
  const checks = judge(s, {
    maxErrorRate: inputs.maxErrorRate,
    maxP95Ms: inputs.maxP95Ms,
    maxP99Ms: inputs.maxP99Ms,
  });
  return { sample: s, checks, path };
}

export function assertWithinBudget(s: Sample, checks: BudgetCheck[], path: string): void {
  const broken = checks.filter((c) => !c.passed);
  if (broken.length === 0) return;
  throw new GateFailure(
    `budget exceeded on ${path}: ${broken.map((c) => `${c.metric} ${show(c.observed, c.unit)} > ${show(c.limit!, c.unit)}`).join(', ')}`,
    {
      evidence: budgetEvidence(s, path),
      hint: 'See the budget table; the first failures are in the decision record.',
    },
  );
}

function budgetEvidence(s: Sample, path: string) {
  return {
    path,
    requests: s.requests,
    errors: s.errors,
    errorRate: s.errorRate,
    p50Ms: Math.round(s.p50),
    p95Ms: Math.round(s.p95),
    p99Ms: Math.round(s.p99),
    failures: s.failures,
  };
}

export function show(value: number, unit: 'ratio' | 'ms'): string {
  if (unit === 'ratio') return `${Number((value * 100).toFixed(2))}%`;
  return Number.isNaN(value) ? 'n/a' : formatDuration(value);
}
