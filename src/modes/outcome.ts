import type { Result } from '../record.ts';

/** How a mode ended: `result` is the action output, `verdict` the one line a person reads first. */
export interface ModeOutcome {
  result: Result;
  verdict: string;
  hint?: string;
}
