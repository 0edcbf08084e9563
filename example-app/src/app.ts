import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { z } from 'zod';
import { createDeterministicPlanner } from './agent/deterministic-planner.ts';
import { createLlmPlanner, managedIdentityTokenProvider } from './agent/llm-planner.ts';
import type { Planner } from './agent/planner.ts';
import { runAgent } from './agent/run.ts';
import { createToolClient, type ToolClient } from './agent/tool-client.ts';
import type { AppConfig } from './config.ts';
import { AgentRunRequest } from './http/contract.ts';
import { correlation, rebindCorrelation } from './http/correlation.ts';
import { rehearsal } from './http/rehearsal.ts';
import type { Logger } from './logger.ts';
import { checkToolContract, ToolContract } from './mcp/contract.ts';
import { mcpRouter } from './mcp/http.ts';
import { buildMcpServer } from './mcp/server.ts';
import { withSpan } from './telemetry.ts';

export type AppDeps = {
  config: AppConfig;
  log: Logger;
  version: string;
  /** Tool server client; default: MCP over HTTP to MCP_SERVER_URL, else to this app's own /mcp. */
  tools?: ToolClient;
  /** Default: Azure OpenAI when configured, else the deterministic planner. */
  planner?: Planner;
  now?: () => Date;
};

export type AppHandle = {
  app: Express;
  /** Closes the tool client; call after the HTTP server has stopped. */
  close(): Promise<void>;
};

export function defaultPlanner(config: AppConfig): Planner {
  if (!config.openai) return createDeterministicPlanner();
  return createLlmPlanner({ ...config.openai, getToken: managedIdentityTokenProvider() });
}

/** The whole service as an Express app; only main.ts (through server.ts) listens. */
export function createApp(deps: AppDeps): AppHandle {
  const { config, log, version } = deps;
  const planner = deps.planner ?? defaultPlanner(config);
  let tools = deps.tools;
  // Without MCP_SERVER_URL the agent calls its own /mcp; the port is known once a request arrives.
  const toolClient = (req: Request): ToolClient =>
    (tools ??= createToolClient(
      config.mcpServerUrl ?? `http://127.0.0.1:${req.socket.localPort}/mcp`,
      version,
    ));

  const app = express();
  let inFlightRuns = 0;
  app.disable('x-powered-by');
  app.use(correlation(log));

  // Internal tool server first: rehearsal switches simulate the public app, not its tools.
  app.use(
    mcpRouter({
      build: () => buildMcpServer({ log, httpGet: config.httpGet, now: deps.now }),
      allowedHosts: config.mcpAllowedHosts,
      maxBodyBytes: config.maxBodyBytes,
      log,
    }),
  );
  app.use(rehearsal(config.rehearsal, log));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version });
  });

  app.get('/readyz', async (req, res) => {
    const reason = await notReadyReason(req);
    if (reason) {
      log.warn({ reason }, 'not ready');
      res.status(503).json({ status: 'unavailable', reason, version });
      return;
    }
    res.json({
      status: 'ready',
      version,
      tool_contract: ToolContract.version,
      planner: planner.name,
    });
  });

  async function notReadyReason(req: Request): Promise<string | undefined> {
    if (config.rehearsal.failReady) return 'rehearsal: REHEARSAL_FAIL_READY is set';
    try {
      const listing = await toolClient(req).describe(AbortSignal.timeout(config.readyTimeoutMs));
      const check = checkToolContract(listing.serverVersion, listing.tools);
      return check.ok ? undefined : check.reason;
    } catch (err) {
      return `tool server unreachable: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  app.get('/v1/tools', async (req, res) => {
    try {
      const listing = await toolClient(req).describe(AbortSignal.timeout(config.readyTimeoutMs));
      res.json({
        contract_version: listing.serverVersion,
        tools: listing.tools.map((t) => ({
          name: t.name,
          description: t.description,
          input_schema: t.inputSchema,
        })),
      });
    } catch (err) {
      res.status(503).json({
        error: 'tool_server_unavailable',
        message: err instanceof Error ? err.message : String(err),
        correlation_id: res.locals.correlationId,
      });
    }
  });

  app.post(
    '/v1/agent/run',
    express.json({ limit: config.maxBodyBytes }),
    rebindCorrelation,
    async (req, res) => {
      const correlationId = res.locals.correlationId as string;
      if (inFlightRuns >= config.maxInFlightRuns) {
        res
          .status(503)
          .set('retry-after', '1')
          .json({
            error: 'busy',
            message: `${inFlightRuns} agent runs in flight (AGENT_MAX_IN_FLIGHT); retry shortly.`,
            correlation_id: correlationId,
          });
        return;
      }
      inFlightRuns++;
      try {
        await runOnce(req, res, correlationId);
      } finally {
        inFlightRuns--;
      }
    },
  );

  async function runOnce(req: express.Request, res: express.Response, correlationId: string) {
    const parsed = AgentRunRequest.safeParse(req.body);
    if (!parsed.success) {
      const { formErrors, fieldErrors } = z.flattenError(parsed.error);
      res.status(400).json({
        error: 'invalid_request',
        message: 'The body must be JSON {"input": string, "session_id"?: string}.',
        fields: fieldErrors,
        errors: formErrors,
        correlation_id: correlationId,
      });
      return;
    }
    const started = performance.now();
    const result = await withSpan('agent.run', { planner: planner.name }, () =>
      runAgent(parsed.data.input, parsed.data.session_id, {
        planner,
        tools: toolClient(req),
        limits: config.agent,
        log,
      }),
    );
    const elapsedMs = Math.round(performance.now() - started);
    const usage = {
      ...result.usage,
      model_tokens: config.rehearsal.tokens ?? result.usage.model_tokens,
    };
    log.info(
      {
        planner: planner.name,
        session_id: parsed.data.session_id,
        steps: result.steps.length,
        usage,
        elapsed_ms: elapsedMs,
        stopped: result.stopped,
      },
      'agent run',
    );
    if (config.rehearsal.breakContract) {
      // A 200 whose body no longer matches the contract: what the smoke gate must catch.
      res.json({ output: result.answer, correlation_id: correlationId });
      return;
    }
    res.json({
      answer: result.answer,
      steps: result.steps,
      elapsed_ms: elapsedMs,
      usage,
      correlation_id: correlationId,
      // A partial answer is still an answer for a user, but a gate must see it for what it is.
      ...(result.stopped ? { stopped: result.stopped } : {}),
    });
  }

  app.use((req, res) => {
    res.status(404).json({
      error: 'not_found',
      message: `No route for ${req.method} ${req.path}`,
      correlation_id: res.locals.correlationId,
    });
  });

  const onError: ErrorRequestHandler = (
    err: { type?: string; status?: number; limit?: number },
    _req,
    res,
    _next,
  ) => {
    const correlationId = res.locals.correlationId as string | undefined;
    if (err.type === 'entity.too.large') {
      res.status(413).json({
        error: 'payload_too_large',
        message: `The body exceeds ${config.maxBodyBytes} bytes.`,
        correlation_id: correlationId,
      });
      return;
    }
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({
        error: 'invalid_json',
        message: 'The body is not valid JSON.',
        correlation_id: correlationId,
      });
      return;
    }
    if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({
        error: 'bad_request',
        message: String(err.type ?? 'bad request'),
        correlation_id: correlationId,
      });
      return;
    }
    log.error({ err }, 'unhandled error');
    res
      .status(500)
      .json({ error: 'internal', message: 'Internal error.', correlation_id: correlationId });
  };
  app.use(onError);

  return {
    app,
    close: async () => {
      await tools?.close();
    },
  };
}
