import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppDeps } from './app.ts';

export type RunningServer = { url: string; port: number; close(): Promise<void> };

/** Creates the app and listens; the handle closes the server, open connections and the tool client. */
export async function startServer(
  deps: AppDeps & { port?: number; host?: string },
): Promise<RunningServer> {
  const { app, close } = createApp(deps);
  const server = createServer(app);
  server.listen({ port: deps.port ?? deps.config.port, host: deps.host });
  await once(server, 'listening');
  // Longer than the Azure front end's keep-alive, so it never reuses a socket that we just closed.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${deps.host ?? '127.0.0.1'}:${port}`,
    port,
    // Graceful: App Service recycles a slot's process on every swap and settings change, so
    // agent runs in flight get until their own deadline to answer before connections are cut.
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection that finishes its request stays open; sweep it as it idles.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(
        () => server.closeAllConnections(),
        deps.config.agent.deadlineMs + 2000,
      );
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
      clearTimeout(cut);
      await close();
    },
  };
}
