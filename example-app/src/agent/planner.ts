import type { ToolInfo } from './tool-client.ts';

export type ToolCall = { tool: string; args: Record<string, unknown> };

export type Observation = ToolCall & ({ ok: true; data: unknown } | { ok: false; error: string });

export type PlannerState = {
  input: string;
  sessionId: string | undefined;
  observations: Observation[];
  /** Tool calls still allowed; 0 means the planner must answer now. */
  remainingSteps: number;
  tools: ToolInfo[];
};

export type Decision =
  | { kind: 'call'; calls: ToolCall[]; tokens: number }
  | { kind: 'answer'; answer: string; tokens: number };

/** Chooses the next tool calls or the answer. Both planners run under the same agent bounds. */
export type Planner = {
  readonly name: string;
  /** Whether next() needs the tool list (an LLM does; the deterministic planner does not). */
  readonly needsTools: boolean;
  next(state: PlannerState, signal: AbortSignal): Promise<Decision>;
};
