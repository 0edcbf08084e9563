import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { createToolClient } from '../../../example-app/src/agent/tool-client.ts';
import { createLogger, withCorrelationId } from '../../../example-app/src/logger.ts';
import { mcpRouter } from '../../../example-app/src/mcp/http.ts';
import { buildMcpServer } from '../../../example-app/src/mcp/server.ts';
import { closedPort, startHttpServer } from '../fixtures.ts';

const log = createLogger({ level: 'silent' });

async function startToolServer(allowedHosts: string[]) {
  const seenIds: Array<string | undefined> = [];
  const app = express();
  app.use((req, _res, next) => {
    seenIds.push(req.header('x-correlation-id'));
    next();
  });
  app.use(mcpRouter({ build: () => buildMcpServer(), allowedHosts, maxBodyBytes: 16_384, log }));
  const server = await startHttpServer(app);
  return { ...server, seenIds };
}

const signal = () => AbortSignal.timeout(5000);

describe('createToolClient', () => {
  it('calls tools over Streamable HTTP and forwards the correlation id', async () => {
    const server = await startToolServer(['127.0.0.1']);
    const client = createToolClient(`${server.url}/mcp`, 'test');
    try {
      const outcome = await withCorrelationId('corr-7', () =>
        client.call('calculator', { expression: '2+3' }, signal()),
      );
      expect(outcome).toEqual({ ok: true, data: { expression: '2+3', result: 5 } });
      expect(server.seenIds.length).toBeGreaterThan(0);
      expect(new Set(server.seenIds)).toEqual(new Set(['corr-7']));
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('lists the tools once per connection: later runs reuse the list, requests are not repeated', async () => {
    const server = await startToolServer(['127.0.0.1']);
    const client = createToolClient(`${server.url}/mcp`, 'test');
    try {
      const first = await client.list!(signal());
      expect(first.map((t) => t.name)).toContain('calculator');
      const requests = server.seenIds.length;
      expect(await client.list!(signal())).toBe(first);
      expect(server.seenIds.length).toBe(requests);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reports a tool error as not transient', async () => {
    const server = await startToolServer(['127.0.0.1']);
    const client = createToolClient(`${server.url}/mcp`, 'test');
    try {
      expect(await client.call('calculator', { expression: '1/0' }, signal())).toEqual({
        ok: false,
        error: 'division by zero',
        transient: false,
      });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reports a refused connection as transient (worth a retry)', async () => {
    const client = createToolClient(`http://127.0.0.1:${await closedPort()}/mcp`, 'test');
    const outcome = await client.call('calculator', { expression: '2+3' }, signal());
    expect(outcome).toMatchObject({ ok: false, transient: true });
    await client.close();
  });

  it('reports an HTTP 4xx from the tool server (here 403, Host not allowed) as not transient', async () => {
    const server = await startToolServer(['localhost']);
    const client = createToolClient(`${server.url}/mcp`, 'test');
    try {
      const outcome = await client.call('calculator', { expression: '2+3' }, signal());
      expect(outcome).toMatchObject({ ok: false, transient: false });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('describe() returns the declared contract version and the tools', async () => {
    const server = await startToolServer(['127.0.0.1']);
    const client = createToolClient(`${server.url}/mcp`, 'test');
    try {
      const listing = await client.describe(signal());
      expect(listing.serverVersion).toBe('1.0');
      expect(listing.tools.map((t) => t.name).sort()).toEqual([
        'calculator',
        'http_get',
        'lookup',
        'time_now',
      ]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
