import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { currentCorrelationId } from '../logger.ts';
import type { ListedTool } from '../mcp/contract.ts';

export type ToolInfo = ListedTool & { description?: string };

export type ToolListing = { serverVersion: string | undefined; tools: ToolInfo[] };

export type ToolOutcome =
  | { ok: true; data: unknown }
  | {
      ok: false;
      error: string;
      /** worth a retry: timeout or transport failure */ transient: boolean;
    };

/** What the agent needs from a tool server; tests can hand in an object literal. */
export type ToolClient = {
  /** Fresh handshake + tools/list, so readiness sees the server as it is now. */
  describe(signal: AbortSignal): Promise<ToolListing>;
  /** The tools, over the shared connection, listed once per connection (an LLM planner asks on
   * every run). Without it, runs fall back to describe(). */
  list?(signal: AbortSignal): Promise<ToolInfo[]>;
  call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
  close(): Promise<void>;
};

/** Forwards the request's correlation id to the tool server, so its log lines carry it too. */
const correlatedFetch: typeof fetch = (input, init) => {
  const id = currentCorrelationId();
  if (!id) return fetch(input, init);
  const headers = new Headers(init?.headers);
  headers.set('x-correlation-id', id);
  return fetch(input, { ...init, headers });
};

/** Whether another attempt could succeed: timeouts, lost connections, 5xx and 429 — not 4xx. */
function isTransient(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (err instanceof McpError) {
    return err.code === ErrorCode.RequestTimeout || err.code === ErrorCode.ConnectionClosed;
  }
  if (err instanceof StreamableHTTPError && err.code !== undefined) {
    return err.code >= 500 || err.code === 429;
  }
  // fetch failures: connection refused or reset
  return true;
}

function describeError(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'aborted';
  }
  return err instanceof Error ? err.message : String(err);
}

/** MCP client over Streamable HTTP to `url` (this app's /mcp or a remote tool server). */
export function createToolClient(url: string, clientVersion: string): ToolClient {
  let connected: Promise<Client> | undefined;
  let listed: Promise<ToolInfo[]> | undefined;
  const drop = () => {
    const stale = connected;
    connected = undefined;
    listed = undefined;
    return stale;
  };

  const connect = async (signal?: AbortSignal): Promise<Client> => {
    const client = new Client({ name: 'example-app-agent', version: clientVersion });
    const transport = new StreamableHTTPClientTransport(new URL(url), { fetch: correlatedFetch });
    try {
      await client.connect(transport, { signal });
      return client;
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  };

  // One shared connection for runs; dropped on failure so the next call reconnects.
  const shared = (signal: AbortSignal): Promise<Client> => {
    connected ??= connect(signal).catch((err: unknown) => {
      drop();
      throw err;
    });
    return connected;
  };

  const toToolInfo = (t: { name: string; description?: string; inputSchema: unknown }) => ({
    name: t.name,
    description: t.description,
    inputSchema: t.inputSchema as ToolInfo['inputSchema'],
  });

  return {
    async describe(signal) {
      const client = await connect(signal);
      try {
        const { tools } = await client.listTools(undefined, { signal });
        return { serverVersion: client.getServerVersion()?.version, tools: tools.map(toToolInfo) };
      } finally {
        await client.close().catch(() => undefined);
      }
    },

    list(signal) {
      listed ??= shared(signal)
        .then((client) => client.listTools(undefined, { signal }))
        .then(({ tools }) => tools.map(toToolInfo))
        .catch((err: unknown) => {
          listed = undefined;
          throw err;
        });
      return listed;
    },

    async call(tool, args, signal) {
      try {
        const client = await shared(signal);
        const result = await client.callTool({ name: tool, arguments: args }, undefined, {
          signal,
          // The signal carries the deadline; this only stops the SDK's own 60 s default.
          timeout: 24 * 60 * 60 * 1000,
        });
        if (result.isError) {
          const text = Array.isArray(result.content)
            ? result.content
                .map((c: { text?: unknown }) => (typeof c.text === 'string' ? c.text : ''))
                .join(' ')
            : '';
          return { ok: false, error: text || 'tool error', transient: false };
        }
        return { ok: true, data: result.structuredContent ?? result.content };
      } catch (err) {
        if (!signal.aborted)
          void drop()
            ?.then((c) => c.close())
            .catch(() => undefined);
        return {
          ok: false,
          error: describeError(err, signal),
          transient: isTransient(err, signal),
        };
      }
    },

    async close() {
      await drop()
        ?.then((client) => client.close())
        .catch(() => undefined);
    },
  };
}
