import { describe, expect, it } from '@jest/globals';
import { createDeterministicPlanner } from '../../../example-app/src/agent/deterministic-planner.ts';
import { runAgent } from '../../../example-app/src/agent/run.ts';
import type { ToolClient, ToolOutcome } from '../../../example-app/src/agent/tool-client.ts';
import type { AgentLimits } from '../../../example-app/src/config.ts';
import { createLogger } from '../../../example-app/src/logger.ts';

const log = createLogger({ level: 'silent' });
const limits: AgentLimits = {
  maxSteps: 10,
  toolTimeoutMs: 1000,
  retryBudget: 0,
  deadlineMs: 5000,
  parallelism: 2,
};

/** A tool client whose call() is the given function; describe() is not needed by the deterministic planner. */
function fakeTools(call: ToolClient['call']): ToolClient {
  return {
    describe: async () => ({ serverVersion: '1.0', tools: [] }),
    call,
    close: async () => undefined,
  };
}

const input =
  'calculate 1+1 and calculate 2+2 and calculate 3+3 and calculate 4+4 and calculate 5+5';

describe('runAgent', () => {
  it('never runs more tool calls at once than the parallelism cap', async () => {
    let inFlight = 0;
    let peak = 0;
    const tools = fakeTools(async (_tool, args) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return { ok: true, data: { expression: args.expression, result: 0 } };
    });
    const result = await runAgent(input, undefined, {
      planner: createDeterministicPlanner(),
      tools,
      limits,
      log,
    });
    expect(result.steps).toHaveLength(5);
    expect(peak).toBe(2);
  });

  it('reports steps in planned order, whatever order the calls finish in', async () => {
    const tools = fakeTools(async (tool) => {
      // The first planned call finishes last.
      if (tool === 'time_now') await new Promise((r) => setTimeout(r, 30));
      return { ok: true, data: {} };
    });
    const result = await runAgent('what time is it in Tokyo and calculate 2+3', undefined, {
      planner: createDeterministicPlanner(),
      tools,
      limits,
      log,
    });
    expect(result.steps.map((s) => s.tool)).toEqual(['time_now', 'calculator']);
  });

  it('spends one retry budget across all the calls of a run', async () => {
    const outcome: ToolOutcome = { ok: false, error: 'connection reset', transient: true };
    const result = await runAgent(input, undefined, {
      planner: createDeterministicPlanner(),
      tools: fakeTools(async () => outcome),
      limits: { ...limits, retryBudget: 2 },
      log,
    });
    expect(result.steps.map((s) => s.ok)).toEqual([false, false, false, false, false]);
    expect(result.usage.tool_calls).toBe(5 + 2);
  });

  it('does not retry a tool error (the tool answered; asking again would not change it)', async () => {
    let calls = 0;
    const result = await runAgent('calculate 1/0', undefined, {
      planner: createDeterministicPlanner(),
      tools: fakeTools(async () => {
        calls++;
        return { ok: false, error: 'division by zero', transient: false };
      }),
      limits: { ...limits, retryBudget: 5 },
      log,
    });
    expect(calls).toBe(1);
    expect(result.answer).toBe('calculator failed: division by zero.');
  });

  it('retries a transient failure and succeeds', async () => {
    let calls = 0;
    const result = await runAgent('calculate 2+2', undefined, {
      planner: createDeterministicPlanner(),
      tools: fakeTools(async () =>
        ++calls === 1
          ? { ok: false, error: 'fetch failed', transient: true }
          : { ok: true, data: { expression: '2+2', result: 4 } },
      ),
      limits: { ...limits, retryBudget: 1 },
      log,
    });
    expect(result.steps).toEqual([{ tool: 'calculator', ok: true, ms: expect.any(Number) }]);
    expect(result.usage.tool_calls).toBe(2);
    expect(result.answer).toBe('2+2 = 4.');
  });

  it('with max_steps 0 makes no tool call and says why', async () => {
    let calls = 0;
    const result = await runAgent('calculate 2+2', undefined, {
      planner: createDeterministicPlanner(),
      tools: fakeTools(async () => {
        calls++;
        return { ok: true, data: {} };
      }),
      limits: { ...limits, maxSteps: 0 },
      log,
    });
    expect(calls).toBe(0);
    expect(result.stopped).toBe('max_steps');
    expect(result.answer).toBe('(Stopped at max_steps=0; 1 more tool call(s) were planned.)');
  });
});
