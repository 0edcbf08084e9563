import { describe, expect, it } from '@jest/globals';
import {
  checkToolContract,
  ToolContract,
  type ListedTool,
} from '../../../example-app/src/mcp/contract.ts';

const listed = (): ListedTool[] =>
  Object.entries(ToolContract.tools).map(([name, params]) => ({
    name,
    inputSchema: {
      properties: Object.fromEntries(Object.entries(params).map(([p, type]) => [p, { type }])),
      required: Object.keys(params),
    },
  }));

describe('checkToolContract', () => {
  it('accepts the contract as declared', () => {
    expect(checkToolContract(ToolContract.version, listed())).toEqual({ ok: true });
  });

  it('accepts extra tools and extra optional parameters', () => {
    const tools = listed();
    tools.push({ name: 'extra', inputSchema: {} });
    tools[0]!.inputSchema.properties!.verbose = { type: 'boolean' };
    expect(checkToolContract(ToolContract.version, tools)).toEqual({ ok: true });
  });

  it('rejects a new required parameter the agent does not send', () => {
    const tools = listed();
    tools[1]!.inputSchema.required!.push('precision');
    expect(checkToolContract(ToolContract.version, tools)).toEqual({
      ok: false,
      reason: 'tool schema drift: calculator requires precision, which the agent does not send',
    });
  });

  it('rejects a parameter whose type changed', () => {
    const tools = listed();
    tools[3]!.inputSchema.properties!.url = { type: 'object' };
    expect(checkToolContract(ToolContract.version, tools)).toEqual({
      ok: false,
      reason: 'tool schema drift: http_get.url is object, expected string',
    });
  });

  it('rejects a server that declares no version', () => {
    expect(checkToolContract(undefined, listed())).toMatchObject({
      ok: false,
      reason: expect.stringContaining('declares none'),
    });
  });
});
