import { composeAnswer } from './answer.ts';
import type { Planner, ToolCall } from './planner.ts';

const HelpText =
  'I can tell the time in a city or time zone, calculate arithmetic, look up release terms, and GET allow-listed URLs. Try "what time is it in Tokyo and calculate 2+3".';

const Url = /\bhttps?:\/\/[^\s"'<>]+/i;
const Arithmetic = /^[\d\s.+\-*/%^()]*\d[\d\s.+\-*/%^()]*$/;
const Operator = /\d\s*[-+*/%^]\s*[\d(.]/;

/** Picks tool calls for one clause of the input, or none. */
function planClause(clause: string): ToolCall | undefined {
  const text = clause.trim().replace(/[?!]+$/, '');
  const url = Url.exec(text);
  if (url) return { tool: 'http_get', args: { url: url[0].replace(/[.,;]+$/, '') } };

  const time = /\btime\b(?:.*?\b(?:in|at|for)\s+(.+))?$/i.exec(text);
  if (time)
    return { tool: 'time_now', args: { timezone: (time[1] ?? 'UTC').trim().replace(/\.$/, '') } };

  const calc =
    /^(?:please\s+)?(?:calc(?:ulate)?|compute|eval(?:uate)?|what\s+is|what's|how\s+much\s+is)?\s*(.+?)\s*=?\s*\.?$/i.exec(
      text,
    );
  const expression = calc?.[1] ?? '';
  if (
    Arithmetic.test(expression) &&
    (Operator.test(expression) || /^calc|^comp|^eval/i.test(text))
  ) {
    return { tool: 'calculator', args: { expression } };
  }

  const lookup =
    /^(?:please\s+)?(?:look\s*up|lookup|define|explain|what\s+is|what's|what\s+are|what\s+does)\s+(.+?)(?:\s+mean)?\.?$/i.exec(
      text,
    );
  if (lookup?.[1]) return { tool: 'lookup', args: { term: lookup[1] } };
  return undefined;
}

/** Splits "X and Y; then Z" into clauses, without splitting inside a URL or an expression. */
export function planTools(input: string): ToolCall[] {
  return input
    .split(/\s*(?:;|\band then\b|\bthen\b|\band\b|\n)\s*/i)
    .map(planClause)
    .filter((c): c is ToolCall => c !== undefined);
}

/**
 * Works offline and answers the same way every time: one round of tool calls chosen from the input,
 * then an answer composed from their results. "ping" answers "pong" with no tool call, which keeps
 * the deploy gate's default smoke cheap.
 */
export function createDeterministicPlanner(): Planner {
  return {
    name: 'deterministic',
    needsTools: false,
    async next(state) {
      if (state.observations.length === 0) {
        if (/^\s*ping[\s.!?]*$/i.test(state.input))
          return { kind: 'answer', answer: 'pong', tokens: 0 };
        const calls = planTools(state.input);
        if (calls.length === 0) return { kind: 'answer', answer: HelpText, tokens: 0 };
        // Too many calls for max_steps is the agent loop's to cut and report, not the planner's.
        return { kind: 'call', calls, tokens: 0 };
      }
      return { kind: 'answer', answer: composeAnswer(state.observations), tokens: 0 };
    },
  };
}
