// Kudu (SCM site) data plane: OneDeploy a zip to a slot and wait for it, bounded; tell whether a
// deployment is already running. Bearer tokens come fresh from the credential on every request
// and are never logged. Wire facts: azure-api.md §3.
import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { Agent, request, type Dispatcher } from 'undici';
import type { Backoff } from '../backoff.ts';
import { realClock, type Clock } from '../clock.ts';
import { SlotReleaseError, describeError } from '../errors.ts';
import { formatDuration } from '../duration.ts';
import { pollUntil } from '../poll.ts';
import { retry } from '../retry.ts';

/** Kudu's DeployStatus, serialised as integers (azure-api.md §3.4). */
export const DeployStatus = [
  'Pending',
  'Building',
  'Deploying',
  'Failed',
  'Success',
  'Complete',
] as const;

export interface KuduOptions {
  /** `https://<scm host>` of the slot. */
  scmUrl: string;
  credential: TokenCredential;
  /** Token scope; the ARM scope works for Kudu (`cloud.tokenScope`). */
  scope: string;
  /** Slot name, for messages only. */
  slot?: string;
  signal?: AbortSignal;
  /** Extra CA (PEM) to trust (the emulator's); ignored when `dispatcher` is given. */
  ca?: string;
  /** For tests or connection sharing: the undici dispatcher to use. */
  dispatcher?: Dispatcher;
}

export interface DeployZipOptions extends KuduOptions {
  /** The package: bytes, or the path of a zip file. */
  zip: Buffer | string;
  /** Longest wait for the deployment to complete, upload included. */
  timeoutMs: number;
  onProgress?: (progress: { elapsedMs: number; status: string }) => void;
  /** How often onProgress fires while waiting; default 10 s. */
  progressEveryMs?: number;
  clock?: Clock;
  /** Delay between status polls; default 1 s growing to 5 s. */
  pollBackoff?: Backoff;
  /** Budget for 429/5xx/network failures of each request: attempts and backoff. */
  retry?: { attempts: number; backoff?: Backoff };
}

export interface DeployZipResult {
  deploymentId: string;
  durationMs: number;
  log?: string[];
}

export interface RunningDeployment {
  id: string;
  status: string;
}

interface KuduResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A response worth retrying (429, 5xx); internal to this module. */
class RetryableResponse extends Error {
  readonly response: KuduResponse;
  constructor(response: KuduResponse) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
}

const defaultRetryBackoff: Backoff = { initialMs: 1000, maxMs: 10_000, factor: 2 };
const defaultPollBackoff: Backoff = { initialMs: 1000, maxMs: 5000, factor: 1.5 };
const transportCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function header(response: KuduResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in ms (seconds or HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

function isTransportError(error: unknown): boolean {
  const record = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = record?.code ?? record?.cause?.code;
  return typeof code === 'string' && transportCodes.has(code);
}

/** Short, single-line text of a Kudu error body (it may be JSON, text or HTML). */
function bodyMessage(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const json = JSON.parse(trimmed) as unknown;
    if (typeof json === 'string') return json.slice(0, 300);
    const record = (typeof json === 'object' && json !== null ? json : {}) as Record<
      string,
      unknown
    >;
    const message = record.Message ?? record.message ?? record.error;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON
  }
  if (trimmed.startsWith('<')) return '';
  return trimmed.replace(/\s+/g, ' ').slice(0, 300);
}

function statusName(status: unknown): string {
  return typeof status === 'number' ? (DeployStatus[status] ?? `status ${status}`) : 'unknown';
}

interface DeployResultBody {
  id?: unknown;
  status?: unknown;
  status_text?: unknown;
  complete?: unknown;
  log_url?: unknown;
}

function parseDeployResult(text: string): DeployResultBody | undefined {
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null ? (json as DeployResultBody) : undefined;
  } catch {
    return undefined;
  }
}

