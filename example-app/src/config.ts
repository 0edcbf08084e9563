import { z } from 'zod';

/** A boolean app setting: App Service stores every setting as a string. */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    );

const EnvSchema = z.object({
  PORT: int(8080, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APP_VERSION: z.string().optional(),
  MAX_BODY_BYTES: int(16 * 1024, 256, 10 * 1024 * 1024),
  MCP_SERVER_URL: z.url().optional(),
  MCP_ALLOWED_HOSTS: list('127.0.0.1,localhost,[::1]'),
  READY_TIMEOUT_MS: int(2000, 50, 60_000),
  AGENT_MAX_STEPS: int(4, 0, 50),
  AGENT_TOOL_TIMEOUT_MS: int(2000, 10, 120_000),
  AGENT_RETRY_BUDGET: int(2, 0, 20),
  // Below the App Service front end's 230 s request timeout, so an answer can still arrive.
  AGENT_DEADLINE_MS: int(8000, 50, 200_000),
  AGENT_PARALLELISM: int(2, 1, 16),
  AGENT_MAX_IN_FLIGHT: int(32, 1, 1000),
  HTTP_GET_ALLOWED_HOSTS: list('learn.microsoft.com,api.github.com'),
  HTTP_GET_TIMEOUT_MS: int(5000, 10, 60_000),
  HTTP_GET_MAX_BYTES: int(64 * 1024, 1, 1024 * 1024),
  AZURE_OPENAI_ENDPOINT: z.url().optional(),
  AZURE_OPENAI_DEPLOYMENT: z.string().min(1).optional(),
  AZURE_OPENAI_API_VERSION: z.string().default('2024-10-21'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  REHEARSAL_FAIL_READY: flag,
  REHEARSAL_LATENCY_MS: int(0, 0, 120_000),
  REHEARSAL_ERROR_RATE: z.coerce.number().min(0).max(1).default(0),
  REHEARSAL_BREAK_CONTRACT: flag,
  REHEARSAL_CRASH_ON_START: flag,
  REHEARSAL_TOKENS: z.coerce.number().int().min(0).optional(),
});

export type AgentLimits = {
  /** Most tool calls (steps) one run may make. */
  maxSteps: number;
  /** Deadline of one tool call attempt. */
  toolTimeoutMs: number;
  /** Retries one run may spend, across all its tool calls, on timeouts and transport errors. */
  retryBudget: number;
  /** The run answers by this deadline, with whatever it has. */
  deadlineMs: number;
  /** Most tool calls in flight at once. */
  parallelism: number;
};

export type RehearsalSwitches = {
  failReady: boolean;
  latencyMs: number;
  /** 0..1; every round(1/rate)-th request answers 500, so the share is exact and repeatable. */
  errorRate: number;
  breakContract: boolean;
  crashOnStart: boolean;
  /** Forces usage.model_tokens. */
  tokens: number | undefined;
};

export type AppConfig = {
  port: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Set only by APP_VERSION; otherwise the build stamp is used (see version.ts). */
  versionOverride: string | undefined;
  maxBodyBytes: number;
  /** Remote MCP tool server; undefined means this app's own /mcp. */
  mcpServerUrl: string | undefined;
  /** Host headers /mcp accepts (DNS-rebinding protection; loopback only by default). */
  mcpAllowedHosts: string[];
  readyTimeoutMs: number;
  agent: AgentLimits;
  /** Agent runs served at once; more answer 503 with Retry-After instead of queueing unbounded. */
  maxInFlightRuns: number;
  httpGet: { allowedHosts: string[]; timeoutMs: number; maxBytes: number };
  openai: { endpoint: string; deployment: string; apiVersion: string } | undefined;
  appInsightsConnectionString: string | undefined;
  rehearsal: RehearsalSwitches;
};

/** Reads the configuration from app settings (environment variables); throws on invalid values. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset" (an app setting cleared in the portal stays as "").
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const fields = Object.entries(z.flattenError(parsed.error).fieldErrors)
      .map(([k, msgs]) => `${k}: ${(msgs ?? []).join('; ')}`)
      .join(', ');
    throw new Error(`Invalid app settings: ${fields}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    versionOverride: e.APP_VERSION,
    maxBodyBytes: e.MAX_BODY_BYTES,
    mcpServerUrl: e.MCP_SERVER_URL,
    mcpAllowedHosts: e.MCP_ALLOWED_HOSTS,
    readyTimeoutMs: e.READY_TIMEOUT_MS,
    agent: {
      maxSteps: e.AGENT_MAX_STEPS,
      toolTimeoutMs: e.AGENT_TOOL_TIMEOUT_MS,
      retryBudget: e.AGENT_RETRY_BUDGET,
      deadlineMs: e.AGENT_DEADLINE_MS,
      parallelism: e.AGENT_PARALLELISM,
    },
    maxInFlightRuns: e.AGENT_MAX_IN_FLIGHT,
    httpGet: {
      allowedHosts: e.HTTP_GET_ALLOWED_HOSTS,
      timeoutMs: e.HTTP_GET_TIMEOUT_MS,
      maxBytes: e.HTTP_GET_MAX_BYTES,
    },
    openai:
      e.AZURE_OPENAI_ENDPOINT && e.AZURE_OPENAI_DEPLOYMENT
        ? {
            endpoint: e.AZURE_OPENAI_ENDPOINT,
            deployment: e.AZURE_OPENAI_DEPLOYMENT,
            apiVersion: e.AZURE_OPENAI_API_VERSION,
          }
        : undefined,
    appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING,
    rehearsal: {
      failReady: e.REHEARSAL_FAIL_READY,
      latencyMs: e.REHEARSAL_LATENCY_MS,
      errorRate: e.REHEARSAL_ERROR_RATE,
      breakContract: e.REHEARSAL_BREAK_CONTRACT,
      crashOnStart: e.REHEARSAL_CRASH_ON_START,
      tokens: e.REHEARSAL_TOKENS,
    },
  };
}
