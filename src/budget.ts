import type { HttpClient } from './http.ts';
import { percentilesOf } from './stats.ts';

export interface SampleOptions {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  requests: number;
  concurrency: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Sample {
  requests: number;
  errors: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  /** The first few failures, for the report. */
  failures: Array<{ status: number; reason: string }>;
  elapsedMs: number;
}

/** Sends `requests` at `concurrency` over the keep-alive client and summarises them. */
export async function sample(http: HttpClient, options: SampleOptions): Promise<Sample> {
  const latencies: number[] = [];
  // A count and the first few reasons: a failing endpoint can answer thousands of times.
  const failures: Sample['failures'] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests && !options.signal?.aborted) {
      next++;
      const p = await http.probe(options.url, {
        method: options.method,
        body: options.body,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      });
      latencies.push(p.elapsedMs);
      if (!p.ok && ++errors <= 5)
        failures.push({ status: p.status, reason: p.error ?? `HTTP ${p.status}` });
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, options.requests) }, worker),
  );
  const count = latencies.length;
  const [p50, p95, p99] = percentilesOf(latencies, [50, 95, 99]) as [number, number, number];
  return {
    requests: count,
    errors,
    errorRate: count === 0 ? 1 : errors / count,
    p50,
    p95,
    p99,
    failures,
    elapsedMs: performance.now() - started,
  };
}

export interface BudgetLimits {
  maxErrorRate: number;
  maxP95Ms?: number;
  maxP99Ms?: number;
}

export interface BudgetCheck {
  metric: 'error rate' | 'p50' | 'p95' | 'p99';
  observed: number;
  limit?: number;
  unit: 'ratio' | 'ms';
  passed: boolean;
}

/** Compares a sample with the limits; p50 is reported for context and never fails. */
export function judge(s: Sample, limits: BudgetLimits): BudgetCheck[] {
  const within = (observed: number, limit?: number) => limit === undefined || observed <= limit;
  return [
    {
      metric: 'error rate',
      observed: s.errorRate,
      limit: limits.maxErrorRate,
      unit: 'ratio',
      passed: s.errorRate <= limits.maxErrorRate,
    },
    { metric: 'p50', observed: s.p50, unit: 'ms', passed: true },
    {
      metric: 'p95',
      observed: s.p95,
      limit: limits.maxP95Ms,
      unit: 'ms',
      passed: within(s.p95, limits.maxP95Ms),
    },
    {
      metric: 'p99',
      observed: s.p99,
      limit: limits.maxP99Ms,
      unit: 'ms',
      passed: within(s.p99, limits.maxP99Ms),
    },
  ];
}
