import * as core from '@actions/core';
import { formatDuration } from './duration.ts';
import { describeError, SlotReleaseError } from './errors.ts';
import type { DecisionRecord, StageStatus } from './record.ts';

/** A gate said no. Carries the evidence that made it say so into the decision record. */
export class GateFailure extends SlotReleaseError {
  readonly evidence: Record<string, unknown>;

  constructor(
    message: string,
    options: { evidence?: Record<string, unknown>; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'GateFailure';
    this.evidence = options.evidence ?? {};
  }
}

export interface StageOutcome<T> {
  value: T;
  summary: string;
  evidence?: Record<string, unknown>;
  status?: Extract<StageStatus, 'passed' | 'warned'>;
}

/**
 * Runs one stage of a pipeline inside a log group, times it, and appends it to the record,
 * whether it passes or throws. The pipeline files read as a list of these calls.
 */
export async function stage<T>(
  record: DecisionRecord,
  name: string,
  fn: () => Promise<StageOutcome<T>>,
): Promise<T> {
  const startedAt = new Date();
  const started = performance.now();
  const finish = (status: StageStatus, summary: string, evidence: Record<string, unknown>) => {
    const durationMs = Math.round(performance.now() - started);
    record.stages.push({
      name,
      status,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      durationMs,
      summary,
      evidence,
    });
    const line = `${name}: ${status} in ${formatDuration(durationMs)} — ${summary}`;
    // A failed stage is annotated once, by the verdict that main() reports with setFailed.
    if (status === 'warned') core.warning(summary, { title: `slot-release: ${name}` });
    else core.info(line);
  };
  return core.group(name, async () => {
    try {
      const outcome = await fn();
      finish(outcome.status ?? 'passed', outcome.summary, outcome.evidence ?? {});
      return outcome.value;
    } catch (error) {
      finish('failed', describeError(error), error instanceof GateFailure ? error.evidence : {});
      throw error;
    }
  });
}

export function skipStage(record: DecisionRecord, name: string, why: string): void {
  const now = new Date().toISOString();
  record.stages.push({
    name,
    status: 'skipped',
    startedAt: now,
    endedAt: now,
    durationMs: 0,
    summary: why,
    evidence: {},
  });
  core.info(`${name}: skipped — ${why}`);
}
