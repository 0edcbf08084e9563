import * as core from '@actions/core';
import { onCancel } from './cancel.ts';
import { describeError } from './errors.ts';
import { run } from './main.ts';

// The Azure SDK refreshes tokens in the background; a refresh that fails while nothing awaits
// it must not kill the step: the next call that needs the token reports the failure itself.
process.on('unhandledRejection', (reason) => {
  core.warning(`A background task failed: ${describeError(reason)}`);
  if (reason instanceof Error && reason.stack) core.debug(reason.stack);
});

await run({ signal: onCancel() });
