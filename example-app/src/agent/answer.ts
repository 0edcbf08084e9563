import type { Observation } from './planner.ts';

const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : '';

/** One sentence per tool result, from its structured content. */
function describe(o: Observation): string {
  if (!o.ok) return `${o.tool} failed: ${o.error}.`;
  const d = (o.data ?? {}) as Record<string, unknown>;
  switch (o.tool) {
    case 'time_now':
      return `It is ${str(d.local)} in ${str(d.place)} (${str(d.time_zone)}).`;
    case 'calculator':
      return `${str(d.expression)} = ${str(d.result)}.`;
    case 'lookup':
      return `${str(d.term)}: ${str(d.definition)}`;
    case 'http_get':
      return `GET ${str(d.url)} answered ${str(d.status)} (${str(d.bytes)} bytes${d.truncated ? ', truncated' : ''}).`;
    default:
      return `${o.tool}: ${JSON.stringify(o.data)}`;
  }
}

/** The answer built from tool results alone: the deterministic planner's, and everyone's fallback. */
export function composeAnswer(observations: Observation[], notes: string[] = []): string {
  const parts = observations.map(describe);
  return [...parts, ...notes].join(' ').trim() || 'No result.';
}
