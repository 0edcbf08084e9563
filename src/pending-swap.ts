import * as core from '@actions/core';
import { z } from 'zod';

/**
 * A swap that production has not yet proven, kept in the step's state (GITHUB_STATE) from the
 * moment the swap starts until the release has judged production. The runner writes the state
 * file as it goes, so it survives a main step that is cancelled or killed; the post step reads
 * it and, if production still serves the unproven build, puts the previous one back.
 */
const PendingSwap = z.object({
  slot: z.string(),
  target: z.string(),
  /** What production served before the swap. */
  previous: z.string().optional(),
  /** What the swap put into production. */
  deployed: z.string().optional(),
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
  } catch {
    core.warning(`The saved state of the swap cannot be read (${text.slice(0, 200)}).`);
    return undefined;
  }
}
