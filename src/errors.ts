/**
 * The one error type of the action. `message` is written for the person reading the job log;
 * `hint` says what to do next; `cause` keeps the underlying error for debug logs.
 */
export class SlotReleaseError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SlotReleaseError';
    this.hint = options.hint;
  }
}

/**
 * An operation that may still complete in Azure: slot-release stopped waiting, or lost the
 * connection, before Azure said how it ended. Whoever cleans up must find out, not assume.
 */
export class OutcomeUnknownError extends SlotReleaseError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'OutcomeUnknownError';
  }
}

/** A user mistake in the inputs: reported without a stack trace. */
export class InputError extends SlotReleaseError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Invalid inputs (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
      { hint: 'Fix the inputs in the workflow step; nothing was changed in Azure.' },
    );
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** The message, and on the next line what to do, when the error says. */
export function describeWithHint(error: unknown): string {
  const hint = error instanceof SlotReleaseError ? error.hint : undefined;
  return describeError(error) + (hint ? `\n${hint}` : '');
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
