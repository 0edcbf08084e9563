import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createLlmPlanner } from '../../../example-app/src/agent/llm-planner.ts';
import { runAgent } from '../../../example-app/src/agent/run.ts';
import type { ToolClient } from '../../../example-app/src/agent/tool-client.ts';
import { defaultPlanner } from '../../../example-app/src/app.ts';
import { loadConfig } from '../../../example-app/src/config.ts';
import { createLogger } from '../../../example-app/src/logger.ts';
import { startHttpServer } from '../fixtures.ts';

const log = createLogger({ level: 'silent' });
const limits = {
  maxSteps: 4,
  toolTimeoutMs: 1000,
  retryBudget: 0,
  deadlineMs: 5000,
  parallelism: 2,
};

// Request bodies are asserted field by field with expect().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

type Seen = { url: string; authorization: string | undefined; body: Json };

const readJson = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString()) as Json;
};

/** A fake Azure OpenAI chat completions endpoint that answers from a script and records requests. */
async function fakeAzureOpenAI(replies: Array<{ status?: number; body: unknown }>) {
  const seen: Seen[] = [];
  const server = await startHttpServer(async (req, res) => {
    seen.push({
      url: req.url ?? '',
      authorization: req.headers.authorization,
      body: await readJson(req),
    });
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  });
  return { ...server, seen };
}

const toolCall = (name: string, args: unknown, id = 'c1') => ({
  choices: [
    {
      message: {
        content: null,
        tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
      },
    },
  ],
  usage: { total_tokens: 50 },
});
const answer = (content: string) => ({
  choices: [{ message: { content } }],
  usage: { total_tokens: 30 },
});

const tools: ToolClient = {
  describe: async () => ({
    serverVersion: '1.0',
    tools: [
      {
        name: 'calculator',
        description: 'math',
        inputSchema: {
          type: 'object',
          properties: { expression: { type: 'string' } },
          required: ['expression'],
        },
      } as never,
    ],
  }),
  call: async (_tool, args) => ({ ok: true, data: { expression: args.expression, result: 5 } }),
  close: async () => undefined,
};

describe('Azure OpenAI planner (against a local fake endpoint)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('calls the deployment with a bearer token, runs the tool it picks, and counts tokens', async () => {
    const fake = await fakeAzureOpenAI([
      { body: toolCall('calculator', { expression: '2+3' }) },
      { body: answer('2+3 is 5.') },
    ]);
    close = fake.close;
    const planner = createLlmPlanner({
      endpoint: `${fake.url}/`,
      deployment: 'gpt-4o-mini',
      apiVersion: '2024-10-21',
      getToken: async () => 'token-from-managed-identity',
    });

    const result = await runAgent('what is 2+3?', undefined, { planner, tools, limits, log });

    expect(result.answer).toBe('2+3 is 5.');
    expect(result.steps).toEqual([{ tool: 'calculator', ok: true, ms: expect.any(Number) }]);
    expect(result.usage).toEqual({ model_tokens: 80, tool_calls: 1 });
    expect(fake.seen).toHaveLength(2);
    expect(fake.seen[0]!.url).toBe(
      '/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21',
    );
    expect(fake.seen[0]!.authorization).toBe('Bearer token-from-managed-identity');
    expect(fake.seen[0]!.body.tools[0].function.name).toBe('calculator');
    expect(fake.seen[0]!.body.tool_choice).toBe('auto');
    const toolMessage = fake.seen[1]!.body.messages.find(
      (m: { role: string }) => m.role === 'tool',
    );
    expect(JSON.parse(toolMessage.content)).toEqual({ expression: '2+3', result: 5 });
  });

  it('stays within max_steps when the model keeps asking for tools', async () => {
    const fake = await fakeAzureOpenAI([{ body: toolCall('calculator', { expression: '1+1' }) }]);
    close = fake.close;
    const planner = createLlmPlanner({
      endpoint: fake.url,
      deployment: 'd',
      apiVersion: 'v',
      getToken: async () => 't',
    });

    const result = await runAgent('loop', undefined, {
      planner,
      tools,
      limits: { ...limits, maxSteps: 2 },
      log,
    });

    expect(result.steps).toHaveLength(2);
    // Once the steps are spent the model is told to answer without tools.
    expect(fake.seen.at(-1)!.body.tool_choice).toBe('none');
    expect(result.usage.model_tokens).toBe(150);
  });

  it('falls back to an answer from tool results when the endpoint fails', async () => {
    const fake = await fakeAzureOpenAI([
      { body: toolCall('calculator', { expression: '2+3' }) },
      { status: 429, body: { error: { code: '429', message: 'Rate limit' } } },
    ]);
    close = fake.close;
    const planner = createLlmPlanner({
      endpoint: fake.url,
      deployment: 'd',
      apiVersion: 'v',
      getToken: async () => 't',
    });

    const result = await runAgent('what is 2+3?', undefined, { planner, tools, limits, log });

    expect(result.stopped).toBe('planner_error');
    expect(result.answer).toBe('2+3 = 5. (The planner failed; answering from tool results.)');
  });

  it('is the default planner only when AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT are set', () => {
    expect(defaultPlanner(loadConfig({})).name).toBe('deterministic');
    expect(
      defaultPlanner(loadConfig({ AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' })).name,
    ).toBe('deterministic');
    const both = loadConfig({
      AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'gpt',
    });
    expect(defaultPlanner(both).name).toBe('azure-openai');
  });
});
