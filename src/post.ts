// The action's post step (action.yml `post:`), a separate entry so that it can never run a
// release: the runner runs it at the end of the job whatever became of the main step.
import * as core from '@actions/core';
import { survivesBackgroundFailures } from './background.ts';
import { describeWithHint } from './errors.ts';
import { readPendingSwap } from './pending-swap.ts';

survivesBackgroundFailures();
try {
  const pending = readPendingSwap();
  // Usually nothing is pending, and then the post step loads no Azure code at all.
  if (pending) {
    const { finishUnprovenSwap } = await import('./unfinished-swap.ts');
    await finishUnprovenSwap(pending);
  }
} catch (error) {
  core.setFailed(`The post step could not finish the release: ${describeWithHint(error)}`);
}
