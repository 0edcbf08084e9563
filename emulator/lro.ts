// Long-running operations for swaps: Azure-AsyncOperation + Location + retry hints, and the poll
// answers the SDK and the az CLI expect (never 204 on a poll).
import { randomUUID } from 'node:crypto';
import type { Context } from './context.ts';
import { armError, sendJson, sendText } from './http.ts';
import type { Res } from './http.ts';
import { siteId } from './model.ts';
import type { Site } from './model.ts';
import { isArmFailure } from './slots.ts';

type Operation = {
  id: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  error?: { code: string; message: string };
  startTime: string;
  endTime?: string;
};

const operations = new WeakMap<Context, Map<string, Operation>>();

function opsOf(ctx: Context): Map<string, Operation> {
  let ops = operations.get(ctx);
  if (!ops) operations.set(ctx, (ops = new Map()));
  return ops;
}

/**
 * Poll hints: az honours `retry-after-ms` (else waits 30 s); the SDK reads only `Retry-After`, in whole
 * seconds, so below one second it is left out and the SDK's own `updateIntervalInMs` applies.
 */
function retryHeaders(ctx: Context): Record<string, string> {
  const ms = ctx.timings.lroPollMs;
  return {
    'retry-after-ms': String(ms),
    ...(ms >= 1000 ? { 'Retry-After': String(Math.round(ms / 1000)) } : {}),
  };
}

/** Starts a swap as an LRO; poll answers come from handleOperation. */
export function startSwapOperation(
  ctx: Context,
  site: Site,
  res: Res,
  run: () => Promise<void>,
): void {
  const ops = opsOf(ctx);
  const op: Operation = {
    id: randomUUID(),
    status: 'InProgress',
    startTime: new Date().toISOString(),
  };
  ops.set(op.id, op);
  site.busy = 'SwapSiteSlots';
  run()
    .then(() => {
      op.status = 'Succeeded';
    })
    .catch((err: unknown) => {
      op.status = 'Failed';
      op.error = isArmFailure(err)
        ? { code: err.code, message: err.message }
        : { code: 'InternalServerError', message: String(err) };
      ctx.log(`swap ${site.name} failed: ${op.error.message}`);
    })
    .finally(() => {
      op.endTime = new Date().toISOString();
      site.busy = null;
    });
  const base = `${ctx.baseUrl}${siteId(site)}`;
  sendText(res, 202, '', 'application/json', {
    'Azure-AsyncOperation': `${base}/operations/${op.id}?api-version=2025-05-01`,
    Location: `${base}/operationresults/${op.id}?api-version=2025-05-01`,
    ...retryHeaders(ctx),
  });
}

export function handleOperation(ctx: Context, res: Res, kind: string, id: string): void {
  const op = opsOf(ctx).get(id);
  if (!op) return armError(res, 404, 'NotFound', `Operation '${id}' not found.`);
  const retry = retryHeaders(ctx);
  if (kind === 'operations') {
    // Azure-AsyncOperation status resource: always 200, the body says how it went.
    return sendJson(
      res,
      200,
      {
        id,
        name: id,
        status: op.status,
        startTime: op.startTime,
        endTime: op.endTime,
        error: op.error,
      },
      op.status === 'InProgress' ? retry : {},
    );
  }
  if (op.status === 'InProgress') return sendText(res, 202, '', 'application/json', retry);
  if (op.status === 'Failed') return armError(res, 409, op.error!.code, op.error!.message);
  sendJson(res, 200, {});
}
