import { AgentRunResponse, HealthResponse } from '../src/http/contract.ts';

export type SmokeCheck = { name: string; ok: boolean; detail: string };

export type SmokeOptions = {
  /** /healthz must report this version. */
  expectedVersion?: string;
  /** Per-request deadline. */
  timeoutMs?: number;
};

async function getJson(url: string, init: RequestInit, timeoutMs: number) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/**
 * The checks a release gate makes, against any deployment of this app: liveness (and version),
 * readiness, the default smoke, and one tool call through MCP. Never throws; each check says why.
 */
export async function smokeCheck(baseUrl: string, opts: SmokeOptions = {}): Promise<SmokeCheck[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = baseUrl.replace(/\/+$/, '');
  const run = (input: string) =>
    getJson(
      `${base}/v1/agent/run`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ input }),
      },
      timeoutMs,
    );
  const checks: Array<[string, () => Promise<string>]> = [
    [
      'healthz',
      async () => {
        const { status, body } = await getJson(`${base}/healthz`, {}, timeoutMs);
        if (status !== 200) throw new Error(`status ${status}`);
        const health = HealthResponse.parse(body);
        if (opts.expectedVersion && health.version !== opts.expectedVersion) {
          throw new Error(`version ${health.version}, expected ${opts.expectedVersion}`);
        }
        return `version ${health.version}`;
      },
    ],
    [
      'readyz',
      async () => {
        const { status, body } = await getJson(`${base}/readyz`, {}, timeoutMs);
        if (status !== 200) throw new Error(`status ${status}: ${JSON.stringify(body)}`);
        return 'ready';
      },
    ],
    [
      'smoke ping',
      async () => {
        const { status, body } = await run('ping');
        if (status !== 200) throw new Error(`status ${status}`);
        const res = AgentRunResponse.parse(body);
        if (res.answer !== 'pong') throw new Error(`answer ${JSON.stringify(res.answer)}`);
        return `pong in ${res.elapsed_ms} ms`;
      },
    ],
    [
      'smoke tool call',
      async () => {
        const { status, body } = await run('calculate 2+3');
        if (status !== 200) throw new Error(`status ${status}`);
        const res = AgentRunResponse.parse(body);
        if (
          !res.answer.includes('= 5') ||
          res.usage.tool_calls < 1 ||
          !res.steps.every((s) => s.ok)
        ) {
          throw new Error(
            `answer ${JSON.stringify(res.answer)}, steps ${JSON.stringify(res.steps)}`,
          );
        }
        return `${res.answer} (${res.steps.length} step, ${res.elapsed_ms} ms)`;
      },
    ],
  ];
  const results: SmokeCheck[] = [];
  for (const [name, check] of checks) {
    try {
      results.push({ name, ok: true, detail: await check() });
    } catch (err) {
      const detail =
        err instanceof Error && err.name === 'ZodError'
          ? `contract broken: ${err.message.replace(/\s+/g, ' ').slice(0, 300)}`
          : err instanceof Error
            ? err.message
            : String(err);
      results.push({ name, ok: false, detail });
    }
  }
  return results;
}
