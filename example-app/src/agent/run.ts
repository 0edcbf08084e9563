import type { AgentLimits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { composeAnswer } from './answer.ts';
import type { Decision, Observation, Planner, ToolCall } from './planner.ts';
import type { ToolClient, ToolInfo } from './tool-client.ts';

export type Step = { tool: string; ok: boolean; ms: number };

export type AgentResult = {
  answer: string;
  steps: Step[];
  usage: { model_tokens: number; tool_calls: number };
  /** Why the run stopped early, if it did (also appended to the answer). */
  stopped?: 'max_steps' | 'deadline' | 'planner_error';
};

export type AgentDeps = {
  planner: Planner;
  tools: ToolClient;
  limits: AgentLimits;
  log: Logger;
};

/** Runs up to `limit` tasks at once, keeping the order of results. */
async function mapCapped<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A signal that aborts at the attempt timeout or the run deadline. Released after the attempt, so
 * it never aborts a call that already finished (the MCP client would send a needless cancel).
 */
function attemptSignal(
  deadline: AbortSignal,
  timeoutMs: number,
): AbortSignal & { release(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const onDeadline = () => controller.abort(deadline.reason);
  deadline.addEventListener('abort', onDeadline, { once: true });
  if (deadline.aborted) onDeadline();
  return Object.assign(controller.signal, {
    release: () => {
      clearTimeout(timer);
      deadline.removeEventListener('abort', onDeadline);
    },
  });
}

/** Resolves with the promise, or rejects as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

/**
 * The bounded agent loop: the planner proposes tool calls, they run (at most `parallelism` at once,
 * each attempt within `toolTimeoutMs`, transient failures retried from a per-run `retryBudget`),
 * until the planner answers, `maxSteps` tool calls are spent, or `deadlineMs` passes. It always
 * answers: when a bound stops it, the answer is composed from the results gathered so far.
 */
export async function runAgent(
  input: string,
  sessionId: string | undefined,
  deps: AgentDeps,
): Promise<AgentResult> {
  const { limits, log, planner, tools } = deps;
  // A timer we clear, rather than AbortSignal.timeout: a late abort would cancel finished calls.
  const stop = new AbortController();
  const deadlineTimer = setTimeout(
    () => stop.abort(new DOMException(`deadline of ${limits.deadlineMs} ms`, 'TimeoutError')),
    limits.deadlineMs,
  );
  const deadline = stop.signal;
  const steps: Step[] = [];
  const observations: Observation[] = [];
  let modelTokens = 0;
  let toolCalls = 0;
  let retriesLeft = limits.retryBudget;
  let toolList: ToolInfo[] = [];

  // Each call's step is reported in planned order, whatever order the calls finish in.
  const attempt = async (call: ToolCall): Promise<{ step: Step; observation: Observation }> => {
    const started = performance.now();
    for (let n = 1; ; n++) {
      toolCalls++;
      const signal = attemptSignal(deadline, limits.toolTimeoutMs);
      const outcome = await untilAborted(tools.call(call.tool, call.args, signal), signal)
        .catch(() => ({
          ok: false as const,
          error: deadline.aborted
            ? 'deadline reached'
            : `timed out after ${limits.toolTimeoutMs} ms`,
          transient: true,
        }))
        .finally(() => signal.release());
      const ms = Math.round(performance.now() - started);
      log.info({ tool: call.tool, attempt: n, ok: outcome.ok, ms }, 'tool call');
      if (outcome.ok) {
        return {
          step: { tool: call.tool, ok: true, ms },
          observation: { ...call, ok: true, data: outcome.data },
        };
      }
      const retry = outcome.transient && retriesLeft > 0 && !deadline.aborted;
      if (!retry) {
        log.warn({ tool: call.tool, attempt: n, error: outcome.error }, 'tool call failed');
        return {
          step: { tool: call.tool, ok: false, ms },
          observation: { ...call, ok: false, error: outcome.error },
        };
      }
      retriesLeft--;
    }
  };

  const finish = (answer: string, stopped?: AgentResult['stopped']): AgentResult => ({
    answer,
    steps,
    usage: { model_tokens: modelTokens, tool_calls: toolCalls },
    ...(stopped ? { stopped } : {}),
  });

  try {
    // Rounds are bounded too: a planner that keeps proposing nothing cannot loop forever.
    for (let round = 0; round <= limits.maxSteps + 1; round++) {
      const remainingSteps = limits.maxSteps - steps.length;
      let decision: Decision;
      try {
        if (planner.needsTools && toolList.length === 0) {
          const listing = tools.list
            ? tools.list(deadline)
            : tools.describe(deadline).then((l) => l.tools);
          toolList = await untilAborted(listing, deadline);
        }
        decision = await untilAborted(
          planner.next(
            { input, sessionId, observations, remainingSteps, tools: toolList },
            deadline,
          ),
          deadline,
        );
      } catch (err) {
        const reason = deadline.aborted ? 'deadline' : 'planner_error';
        log.warn(
          { err: deadline.aborted ? undefined : err, planner: planner.name },
          `planner stopped: ${reason}`,
        );
        const note =
          reason === 'deadline'
            ? `(Stopped at the ${limits.deadlineMs} ms deadline.)`
            : '(The planner failed; answering from tool results.)';
        return finish(composeAnswer(observations, [note]), reason);
      }
      modelTokens += decision.tokens;
      if (decision.kind === 'answer') return finish(decision.answer);

      if (decision.calls.length === 0) return finish(composeAnswer(observations));

      const allowed = decision.calls.slice(0, Math.max(0, remainingSteps));
      const dropped = decision.calls.length - allowed.length;
      for (const { step, observation } of await mapCapped(allowed, limits.parallelism, attempt)) {
        steps.push(step);
        observations.push(observation);
      }
      if (dropped > 0) {
        log.warn({ max_steps: limits.maxSteps, dropped }, 'max_steps reached');
        return finish(
          composeAnswer(observations, [
            `(Stopped at max_steps=${limits.maxSteps}; ${dropped} more tool call(s) were planned.)`,
          ]),
          'max_steps',
        );
      }
      if (deadline.aborted) {
        return finish(
          composeAnswer(observations, [`(Stopped at the ${limits.deadlineMs} ms deadline.)`]),
          'deadline',
        );
      }
    }
    return finish(
      composeAnswer(observations, ['(Stopped: too many planning rounds.)']),
      'max_steps',
    );
  } finally {
    clearTimeout(deadlineTimer);
  }
}
