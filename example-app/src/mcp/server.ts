import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createLogger, type Logger } from '../logger.ts';
import { calculate } from '../tools/calculator.ts';
import { httpGet, type HttpGetOptions } from '../tools/http-get.ts';
import { lookupTerm } from '../tools/reference-data.ts';
import { resolveTimeZone, timeIn } from '../tools/time.ts';
import { ToolContract } from './contract.ts';

export type McpServerDeps = {
  /** Default: no logging. */
  log: Logger;
  /** Default: no host allowed. */
  httpGet: Omit<HttpGetOptions, 'signal'>;
  now?: () => Date;
  /** Declared tool contract version; only tests set another one, to prove readiness catches it. */
  contractVersion?: string;
};

const ok = (data: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(data) }],
  structuredContent: data,
});

// Tool failures go back to the caller as data (isError), not as protocol errors.
const toolError = (message: string): CallToolResult => ({
  content: [{ type: 'text', text: message }],
  isError: true,
});

/** Runs a tool body with timing and a log line, turning a throw into a tool error. */
async function timed(
  log: Logger,
  tool: string,
  body: () => Promise<CallToolResult> | CallToolResult,
): Promise<CallToolResult> {
  const started = performance.now();
  let result: CallToolResult;
  try {
    result = await body();
  } catch (err) {
    result = toolError(err instanceof Error ? err.message : String(err));
  }
  const ms = Math.round(performance.now() - started);
  log.info({ tool, ms, ok: !result.isError }, 'tool executed');
  return result;
}

/** The MCP tool server: a new instance per request (stateless Streamable HTTP). */
export function buildMcpServer(options: Partial<McpServerDeps> = {}): McpServer {
  const deps: McpServerDeps = {
    log: createLogger({ level: 'silent' }),
    httpGet: { allowedHosts: [], timeoutMs: 5000, maxBytes: 64 * 1024 },
    ...options,
  };
  const now = deps.now ?? (() => new Date());
  const server = new McpServer({
    name: ToolContract.serverName,
    version: deps.contractVersion ?? ToolContract.version,
  });

  server.registerTool(
    'time_now',
    {
      description:
        'Current local time in a time zone. Accepts an IANA zone (Asia/Tokyo) or a city (Tokyo).',
      inputSchema: { timezone: z.string().min(1).max(64) },
      annotations: { readOnlyHint: true },
    },
    ({ timezone }) =>
      timed(deps.log, 'time_now', () => {
        const zone = resolveTimeZone(timezone);
        if (!zone) return toolError(`unknown time zone or city: ${timezone}`);
        return ok({ place: timezone, ...timeIn(zone, now()) });
      }),
  );

  server.registerTool(
    'calculator',
    {
      description: 'Evaluates an arithmetic expression with + - * / % ^ and parentheses.',
      inputSchema: { expression: z.string().min(1).max(500) },
      annotations: { readOnlyHint: true },
    },
    ({ expression }) =>
      timed(deps.log, 'calculator', () => ok({ expression, result: calculate(expression) })),
  );

  server.registerTool(
    'lookup',
    {
      description:
        'Looks a release term (slot, swap, sticky setting, p99, ...) up in bundled reference data.',
      inputSchema: { term: z.string().min(1).max(100) },
      annotations: { readOnlyHint: true },
    },
    ({ term }) =>
      timed(deps.log, 'lookup', () => {
        const hit = lookupTerm(term);
        return hit ? ok(hit) : toolError(`no entry for "${term}"`);
      }),
  );

  server.registerTool(
    'http_get',
    {
      description: `HTTP GET of a URL on an allow-listed host (${deps.httpGet.allowedHosts.join(', ') || 'none'}).`,
      inputSchema: { url: z.string().min(1).max(2000) },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    ({ url }, extra) =>
      timed(deps.log, 'http_get', async () => {
        const res = await httpGet(url, { ...deps.httpGet, signal: extra.signal });
        return ok(res);
      }),
  );

  return server;
}
