import * as core from '@actions/core';
import { cancelledBy } from './cancel.ts';
import { formatDuration } from './duration.ts';
import { describeProbe, type HttpClient, type Probe } from './http.ts';
import { pollUntil } from './poll.ts';
import { realClock, type Clock } from './clock.ts';
import { GateFailure } from './stage.ts';

export interface ReadinessOptions {
  healthPath: string;
  readyPath?: string;
  expectedVersion?: string;
  timeoutMs: number;
  requestTimeoutMs: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface Readiness {
  version?: string;
  attempts: number;
  elapsedMs: number;
}

// Start fast so a ready app is detected within a quarter second; back off to 5 s so a slow
// cold start is not hammered; jitter keeps parallel jobs apart.
const BACKOFF = { initialMs: 250, maxMs: 5000, factor: 1.5 };

/**
 * Polls liveness, then readiness, until both pass (and liveness reports `expectedVersion`
 * when set) or the deadline passes. Fails closed with the last thing the app said.
 */
export async function waitUntilReady(
  http: HttpClient,
  baseUrl: string,
  options: ReadinessOptions,
): Promise<Readiness> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  let last: Probe | undefined;
  let lastVersion: string | undefined;
  let lastReason: string | undefined;
  // An attempt that the deadline cut shorter than request-timeout and that timed out says only
  // that time ran out; the attempt before it is what the user needs to read.
  const failed = (probe: Probe, path: string, timeoutMs: number) => {
    // A probe cut by the job's cancellation says nothing about the app.
    if (options.signal?.aborted) return { done: false as const, reason: lastReason ?? '' };
    const reason = `${path} answered ${describeProbe(probe)}`;
    const cutShort = probe.timedOut === true && timeoutMs < options.requestTimeoutMs;
    if (!cutShort || lastReason === undefined) lastReason = reason;
    return { done: false as const, reason: lastReason };
  };
  const result = await pollUntil<string | undefined>(
    async (remainingMs) => {
      const timeoutMs = Math.min(options.requestTimeoutMs, remainingMs);
      const health = await http.probe(baseUrl + options.healthPath, {
        timeoutMs,
        signal: options.signal,
      });
      last = health;
      if (!health.ok) return failed(health, options.healthPath, timeoutMs);
      lastVersion = readVersion(health.body);
      if (options.expectedVersion !== undefined && lastVersion !== options.expectedVersion) {
        const seen = lastVersion === undefined ? 'no "version" field' : `version "${lastVersion}"`;
        lastReason = `${options.healthPath} reports ${seen}, expected "${options.expectedVersion}"`;
        return { done: false, reason: lastReason };
      }
      if (options.readyPath) {
        // Time left now, after the health probe, so the pair never overruns the deadline.
        const left = deadline - clock.now();
        const readyTimeoutMs = Math.min(options.requestTimeoutMs, Math.max(1, left));
        const ready = await http.probe(baseUrl + options.readyPath, {
          timeoutMs: readyTimeoutMs,
          signal: options.signal,
        });
        last = ready;
        if (!ready.ok) return failed(ready, options.readyPath, readyTimeoutMs);
      }
      return { done: true, value: lastVersion };
    },
    {
      deadline,
      backoff: BACKOFF,
      clock,
      signal: options.signal,
      progressEveryMs: 10_000,
      onProgress: (elapsed, reason) =>
        core.info(`  still waiting after ${formatDuration(elapsed)}: ${reason}`),
    },
  );
  if (result.ok)
    return { version: result.value, attempts: result.attempts, elapsedMs: result.elapsedMs };
  const cancelled = cancelledBy(options.signal);
  if (cancelled)
    throw new GateFailure(
      `${cancelled} while waiting for ${baseUrl}${lastReason ? ` (${lastReason})` : ''}`,
      { evidence: { attempts: result.attempts, cancelled: true, lastReason } },
    );
  throw new GateFailure(
    `${baseUrl} was not ready within ${formatDuration(options.timeoutMs)}: ${result.reason}`,
    {
      evidence: {
        attempts: result.attempts,
        elapsedMs: Math.round(result.elapsedMs),
        lastStatus: last?.status,
        lastUrl: last?.url,
        lastReason: result.reason,
        version: lastVersion,
      },
      hint:
        options.expectedVersion !== undefined && result.reason.includes('expected')
          ? 'The slot still serves another build: check that the deployment completed and the app restarted.'
          : 'Check the app logs for start-up errors, or raise ready-timeout if the app is known to start slowly.',
    },
  );
}

function readVersion(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && 'version' in parsed) {
      const v = (parsed as { version: unknown }).version;
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    }
  } catch {
    // a plain-text health body is fine; it just reports no version
  }
  return undefined;
}

/** What the service reports as its version right now (one probe), for the record; never throws. */
export async function currentVersion(
  http: HttpClient,
  baseUrl: string,
  healthPath: string,
  timeoutMs: number,
): Promise<string | undefined> {
  const probe = await http.probe(baseUrl + healthPath, { timeoutMs });
  return probe.ok ? readVersion(probe.body) : undefined;
}
