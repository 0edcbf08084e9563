import * as core from '@actions/core';
import { z } from 'zod';
import { SlotReleaseError } from './errors.ts';

/**
 * A swap that production has not yet proven, kept in the step's state (GITHUB_STATE) from the
 * moment the swap starts until the release has judged production. @actions/core appends to the
 * state file at once and the runner reads it when the step ends, however it ends, so it reaches
 * the post step of a main step that was cancelled or killed.
 */
const PendingSwap = z.object({
  /**
   * `previewing`: production's settings were applied to the slot (swap with preview) and
   * nothing was swapped yet; `swapping`: the swap into `target` was started and its end was not
   * seen (it may still run in Azure); `swapped`: it completed and the watch has not judged it;
   * `swapping-back`: the swap back was started and its end was not seen.
   */
  phase: z.enum(['previewing', 'swapping', 'swapped', 'swapping-back']),
  slot: z.string(),
  target: z.string(),
  /** What production served before the release. */
  previous: z.string().optional(),
  /** What the release put into production. */
  deployed: z.string().optional(),
  /**
   * Both slots' slotSwapStatus times before the latest swap started: a change on either means
   * a swap between them has ended since.
   */
  lastSwapBefore: z.object({ slot: z.string().optional(), target: z.string().optional() }),
});
export type PendingSwap = z.infer<typeof PendingSwap>;

const KEY = 'pending-swap';

export function savePendingSwap(pending: PendingSwap): void {
  core.saveState(KEY, JSON.stringify(pending));
}

/** Production has been judged (held, or swapped back): nothing is left for the post step. */
export function clearPendingSwap(): void {
  core.saveState(KEY, '');
}

export function readPendingSwap(): PendingSwap | undefined {
  const text = core.getState(KEY);
  if (!text) return undefined;
  try {
    return PendingSwap.parse(JSON.parse(text));
  } catch (error) {
    throw new SlotReleaseError(
      `The state the release saved for this step cannot be read (${text.slice(0, 200)}), so production may serve a build that did not finish its gates.`,
      {
        cause: error,
        hint: 'Check which build production serves and roll back by hand if needed.',
      },
    );
  }
}
