import * as core from '@actions/core';
import { describeError } from './errors.ts';

/**
 * The Azure SDK refreshes tokens in the background; a refresh that fails while nothing awaits
 * it must not kill the step (perhaps halfway through a swap back): the next call that needs
 * the token reports the failure itself.
 */
export function survivesBackgroundFailures(): void {
  process.on('unhandledRejection', (reason) => {
    core.warning(`A background task failed: ${describeError(reason)}`);
    if (reason instanceof Error && reason.stack) core.debug(reason.stack);
  });
}