/** One Kudu client bound to a slot's SCM site; the caller closes it. */
function createKuduClient(options: KuduOptions, clock: Clock) {
  const base = options.scmUrl.replace(/\/+$/, '');
  const ownDispatcher = options.dispatcher
    ? undefined
    : new Agent({
        keepAliveTimeout: 30_000,
        ...(options.ca && { connect: { ca: options.ca } }),
      });
  const dispatcher = options.dispatcher ?? (ownDispatcher as Dispatcher);
  const slotLabel = options.slot ? `slot ${options.slot}` : base;

  async function token(): Promise<string> {
    const accessToken = await options.credential.getToken(options.scope, {
      ...(options.signal && { abortSignal: options.signal }),
    });
    if (!accessToken) {
      throw new SlotReleaseError('The credential returned no token for Kudu.', {
        hint: 'Check the auth input and the login step.',
      });
    }
    return accessToken.token;
  }

  /** One request; never throws for an HTTP status. `timeoutMs` bounds this request. */
  async function send(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    timeoutMs: number,
    init: { body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<KuduResponse> {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
    const timeout = AbortSignal.timeout(Math.max(1000, timeoutMs));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await request(url, {
      method,
      dispatcher,
      signal,
      headers: {
        authorization: `Bearer ${await token()}`,
        accept: 'application/json',
        'user-agent': 'slot-release',
        ...init.headers,
      },
      ...(init.body && { body: init.body }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  }

  /** `send` with the retry budget for 429/5xx and network errors, honouring Retry-After. */
  async function sendWithRetry(
    method: 'GET' | 'POST',
    path: string,
    deadline: number,
    attempts: number,
    backoff: Backoff,
    init?: { body?: Buffer; headers?: Record<string, string> },
  ): Promise<KuduResponse> {
    try {
      return await retry(
        async () => {
          const response = await send(method, path, deadline - clock.now(), init);
          if (isRetryableStatus(response.status)) throw new RetryableResponse(response);
          return response;
        },
        {
          attempts,
          backoff,
          clock,
          ...(options.signal && { signal: options.signal }),
          shouldRetry: (error) => {
            const remaining = deadline - clock.now();
            if (error instanceof RetryableResponse) {
              const wait = retryAfterMs(header(error.response, 'retry-after'), clock.now());
              if (wait !== undefined) return wait < remaining ? Math.min(wait, 60_000) : false;
              return remaining > 0;
            }
            return isTransportError(error) && remaining > 0;
          },
        },
      );
    } catch (error) {
      if (error instanceof RetryableResponse) return error.response;
      throw error;
    }
  }

  function unreachable(error: unknown, what: string): SlotReleaseError {
    if (error instanceof SlotReleaseError) return error;
    return new SlotReleaseError(
      `Could not reach Kudu at ${base} to ${what}: ${describeError(error)}`,
      {
        cause: error,
        hint: 'Check that the SCM site is reachable from the runner (access restrictions, private endpoints) and re-run.',
      },
    );
  }

  function httpError(response: KuduResponse, what: string): SlotReleaseError {
    const detail = bodyMessage(response.text);
    const message = `Kudu at ${base} could not ${what} (HTTP ${response.status})${detail ? `: ${detail}` : ''}`;
    switch (response.status) {
      case 401:
      case 403:
        return new SlotReleaseError(message, {
          hint: 'The identity needs the publish permission on the slot (Microsoft.Web/sites/slots/publish/action, e.g. Website Contributor); SCM access restrictions may also block the runner.',
        });
      case 404:
        return new SlotReleaseError(message, {
          hint: 'The SCM site did not know this endpoint: check that the slot exists and is a Linux or Windows web app with Kudu enabled.',
        });
      case 429:
        return new SlotReleaseError(message, {
          hint: 'Kudu throttled the requests: re-run later.',
        });
      default:
        return new SlotReleaseError(message, {
          hint:
            response.status >= 500
              ? 'Kudu kept failing within the retry budget: re-run; if it persists, restart the slot.'
              : undefined,
        });
    }
  }

  /** The last lines of a deployment's log, with the details of its last entries; best effort. */
  async function tail(logUrl: string, deadline: number, lines = 20): Promise<string[]> {
    try {
      const response = await send('GET', logUrl, Math.min(15_000, deadline - clock.now()));
      if (response.status !== 200) return [];
      const entries = JSON.parse(response.text) as Array<{
        message?: unknown;
        details_url?: unknown;
      }>;
      if (!Array.isArray(entries)) return [];
      const out: string[] = [];
      for (const entry of entries) {
        if (typeof entry.message === 'string') out.push(entry.message);
      }
      for (const entry of entries.slice(-3)) {
        if (typeof entry.details_url !== 'string' || !entry.details_url) continue;
        const details = await send('GET', entry.details_url, 10_000);
        if (details.status !== 200) continue;
        const nested = JSON.parse(details.text) as Array<{ message?: unknown }>;
        if (!Array.isArray(nested)) continue;
        for (const item of nested) if (typeof item.message === 'string') out.push(item.message);
      }
      return out
        .flatMap((line) => line.split(/\r?\n/))
        .filter((l) => l.trim())
        .slice(-lines);
    } catch {
      return [];
    }
  }

  async function close(): Promise<void> {
    await ownDispatcher?.close();
  }

  return { base, slotLabel, send, sendWithRetry, unreachable, httpError, tail, close };
}

/**
 * Deploys a zip with OneDeploy (`POST /api/publish?type=zip&async=true`) and waits, bounded by
 * `timeoutMs`, until Kudu reports the deployment complete.
 */
export async function deployZip(options: DeployZipOptions): Promise<DeployZipResult> {
  const clock = options.clock ?? realClock;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const attempts = options.retry?.attempts ?? 5;
  const retryBackoff = options.retry?.backoff ?? defaultRetryBackoff;

  let zip: Buffer;
  if (typeof options.zip === 'string') {
    try {
      zip = await readFile(options.zip);
    } catch (error) {
      throw new SlotReleaseError(`Cannot read the package ${options.zip}.`, {
        cause: error,
        hint: 'Check the package input: it must be the path of a zip built earlier in the job.',
      });
    }
  } else {
    zip = options.zip;
  }

  const kudu = createKuduClient(options, clock);
  const { slotLabel } = kudu;
  try {
    // Upload
    let posted: KuduResponse;
    try {
      posted = await kudu.sendWithRetry(
        'POST',
        '/api/publish?type=zip&async=true&deployer=slot-release',
        deadline,
        attempts,
        retryBackoff,
        { body: zip, headers: { 'content-type': 'application/octet-stream' } },
      );
    } catch (error) {
      if (clock.now() >= deadline || options.signal?.aborted) {
        throw timeoutError(options, slotLabel, kudu.base, 'uploading the package', error);
      }
      throw kudu.unreachable(error, 'upload the package');
    }
    if (posted.status === 409) {
      const detail = bodyMessage(posted.text);
      throw new SlotReleaseError(
        `a deployment is already running on ${slotLabel}${detail ? ` (Kudu: ${detail})` : ''}.`,
        {
          hint: `Wait for it to finish or cancel it (see ${kudu.base}/api/deployments/latest), then re-run. If WEBSITE_RUN_FROM_PACKAGE is set to a URL, remove it: push deployments are refused then.`,
        },
      );
    }
    if (posted.status !== 200 && posted.status !== 202) {
      throw kudu.httpError(posted, `accept the package for ${slotLabel}`);
    }
    const headerId = header(posted, 'scm-deployment-id');
    const location = header(posted, 'location');
    const pollPath = headerId
      ? `/api/deployments/${encodeURIComponent(headerId)}`
      : (location ?? '/api/deployments/latest');

    // Wait
    let last: DeployResultBody | undefined;
    const result = await pollUntil<DeployResultBody>(
      async (remaining) => {
        let response: KuduResponse;
        try {
          response = await kudu.send('GET', pollPath, remaining);
        } catch (error) {
          if (error instanceof SlotReleaseError) throw error;
          return { done: false, reason: `status request failed: ${describeError(error)}` };
        }
        if (response.status === 401 || response.status === 403) {
          throw kudu.httpError(response, `report the deployment status of ${slotLabel}`);
        }
        if (response.status === 404) return { done: false, reason: 'deployment not visible yet' };
        if (response.status !== 200 && response.status !== 202) {
          const wait = retryAfterMs(header(response, 'retry-after'), clock.now());
          return {
            done: false,
            reason: `HTTP ${response.status}`,
            ...(wait !== undefined && wait > 0 && { retryAfterMs: Math.min(wait, 30_000) }),
          };
        }
        const body = parseDeployResult(response.text);
        if (!body) return { done: false, reason: 'unreadable status' };
        last = body;
        const status = body.status;
        if (status === 3) return { done: true, value: body };
        if ((status === 4 || status === 5) && response.status === 200 && body.complete !== false) {
          return { done: true, value: body };
        }
        const text =
          typeof body.status_text === 'string' && body.status_text ? `: ${body.status_text}` : '';
        return { done: false, reason: `${statusName(status)}${text}` };
      },
      {
        deadline,
        backoff: options.pollBackoff ?? defaultPollBackoff,
        clock,
        progressEveryMs: options.progressEveryMs ?? 10_000,
        ...(options.signal && { signal: options.signal }),
        ...(options.onProgress && {
          onProgress: (elapsedMs: number, reason: string) =>
            options.onProgress?.({ elapsedMs: clock.now() - started, status: reason }),
        }),
      },
    );
    if (!result.ok) {
      throw timeoutError(options, slotLabel, kudu.base, `waiting (last status: ${result.reason})`);
    }
    const body = result.value;
    const deploymentId =
      (typeof body.id === 'string' && body.id) ||
      headerId ||
      (typeof last?.id === 'string' ? last.id : '') ||
      'latest';
    if (body.status === 3) {
      const logUrl =
        typeof body.log_url === 'string' && body.log_url
          ? body.log_url
          : `/api/deployments/${encodeURIComponent(deploymentId)}/log`;
      const log = await kudu.tail(logUrl, deadline + 15_000);
      const text =
        typeof body.status_text === 'string' && body.status_text ? ` (${body.status_text})` : '';
      throw new SlotReleaseError(
        `Deployment ${deploymentId} to ${slotLabel} failed${text}.` +
          (log.length > 0
            ? `\nLast lines of the deployment log:\n${log.map((l) => `  ${l}`).join('\n')}`
            : ''),
        {
          hint: `Fix the error in the deployment log (full log: ${kudu.base}/api/deployments/${deploymentId}/log); production was not changed.`,
        },
      );
    }
    return { deploymentId, durationMs: clock.now() - started };
  } finally {
    await kudu.close();
  }
}

function timeoutError(
  options: DeployZipOptions,
  slotLabel: string,
  base: string,
  phase: string,
  cause?: unknown,
): SlotReleaseError {
  if (options.signal?.aborted) {
    return new SlotReleaseError(`The deployment to ${slotLabel} was cancelled while ${phase}.`, {
      cause,
    });
  }
  return new SlotReleaseError(
    `The deployment to ${slotLabel} did not complete within ${formatDuration(options.timeoutMs)} (deploy-timeout), ${phase}.`,
    {
      cause,
      hint: `It may still be running in Kudu: check ${base}/api/deployments/latest (or Deployment Center) before re-running; raise deploy-timeout if builds are slow.`,
    },
  );
}

/**
 * The deployment Kudu is running now on the slot, or null when none is. The release refuses to
 * start while one runs (it would answer 409, or worse, race the swap).
 */
export async function getRunningDeployment(
  options: KuduOptions & { timeoutMs?: number; clock?: Clock },
): Promise<RunningDeployment | null> {
  const clock = options.clock ?? realClock;
  const kudu = createKuduClient(options, clock);
  try {
    const deadline = clock.now() + (options.timeoutMs ?? 30_000);
    let response: KuduResponse;
    try {
      response = await kudu.sendWithRetry(
        'GET',
        '/api/deployments/latest',
        deadline,
        3,
        defaultRetryBackoff,
      );
    } catch (error) {
      throw kudu.unreachable(error, 'read the latest deployment');
    }
    if (response.status === 404 || response.status === 204) return null;
    if (response.status !== 200 && response.status !== 202) {
      throw kudu.httpError(response, `read the latest deployment of ${kudu.slotLabel}`);
    }
    const body = parseDeployResult(response.text);
    if (!body) return null;
    const running =
      body.complete === false ||
      (response.status === 202 && body.status !== 3 && body.status !== 4 && body.status !== 5);
    if (!running) return null;
    return {
      id: typeof body.id === 'string' ? body.id : 'latest',
      status: statusName(body.status),
    };
  } finally {
    await kudu.close();
  }
}
