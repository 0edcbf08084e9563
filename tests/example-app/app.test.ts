import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Planner } from '../../example-app/src/agent/planner.ts';
import { AgentRunResponse } from '../../example-app/src/http/contract.ts';
import { createLogger } from '../../example-app/src/logger.ts';
import { mcpRouter } from '../../example-app/src/mcp/http.ts';
import { buildMcpServer } from '../../example-app/src/mcp/server.ts';
import { closedPort, eventually, startHttpServer, startTestApp, type TestApp } from './fixtures.ts';

const silent = createLogger({ level: 'silent' });

/** A separate tool server, to play a remote MCP server that drifted from the agent's contract. */
async function startToolServer(build: () => McpServer) {
  const app = express();
  app.use(mcpRouter({ build, allowedHosts: ['127.0.0.1'], maxBodyBytes: 16_384, log: silent }));
  const server = await startHttpServer(app);
  return { ...server, mcpUrl: `${server.url}/mcp` };
}

describe('example-app with its own MCP tool server', () => {
  let app: TestApp;
  let upstream: Awaited<ReturnType<typeof startHttpServer>>;

  beforeAll(async () => {
    upstream = await startHttpServer((req, res) => {
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 1500).unref();
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.end('hello from upstream');
    });
    app = await startTestApp({
      HTTP_GET_ALLOWED_HOSTS: '127.0.0.1',
      HTTP_GET_TIMEOUT_MS: '1000',
      MAX_BODY_BYTES: '1024',
    });
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  it('GET /healthz answers ok with the version', async () => {
    const res = await app.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: 'test-1' });
  });

  it('GET /readyz answers 200 once the tool server answers with the expected contract', async () => {
    const res = await app.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      tool_contract: '1.0',
      planner: 'deterministic',
    });
  });

  it('GET /v1/tools lists the tools with their input schemas', async () => {
    const res = await app.get('/v1/tools');
    expect(res.status).toBe(200);
    expect(res.body.contract_version).toBe('1.0');
    const names = res.body.tools.map((t: { name: string }) => t.name).sort();
    expect(names).toEqual(['calculator', 'http_get', 'lookup', 'time_now']);
    const calc = res.body.tools.find((t: { name: string }) => t.name === 'calculator');
    expect(calc.input_schema.required).toEqual(['expression']);
  });

  it('answers the default smoke input "ping" with pong and no tool call', async () => {
    const res = await app.post('/v1/agent/run', { input: 'ping' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      answer: 'pong',
      steps: [],
      elapsed_ms: expect.any(Number),
      usage: { model_tokens: 0, tool_calls: 0 },
      correlation_id: expect.any(String),
    });
  });

  it('calls the time and calculator tools and answers from their results', async () => {
    const res = await app.post('/v1/agent/run', {
      input: 'what time is it in Tokyo and calculate 2+3*4',
      session_id: 's-1',
    });
    expect(res.status).toBe(200);
    expect(res.body.steps).toEqual([
      { tool: 'time_now', ok: true, ms: expect.any(Number) },
      { tool: 'calculator', ok: true, ms: expect.any(Number) },
    ]);
    expect(res.body.usage).toEqual({ model_tokens: 0, tool_calls: 2 });
    expect(res.body.answer).toMatch(/in Tokyo \(Asia\/Tokyo\)/);
    expect(res.body.answer).toContain('2+3*4 = 14.');
    expect(Object.keys(res.body).sort()).toEqual([
      'answer',
      'correlation_id',
      'elapsed_ms',
      'steps',
      'usage',
    ]);
  });

  it('looks a term up in the bundled reference data', async () => {
    const res = await app.post('/v1/agent/run', { input: 'what is a sticky setting?' });
    expect(res.body.steps).toEqual([{ tool: 'lookup', ok: true, ms: expect.any(Number) }]);
    expect(res.body.answer).toMatch(/^sticky setting: .*slot setting/);
  });

  it('fetches an allow-listed URL with http_get', async () => {
    const res = await app.post('/v1/agent/run', { input: `fetch ${upstream.url}/hello` });
    expect(res.body.steps).toEqual([{ tool: 'http_get', ok: true, ms: expect.any(Number) }]);
    expect(res.body.answer).toContain('answered 200 (19 bytes)');
  });

  it('http_get refuses a host outside the allow-list, without retrying', async () => {
    const res = await app.post('/v1/agent/run', { input: 'fetch http://localhost:9/secret' });
    expect(res.status).toBe(200);
    expect(res.body.steps).toEqual([{ tool: 'http_get', ok: false, ms: expect.any(Number) }]);
    expect(res.body.usage.tool_calls).toBe(1);
    expect(res.body.answer).toContain('host localhost is not in the allow-list');
  });

  it('answers with a help text when no tool fits', async () => {
    const res = await app.post('/v1/agent/run', { input: 'hello there' });
    expect(res.status).toBe(200);
    expect(res.body.steps).toEqual([]);
    expect(res.body.answer).toMatch(/^I can tell the time/);
  });

  it('rejects a body without input with 400 and field errors', async () => {
    const res = await app.post('/v1/agent/run', { inpt: 'ping', session_id: 'bad id!' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.fields.input).toEqual([expect.stringContaining('expected string')]);
    expect(res.body.fields.session_id).toEqual([expect.stringContaining('session_id must be')]);
    expect(res.body.correlation_id).toEqual(expect.any(String));
  });

  it('rejects an empty input with 400', async () => {
    const res = await app.post('/v1/agent/run', { input: '   ' });
    expect(res.status).toBe(400);
    expect(res.body.fields.input).toEqual(['input must not be empty']);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await app.post('/v1/agent/run', '{"input": ');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_json');
  });

  it('rejects a non-JSON body with 400', async () => {
    const res = await app.post('/v1/agent/run', 'input=ping', { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.stringContaining('expected object')]);
  });

  it('rejects an oversized body with 413', async () => {
    const res = await app.post('/v1/agent/run', { input: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('payload_too_large');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });

  it('/mcp takes POST only, and only from allowed Host headers', async () => {
    expect((await app.get('/mcp')).status).toBe(405);
    // fetch cannot set Host, so this one goes through node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${app.url}/mcp`, {
        method: 'POST',
        headers: {
          host: 'evil.example',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    });
    expect(status).toBe(403);
  });

  it('carries the x-correlation-id on every log line of a request, tool calls included', async () => {
    const from = app.lines.length;
    const res = await app.post(
      '/v1/agent/run',
      { input: 'what time is it in Paris and calculate 6*7' },
      { 'x-correlation-id': 'corr-e2e-42' },
    );
    expect(res.body.correlation_id).toBe('corr-e2e-42');
    expect(res.headers.get('x-correlation-id')).toBe('corr-e2e-42');
    await eventually(() =>
      app.lines.slice(from).some((l) => l.msg === 'request' && l.path === '/v1/agent/run'),
    );
    const lines = app.lines.slice(from);
    expect(lines.filter((l) => l.msg === 'tool executed')).toHaveLength(2);
    expect(lines.filter((l) => l.msg === 'tool call')).toHaveLength(2);
    expect(lines.some((l) => l.path === '/mcp')).toBe(true);
    expect(lines.filter((l) => l.correlation_id !== 'corr-e2e-42')).toEqual([]);
  });

  it('takes the correlation id from traceparent when there is no x-correlation-id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.post(
      '/v1/agent/run',
      { input: 'ping' },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    expect(res.body.correlation_id).toBe(traceId);
  });

  it('generates a correlation id when the given one is unsafe', async () => {
    const res = await app.post(
      '/v1/agent/run',
      { input: 'ping' },
      { 'x-correlation-id': 'a b<script>' },
    );
    expect(res.body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bounds of the agent', () => {
  let upstream: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    // Answers after 10 s: far slower than every tool timeout and deadline below.
    upstream = await startHttpServer(
      (_req, res) => void setTimeout(() => res.end('late'), 10_000).unref(),
    );
  });
  afterAll(() => upstream.close());

  it('a slow tool hits its timeout, is retried from the budget, and the run still answers', async () => {
    const app = await startTestApp({
      HTTP_GET_ALLOWED_HOSTS: '127.0.0.1',
      AGENT_TOOL_TIMEOUT_MS: '150',
      AGENT_RETRY_BUDGET: '1',
      AGENT_DEADLINE_MS: '5000',
    });
    try {
      const res = await app.post('/v1/agent/run', { input: `fetch ${upstream.url}/slow` });
      expect(res.status).toBe(200);
      expect(res.body.steps).toEqual([{ tool: 'http_get', ok: false, ms: expect.any(Number) }]);
      expect(res.body.usage.tool_calls).toBe(2); // first attempt + one retry, then the budget is spent
      expect(res.body.answer).toContain('http_get failed: timed out after 150 ms');
      expect(res.body.elapsed_ms).toBeLessThan(5000);
    } finally {
      await app.close();
    }
  });

  it('sheds load past AGENT_MAX_IN_FLIGHT with 503 and Retry-After instead of queueing', async () => {
    const app = await startTestApp({
      HTTP_GET_ALLOWED_HOSTS: '127.0.0.1',
      AGENT_TOOL_TIMEOUT_MS: '60000',
      AGENT_DEADLINE_MS: '30000',
      AGENT_MAX_IN_FLIGHT: '1',
    });
    let reached!: () => void;
    const toolCalled = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The upstream answers only when the test says so: the place stays taken until then.
    const held = await startHttpServer((_req, res) => {
      reached();
      void released.then(() => res.end('late'));
    });
    try {
      // One run holds the only place, busy in a tool call to a slow upstream.
      const slow = app.post('/v1/agent/run', { input: `fetch ${held.url}/slow` });
      await toolCalled;
      const shed = await app.post('/v1/agent/run', { input: 'ping' });
      expect(shed.status).toBe(503);
      expect(shed.headers.get('retry-after')).toBe('1');
      expect(shed.body.error).toBe('busy');
      release();
      expect((await slow).status).toBe(200);
      expect((await app.post('/v1/agent/run', { input: 'ping' })).status).toBe(200);
    } finally {
      await app.close();
      await held.close();
    }
  });

  it('the total deadline cuts a tool call that would outlast it', async () => {
    const app = await startTestApp({
      HTTP_GET_ALLOWED_HOSTS: '127.0.0.1',
      AGENT_TOOL_TIMEOUT_MS: '60000',
      AGENT_DEADLINE_MS: '300',
    });
    try {
      const res = await app.post('/v1/agent/run', { input: `fetch ${upstream.url}/slow` });
      expect(res.status).toBe(200);
      expect(res.body.steps).toEqual([{ tool: 'http_get', ok: false, ms: expect.any(Number) }]);
      expect(res.body.answer).toContain('deadline reached');
      expect(res.body.answer).toContain('(Stopped at the 300 ms deadline.)');
      expect(res.body.stopped).toBe('deadline');
      // Bounded by the deadline, far below the 10 s the upstream needs.
      expect(res.body.elapsed_ms).toBeGreaterThanOrEqual(290);
      expect(res.body.elapsed_ms).toBeLessThan(10_000);
    } finally {
      await app.close();
    }
  });

  it('max_steps caps the tool calls and the answer says so', async () => {
    const app = await startTestApp({ AGENT_MAX_STEPS: '2' });
    try {
      const res = await app.post('/v1/agent/run', {
        input: 'calculate 1+1 and calculate 2+2 and calculate 3+3 and calculate 4+4',
      });
      expect(res.status).toBe(200);
      expect(res.body.steps).toHaveLength(2);
      expect(res.body.usage.tool_calls).toBe(2);
      expect(res.body.answer).toBe(
        '1+1 = 2. 2+2 = 4. (Stopped at max_steps=2; 2 more tool call(s) were planned.)',
      );
      // The partial answer says so in the contract too, so a smoke gate can refuse it.
      expect(res.body.stopped).toBe('max_steps');
      expect(AgentRunResponse.safeParse(res.body).success).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('readiness', () => {
  it('is 503 with a reason when the MCP server is down', async () => {
    const app = await startTestApp({
      MCP_SERVER_URL: `http://127.0.0.1:${await closedPort()}/mcp`,
    });
    try {
      const res = await app.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toMatch(/^tool server unreachable: /);
      expect((await app.get('/v1/tools')).status).toBe(503);
      // Liveness does not depend on the tools.
      expect((await app.get('/healthz')).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('is 503 when the tool server declares another contract version', async () => {
    const tools = await startToolServer(() =>
      buildMcpServer({
        log: silent,
        httpGet: { allowedHosts: [], timeoutMs: 100, maxBytes: 10 },
        contractVersion: '2.0',
      }),
    );
    const app = await startTestApp({ MCP_SERVER_URL: tools.mcpUrl });
    try {
      const res = await app.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toBe(
        'tool contract version mismatch: agent expects 1.0, tool server declares 2.0',
      );
    } finally {
      await app.close();
      await tools.close();
    }
  });

  it('is 503 when a tool schema drifted under the same version', async () => {
    const tools = await startToolServer(() => {
      const server = new McpServer({ name: 'example-app-tools', version: '1.0' });
      for (const name of ['time_now', 'lookup', 'http_get']) {
        const param = { time_now: 'timezone', lookup: 'term', http_get: 'url' }[name] as string;
        server.registerTool(name, { inputSchema: { [param]: z.string() } }, () => ({
          content: [],
        }));
      }
      server.registerTool('calculator', { inputSchema: { expr: z.string() } }, () => ({
        content: [],
      }));
      return server;
    });
    const app = await startTestApp({ MCP_SERVER_URL: tools.mcpUrl });
    try {
      const res = await app.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toBe(
        'tool schema drift: calculator.expression is missing, expected string',
      );
    } finally {
      await app.close();
      await tools.close();
    }
  });

  it('works against a remote tool server with the expected contract', async () => {
    const tools = await startToolServer(() =>
      buildMcpServer({ log: silent, httpGet: { allowedHosts: [], timeoutMs: 100, maxBytes: 10 } }),
    );
    const app = await startTestApp({ MCP_SERVER_URL: tools.mcpUrl });
    try {
      expect((await app.get('/readyz')).status).toBe(200);
      const res = await app.post('/v1/agent/run', { input: 'calculate 2+3' });
      expect(res.body.answer).toBe('2+3 = 5.');
    } finally {
      await app.close();
      await tools.close();
    }
  });
});

describe('rehearsal switches', () => {
  it('REHEARSAL_FAIL_READY keeps readiness at 503', async () => {
    const app = await startTestApp({ REHEARSAL_FAIL_READY: 'true' });
    try {
      const res = await app.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.reason).toBe('rehearsal: REHEARSAL_FAIL_READY is set');
    } finally {
      await app.close();
    }
  });

  it('REHEARSAL_ERROR_RATE=0.5 fails exactly every second request', async () => {
    const app = await startTestApp({ REHEARSAL_ERROR_RATE: '0.5' });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await app.get('/healthz')).status);
      expect(statuses).toEqual([200, 500, 200, 500, 200, 500]);
    } finally {
      await app.close();
    }
  });

  it('REHEARSAL_BREAK_CONTRACT answers 200 with a body that breaks the contract', async () => {
    const app = await startTestApp({ REHEARSAL_BREAK_CONTRACT: 'true' });
    try {
      const res = await app.post('/v1/agent/run', { input: 'ping' });
      expect(res.status).toBe(200);
      expect(res.body.answer).toBeUndefined();
      expect(res.body.steps).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('REHEARSAL_TOKENS forces usage.model_tokens and REHEARSAL_LATENCY_MS delays answers', async () => {
    const app = await startTestApp({ REHEARSAL_TOKENS: '5000', REHEARSAL_LATENCY_MS: '50' });
    try {
      const res = await app.post('/v1/agent/run', { input: 'ping' });
      expect(res.body.usage.model_tokens).toBe(5000);
      await eventually(() => app.lines.some((l) => l.path === '/v1/agent/run'));
      const access = app.lines.find((l) => l.path === '/v1/agent/run');
      expect(access?.ms).toBeGreaterThanOrEqual(45);
    } finally {
      await app.close();
    }
  });

  it('shutting down lets an agent run in flight finish (a swap recycles the process)', async () => {
    let started!: () => void;
    const planning = new Promise<void>((resolve) => (started = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // A planner that holds the run until the shutdown has begun.
    const planner: Planner = {
      name: 'held',
      needsTools: false,
      next: async () => {
        started();
        await answered;
        return { kind: 'answer', answer: 'pong', tokens: 1 };
      },
    };
    const app = await startTestApp({}, { planner });
    const inFlight = app.post('/v1/agent/run', { input: 'ping' });
    await planning;
    const closing = app.close();
    answer();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.answer).toBe('pong');
    await closing;
  });

  it('invalid settings fail loudly with the setting name', async () => {
    await expect(startTestApp({ REHEARSAL_ERROR_RATE: '2' })).rejects.toThrow(
      /REHEARSAL_ERROR_RATE/,
    );
  });
});
