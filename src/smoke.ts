import { z } from 'zod';
import { describeProbe, excerpt, type HttpClient } from './http.ts';
import type { TextMatcher } from './inputs.ts';
import { GateFailure } from './stage.ts';

/**
 * The agent contract. Only `answer` and `steps` are required of every agent; the usage
 * fields are required by the guardrails that read them (see `checkGuardrails`), so an
 * agent that stops reporting tokens fails closed instead of passing unchecked.
 */
export const agentResponse = z.object({
  answer: z.string(),
  steps: z.array(z.object({ tool: z.string(), ok: z.boolean(), ms: z.number().nonnegative() })),
  elapsed_ms: z.number().nonnegative(),
  usage: z.object({
    model_tokens: z.number().int().nonnegative().optional(),
    tool_calls: z.number().int().nonnegative().optional(),
  }),
  correlation_id: z.string().optional(),
  /** Set by an agent that ended the run early (step cap, deadline, planner failure). */
  stopped: z.string().optional(),
});
export type AgentResponse = z.infer<typeof agentResponse>;

export interface SmokeOptions {
  path: string;
  input: string;
  expect?: TextMatcher;
  minToolCalls: number;
  maxSteps?: number;
  maxToolCalls?: number;
  maxTokens?: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SmokeResult {
  status: number;
  elapsedMs: number;
  steps: number;
  toolCalls?: number;
  tokens?: number;
  answer: string;
  correlationId: string;
}

/** One agent call: the contract, the expected answer, and the guardrails, all fail closed. */
export async function runSmoke(
  http: HttpClient,
  baseUrl: string,
  options: SmokeOptions,
): Promise<SmokeResult> {
  const probe = await http.probe(baseUrl + options.path, {
    method: 'POST',
    body: options.input,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  const evidence: Record<string, unknown> = {
    url: probe.url,
    status: probe.status,
    elapsedMs: Math.round(probe.elapsedMs),
    correlationId: probe.correlationId,
  };
  if (!probe.ok) {
    throw new GateFailure(`smoke call POST ${options.path} answered ${describeProbe(probe)}`, {
      evidence,
      hint: 'Call the agent endpoint on the slot by hand with the same input and read the app logs for the correlation id.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(probe.body);
  } catch {
    throw new GateFailure(`smoke response is not JSON: ${excerpt(probe.body)}`, { evidence });
  }
  const parsed = agentResponse.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(body)'}: ${i.message}`,
    );
    throw new GateFailure(`smoke response breaks the agent contract: ${problems.join('; ')}`, {
      evidence: { ...evidence, problems },
      hint: 'The agent must answer {answer, steps[{tool, ok, ms}], elapsed_ms, usage}.',
    });
  }
  const response = parsed.data;
  const result: SmokeResult = {
    status: probe.status,
    elapsedMs: probe.elapsedMs,
    steps: response.steps.length,
    toolCalls: response.usage.tool_calls,
    tokens: response.usage.model_tokens,
    answer: response.answer,
    correlationId: probe.correlationId,
  };
  Object.assign(evidence, {
    steps: result.steps,
    toolCalls: result.toolCalls,
    tokens: result.tokens,
    answer: excerpt(result.answer, 120),
  });
  const violations = checkGuardrails(response, options);
  if (violations.length > 0) {
    throw new GateFailure(`smoke ${violations.join('; ')}`, {
      evidence: { ...evidence, violations },
    });
  }
  return result;
}

/** Every guardrail the response breaks, as reason phrases; empty when all hold. */
export function checkGuardrails(response: AgentResponse, options: SmokeOptions): string[] {
  const out: string[] = [];
  const { expect } = options;
  // A smoke question is small: an agent that could not finish it is not healthy, whatever it
  // managed to answer (an LLM planner without access on the slot answers from tools alone).
  if (response.stopped)
    out.push(`stopped before finishing (stopped: ${JSON.stringify(response.stopped)})`);
  if (expect) {
    const matches =
      expect.kind === 'substring'
        ? response.answer.includes(expect.value)
        : expect.value.test(response.answer);
    if (!matches) {
      out.push(
        `answer does not ${expect.kind === 'substring' ? 'contain' : 'match'} ${expect.kind === 'substring' ? JSON.stringify(expect.value) : String(expect.value)}: ${JSON.stringify(excerpt(response.answer, 120))}`,
      );
    }
  }
  if (options.maxSteps !== undefined && response.steps.length > options.maxSteps) {
    out.push(`took ${response.steps.length} steps, more than max-steps ${options.maxSteps}`);
  }
  const needsToolCalls = options.maxToolCalls !== undefined || options.minToolCalls > 0;
  const toolCalls = response.usage.tool_calls;
  if (needsToolCalls && toolCalls === undefined) {
    out.push(
      'response lacks usage.tool_calls, which the tool-call guardrails need (failing closed)',
    );
  } else if (toolCalls !== undefined) {
    if (options.maxToolCalls !== undefined && toolCalls > options.maxToolCalls) {
      out.push(`made ${toolCalls} tool calls, more than max-tool-calls ${options.maxToolCalls}`);
    }
    const succeeded = response.steps.filter((s) => s.ok).length;
    if (options.minToolCalls > 0 && Math.min(toolCalls, succeeded) < options.minToolCalls) {
      out.push(
        `made ${Math.min(toolCalls, succeeded)} successful tool calls, fewer than smoke-min-tool-calls ${options.minToolCalls}`,
      );
    }
  }
  if (options.maxTokens !== undefined) {
    const tokens = response.usage.model_tokens;
    if (tokens === undefined)
      out.push('response lacks usage.model_tokens, which max-tokens needs (failing closed)');
    else if (tokens > options.maxTokens)
      out.push(`used ${tokens} model tokens, more than max-tokens ${options.maxTokens}`);
  }
  return out;
}
