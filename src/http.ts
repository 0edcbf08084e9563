import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { redact } from './secrets.ts';

/** One HTTP exchange as the gates see it: never throws; a network failure is status 0. */
export interface Probe {
  url: string;
  method: string;
  status: number;
  ok: boolean;
  elapsedMs: number;
  body: string;
  /** Network error or timeout, when status is 0. */
  error?: string;
  /** The request was cut at its timeout (rather than refused or reset). */
  timedOut?: boolean;
  correlationId: string;
}

export interface HttpClient {
  probe(url: string, options?: ProbeOptions): Promise<Probe>;
  close(): Promise<void>;
}

export interface ProbeOptions {
  method?: 'GET' | 'POST';
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const MAX_BODY_BYTES = 256 * 1024;

/**
 * A keep-alive client for the gates. Every request carries an `x-correlation-id` and a W3C
 * `traceparent` under one trace id per run, so the app's logs can be joined with the report.
 */
export function createHttpClient(options: {
  headers?: Record<string, string>;
  timeoutMs: number;
  traceId?: string;
  connections?: number;
  /** Extra CA (PEM) to trust, from a custom cloud file. */
  ca?: string;
}): HttpClient {
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connections: options.connections ?? 64,
    ...(options.ca ? { connect: { ca: options.ca } } : {}),
  });
  const traceId = options.traceId ?? randomBytes(16).toString('hex');
  // Span ids only need to be unique within the trace: a random prefix and a counter are, and
  // cost nothing per request (the budget sampler sends thousands).
  const spanPrefix = randomBytes(4).toString('hex');
  let sequence = 0;

  async function probe(url: string, opts: ProbeOptions = {}): Promise<Probe> {
    const method = opts.method ?? 'GET';
    const n = ++sequence;
    const spanId = spanPrefix + n.toString(16).padStart(8, '0');
    const correlationId = `slot-release-${traceId.slice(0, 12)}-${n}`;
    const timeoutMs = opts.timeoutMs ?? options.timeoutMs;
    // A precise deadline per request: undici's own headers/body timeouts tick coarsely (about
    // a second), which would let a 300 ms request-timeout run for a second.
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const started = performance.now();
    try {
      const res = await request(url, {
        method,
        dispatcher: agent,
        signal,
        headers: {
          'user-agent': 'slot-release',
          accept: 'application/json, */*',
          ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
          'x-correlation-id': correlationId,
          traceparent: `00-${traceId}-${spanId}-01`,
        },
        body: opts.body,
      });
      const length = Number(res.headers['content-length']);
      const body = length < MAX_BODY_BYTES ? await res.body.text() : await readCapped(res.body);
      const elapsedMs = performance.now() - started;
      return {
        url,
        method,
        status: res.statusCode,
        ok: res.statusCode >= 200 && res.statusCode < 300,
        elapsedMs,
        body,
        correlationId,
      };
    } catch (error) {
      const elapsedMs = performance.now() - started;
      const reason = timeout.aborted
        ? `no answer within ${timeoutMs}ms`
        : describeNetworkError(error);
      return {
        url,
        method,
        status: 0,
        ok: false,
        elapsedMs,
        body: '',
        error: reason,
        ...(timeout.aborted ? { timedOut: true } : {}),
        correlationId,
      };
    }
  }

  return { probe, close: () => agent.close() };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(error: unknown): string {
  const e = error as {
    code?: string;
    cause?: { code?: string; message?: string };
    message?: string;
  };
  const code = e.cause?.code ?? e.code;
  const message = e.cause?.message ?? e.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

/** A short, redacted, single-line excerpt of a body for logs, summaries and reports. */
export function excerpt(body: string, max = 200): string {
  const flat = redact(body).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** `503 {"ready":false}` or `ECONNREFUSED: …`: what one probe saw, for a reason line. */
export function describeProbe(p: Probe): string {
  if (p.status === 0) return p.error ?? 'no answer';
  const text = excerpt(p.body);
  return text ? `${p.status} ${text}` : `${p.status}`;
}
