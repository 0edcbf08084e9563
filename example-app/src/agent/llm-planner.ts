import { z } from 'zod';
import type { Decision, Planner, PlannerState } from './planner.ts';

export type LlmPlannerOptions = {
  /** https://<resource>.openai.azure.com */
  endpoint: string;
  deployment: string;
  apiVersion: string;
  /** Bearer token for the Cognitive Services audience (managed identity in Azure). */
  getToken: (signal: AbortSignal) => Promise<string>;
  fetch?: typeof fetch;
  maxTokens?: number;
};

const ChatResponse = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string(),
                function: z.object({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.object({ total_tokens: z.number().int().nonnegative() }).optional(),
});

const SystemPrompt =
  'You are the example-app agent. Use the tools when they help; answer briefly and factually from their results. ' +
  'When no tool calls are left, answer with what you have.';

function messages(state: PlannerState): unknown[] {
  const msgs: unknown[] = [
    { role: 'system', content: SystemPrompt },
    { role: 'user', content: state.input },
  ];
  if (state.observations.length > 0) {
    // The agent keeps results, not transcripts: replay them as one round of calls and results.
    msgs.push({
      role: 'assistant',
      content: null,
      tool_calls: state.observations.map((o, i) => ({
        id: `call_${i}`,
        type: 'function',
        function: { name: o.tool, arguments: JSON.stringify(o.args) },
      })),
    });
    state.observations.forEach((o, i) =>
      msgs.push({
        role: 'tool',
        tool_call_id: `call_${i}`,
        content: o.ok ? JSON.stringify(o.data) : `error: ${o.error}`,
      }),
    );
  }
  return msgs;
}

/** Parses a tool call's JSON arguments; a model that sends junk gets an empty object (the tool says why). */
function parseArgs(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Azure OpenAI chat completions with function calling, authenticated with a Microsoft Entra token.
 * It plans; the agent loop still enforces max_steps, timeouts, retries and the deadline.
 */
export function createLlmPlanner(opts: LlmPlannerOptions): Planner {
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.endpoint.replace(/\/+$/, '')}/openai/deployments/${encodeURIComponent(opts.deployment)}/chat/completions?api-version=${encodeURIComponent(opts.apiVersion)}`;
  return {
    name: 'azure-openai',
    needsTools: true,
    async next(state, signal): Promise<Decision> {
      const body = {
        messages: messages(state),
        tools: state.tools.map((t) => ({
          type: 'function',
          function: { name: t.name, description: t.description ?? '', parameters: t.inputSchema },
        })),
        tool_choice: state.remainingSteps > 0 ? 'auto' : 'none',
        max_tokens: opts.maxTokens ?? 800,
        temperature: 0,
      };
      const token = await opts.getToken(signal);
      const res = await doFetch(url, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300);
        throw new Error(`Azure OpenAI answered ${res.status}: ${text}`);
      }
      const parsed = ChatResponse.parse(await res.json());
      const tokens = parsed.usage?.total_tokens ?? 0;
      const message = parsed.choices[0]!.message;
      const calls = (message.tool_calls ?? []).map((c) => ({
        tool: c.function.name,
        args: parseArgs(c.function.arguments),
      }));
      if (calls.length > 0 && state.remainingSteps > 0) return { kind: 'call', calls, tokens };
      return { kind: 'answer', answer: message.content?.trim() || 'No answer.', tokens };
    },
  };
}

/**
 * Token provider backed by @azure/identity (managed identity on App Service; AZURE_CLIENT_ID picks
 * a user-assigned one). Imported lazily so the offline default never loads it.
 */
export function managedIdentityTokenProvider(): (signal: AbortSignal) => Promise<string> {
  let credential:
    | Promise<{
        getToken: (
          scope: string,
          o?: { abortSignal?: AbortSignal },
        ) => Promise<{ token: string } | null>;
      }>
    | undefined;
  return async (signal) => {
    credential ??= import('@azure/identity').then(
      ({ DefaultAzureCredential }) => new DefaultAzureCredential(),
    );
    const token = await (
      await credential
    ).getToken('https://cognitiveservices.azure.com/.default', { abortSignal: signal });
    if (!token) throw new Error('no token for https://cognitiveservices.azure.com');
    return token.token;
  };
}
