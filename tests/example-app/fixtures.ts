import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from '../../example-app/src/app.ts';
import { loadConfig } from '../../example-app/src/config.ts';
import { createLogger } from '../../example-app/src/logger.ts';
import { startServer } from '../../example-app/src/server.ts';

// Response bodies are checked by expect() at run time; typing every one would only repeat the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type LogLine = Record<string, unknown> & { msg?: string; correlation_id?: string };

export type TestApp = {
  url: string;
  /** Every log line the app wrote, parsed. */
  lines: LogLine[];
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
};

/** The app in-process on 127.0.0.1 and a random port, with its logs captured. */
export async function startTestApp(
  env: Record<string, string> = {},
  deps: Partial<Omit<AppDeps, 'config' | 'log'>> = {},
): Promise<TestApp> {
  const lines: LogLine[] = [];
  const config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const log = createLogger({
    level: 'info',
    version: 'test',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  const server = await startServer({
    version: 'test-1',
    ...deps,
    config,
    log,
    host: '127.0.0.1',
    port: 0,
  });
  const call = async (path: string, init: RequestInit) => {
    const res = await fetch(server.url + path, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as Json, headers: res.headers };
  };
  return {
    url: server.url,
    lines,
    get: (path, headers = {}) => call(path, { headers }),
    post: (path, body, headers = {}) =>
      call(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: server.close,
  };
}

/** A plain HTTP server on 127.0.0.1 (a slow upstream, a fake Azure OpenAI, ...). */
export async function startHttpServer(
  handler: RequestListener,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { server, close } = await startHttpServer(() => undefined);
  const { port } = server.address() as AddressInfo;
  await close();
  return port;
}

/** Polls until check() is true; bounded, so a missing log line fails the test instead of hanging. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
