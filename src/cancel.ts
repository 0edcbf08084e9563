import * as core from '@actions/core';

/**
 * The job's cancellation as an AbortSignal. On cancel the runner sends SIGINT, then SIGTERM
 * 7.5 s later, then kills the process tree 2.5 s after that: about ten seconds in which waits
 * must stop and a swap that production has not yet proven must be undone. Node's default
 * would exit on the first signal, halfway through whatever was running.
 */
export function onCancel(process: NodeJS.EventEmitter = globalThis.process): AbortSignal {
  const controller = new AbortController();
  const handle = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      core.warning(
        `The job was cancelled (${signal}): stopping. Production keeps its previous build unless this release already finished its watch.`,
      );
      controller.abort(new Error(`the job was cancelled (${signal})`));
    } else {
      core.info(`${signal} again: still finishing what keeps production safe`);
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return controller.signal;
}

export function cancelledBy(signal: AbortSignal | undefined): string | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof Error ? signal.reason.message : 'the job was cancelled';
}
