import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { buildMcpServer } from '../../../example-app/src/mcp/server.ts';

describe('buildMcpServer (in memory, no HTTP)', () => {
  const client = new Client({ name: 'test', version: '1' });
  const server = buildMcpServer({ now: () => new Date('2026-06-01T12:00:00Z') });

  beforeAll(async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([client.connect(clientSide), server.connect(serverSide)]);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('declares the tool contract version as its serverInfo version', () => {
    expect(client.getServerVersion()).toEqual({ name: 'example-app-tools', version: '1.0' });
  });

  it('answers tool calls with structured content', async () => {
    const time = await client.callTool({ name: 'time_now', arguments: { timezone: 'Tokyo' } });
    expect(time.structuredContent).toEqual({
      place: 'Tokyo',
      time_zone: 'Asia/Tokyo',
      local: '2026-06-01 21:00:00',
      utc: '2026-06-01T12:00:00.000Z',
    });
    const calc = await client.callTool({
      name: 'calculator',
      arguments: { expression: '(1+2)*3' },
    });
    expect(calc.structuredContent).toEqual({ expression: '(1+2)*3', result: 9 });
  });

  it('returns tool failures as isError results, not protocol errors', async () => {
    const unknownZone = await client.callTool({
      name: 'time_now',
      arguments: { timezone: 'Atlantis' },
    });
    expect(unknownZone).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'unknown time zone or city: Atlantis' }],
    });
    // By default no host is allowed.
    const fetchRefused = await client.callTool({
      name: 'http_get',
      arguments: { url: 'http://127.0.0.1:1/' },
    });
    expect(fetchRefused).toMatchObject({
      isError: true,
      content: [{ text: 'host 127.0.0.1 is not in the allow-list' }],
    });
  });

  it('rejects arguments that do not match the input schema', async () => {
    const res = await client.callTool({ name: 'calculator', arguments: { expression: 42 } });
    expect(res.isError).toBe(true);
  });
});
