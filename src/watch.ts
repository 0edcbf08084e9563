import * as core from '@actions/core';
import { formatDuration } from './duration.ts';
import { describeError } from './errors.ts';
import { assertWithinBudget, measureBudget, readinessOptions, smokeOptions } from './gates.ts';
import { waitUntilReady } from './health.ts';
import type { AzureRun } from './modes/azure.ts';
import { runSmoke } from './smoke.ts';
import { GateFailure, skipStage, stage } from './stage.ts';
import { cancelledBy } from './cancel.ts';
import { realClock, type Clock } from './clock.ts';

// A watch round measures a small burst, so the budget is judged on a sample a few seconds long.
const WATCH_SAMPLE = 20;

export interface Regression {
  round: number;
  reason: string;
  /** The job was cancelled before production was proven: not a regression, undone the same way. */
  cancelled?: boolean;
}

/**
 * Watches production after the swap for `watch`, one round every `watch-interval`: health
 * (and that it still serves the new build), the agent smoke, and a burst against the budget.
 * Returns the first regression, or undefined when production held for the whole window. A
 * cancelled job ends the watch the same way: production has not been proven, so it goes back.
 */
export async function watchStage(
  run: AzureRun,
  productionUrl: string,
  version: string | undefined,
  clock: Clock = realClock,
): Promise<Regression | undefined> {
  const { inputs } = run;
  const name = 'watch (production)';
  if (inputs.watchMs === 0) {
    skipStage(run.record, name, 'watch is 0');
    return undefined;
  }
  let regression: Regression | undefined;
  await stage(run.record, name, async () => {
    const deadline = clock.now() + inputs.watchMs;
    let round = 0;
    const stopIfCancelled = () => {
      const cancelled = cancelledBy(run.signal);
      if (!cancelled) return;
      regression = { round, reason: cancelled, cancelled: true };
      throw new GateFailure(`watch stopped in round ${round}: ${cancelled}`, {
        evidence: { round, cancelled: true },
      });
    };
    do {
      round++;
      try {
        await watchRound(run, productionUrl, version);
      } catch (error) {
        stopIfCancelled();
        regression = { round, reason: describeError(error) };
        throw new GateFailure(
          `production regressed in watch round ${round}: ${regression.reason}`,
          {
            evidence: {
              round,
              reason: regression.reason,
              ...(error instanceof GateFailure ? error.evidence : {}),
            },
          },
        );
      }
      stopIfCancelled();
      const left = deadline - clock.now();
      core.info(
        `  round ${round} held; ${left > 0 ? `${formatDuration(left)} left` : 'window over'}`,
      );
      if (left > 0)
        await clock
          .sleep(Math.min(inputs.watchIntervalMs, left), run.signal)
          .catch(stopIfCancelled);
    } while (clock.now() < deadline);
    return {
      value: undefined,
      summary: `production held for ${formatDuration(inputs.watchMs)} (${round} round${round === 1 ? '' : 's'})`,
      evidence: { rounds: round },
    };
  }).catch((error: unknown) => {
    // A regression is an outcome the release handles (swap back), not an error of the watch.
    if (!regression) throw error;
  });
  return regression;
}

async function watchRound(run: AzureRun, url: string, version: string | undefined): Promise<void> {
  const { inputs } = run;
  await waitUntilReady(run.http, url, {
    ...readinessOptions(run, version),
    // A round tolerates a blip shorter than one interval, not a build that stays down.
    timeoutMs: Math.max(inputs.requestTimeoutMs, Math.min(inputs.watchIntervalMs, 30_000)),
  });
  if (inputs.smokePath) await runSmoke(run.http, url, smokeOptions(run));
  if (inputs.budgetRequests > 0) {
    const {
      sample: s,
      checks,
      path,
    } = await measureBudget(run, url, Math.min(inputs.budgetRequests, WATCH_SAMPLE));
    assertWithinBudget(s, checks, path);
  }
}
