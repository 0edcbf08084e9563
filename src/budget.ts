import type { HttpClient, Probe } from './http.ts';
import { percentile } from './stats.ts';

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
  const failures: Probe[] = [];
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
      if (!p.ok) failures.push(p);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, options.requests) }, worker),
  );
  const count = latencies.length;
  return {
    requests: count,
    errors: failures.length,
    errorRate: count === 0 ? 1 : failures.length / count,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failures: failures
      .slice(0, 5)
      .map((f) => ({ status: f.status, reason: f.error ?? `HTTP ${f.status}` })),
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
