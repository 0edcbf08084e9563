import { z } from 'zod';

/** POST /v1/agent/run body. */
export const AgentRunRequest = z.object({
  input: z.string().trim().min(1, 'input must not be empty').max(4000),
  session_id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'session_id must be 1-128 letters, digits or ._:-')
    .optional(),
});

/** POST /v1/agent/run answer: the contract the release gates check. */
export const AgentRunResponse = z.strictObject({
  answer: z.string(),
  steps: z.array(
    z.strictObject({ tool: z.string(), ok: z.boolean(), ms: z.number().nonnegative() }),
  ),
  elapsed_ms: z.number().nonnegative(),
  usage: z.strictObject({
    model_tokens: z.number().int().nonnegative(),
    tool_calls: z.number().int().nonnegative(),
  }),
  correlation_id: z.string().min(1),
  /** Present when the run ended before the agent finished: the answer is partial. */
  stopped: z.enum(['max_steps', 'deadline', 'planner_error']).optional(),
});

/** GET /healthz answer. */
export const HealthResponse = z.strictObject({
  status: z.literal('ok'),
  version: z.string().min(1),
});
