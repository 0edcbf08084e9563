import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import express, { type Router } from 'express';
import { rebindCorrelation } from '../http/correlation.ts';
import type { Logger } from '../logger.ts';

const methodNotAllowed = {
  jsonrpc: '2.0',
  error: { code: -32000, message: 'Method not allowed: this server is stateless, POST only.' },
  id: null,
};

/**
 * Serves MCP over Streamable HTTP at /mcp, stateless: each POST gets its own server and transport,
 * so any instance behind the load balancer can answer any call. Host validation stops DNS
 * rebinding and, with the loopback-only default, keeps the tools off the public host name.
 */
export function mcpRouter(opts: {
  build: () => McpServer;
  allowedHosts: string[];
  maxBodyBytes: number;
  log: Logger;
}): Router {
  const router = express.Router();
  router.post(
    '/mcp',
    hostHeaderValidation(opts.allowedHosts),
    express.json({ limit: opts.maxBodyBytes }),
    rebindCorrelation,
    async (req, res) => {
      const server = opts.build();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(req, res, req.body);
      } catch (err) {
        opts.log.error({ err }, 'mcp request failed');
        if (!res.headersSent) {
          res.status(500).json({
            jsonrpc: '2.0',
            error: { code: -32603, message: 'Internal server error' },
            id: null,
          });
        }
      }
    },
  );
  router.all('/mcp', (_req, res) => {
    res.status(405).set('allow', 'POST').json(methodNotAllowed);
  });
  return router;
}
