// Kudu (SCM site) of one slot: OneDeploy and legacy ZipDeploy, deployment status polling with
// Kudu's integer statuses and `complete` flag, deployment logs, 409 while a deployment runs.
// Accepts ARM bearer tokens and the slot's publishing credentials (Basic).
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { unzipSync } from 'fflate';
import type { Context } from './context.ts';
import { accessTokenProblem } from './entra.ts';
import { basicCredentials, bearerToken, readBody, sendJson, sendText } from './http.ts';
import type { Req, Res } from './http.ts';
import { hostOf } from './model.ts';
import type { Deployment, DeployStatus, Site, Slot } from './model.ts';
import { restartSlot } from './slots.ts';

const STATUS_TEXT: Record<DeployStatus, string> = {
  0: 'Pending',
  1: 'Building',
  2: 'Deploying',
  3: 'Failed',
  4: 'Success',
};

function scmBase(slot: Slot): string {
  return `https://${hostOf(slot.scmPort)}`;
}

function view(site: Site, slot: Slot, d: Deployment, forcePending = false): unknown {
  const url = `${scmBase(slot)}/api/deployments/${d.id}`;
  const { log: _log, ...rest } = d;
  return {
    ...rest,
    status: forcePending && !d.complete ? 0 : d.status,
    status_text: d.status_text,
    author_email: 'N/A',
    author: 'N/A',
    last_success_end_time: slot.deployments.find((x) => x.active)?.end_time ?? null,
    is_temp: false,
    is_readonly: true,
    url,
    log_url: `${url}/log`,
    site_name: slot.name === 'production' ? site.name : `${site.name}__${slot.name}`,
    provisioningState: d.complete ? (d.status === 4 ? 'Succeeded' : 'Failed') : 'InProgress',
  };
}

function logLine(d: Deployment, message: string, type: 0 | 1 | 2 = 0): void {
  d.log.push({ log_time: new Date().toISOString(), id: randomUUID(), message, type });
}

function setStatus(d: Deployment, status: DeployStatus): void {
  d.status = status;
  d.status_text = status === 4 || status === 3 ? '' : STATUS_TEXT[status];
  if (status === 3 || status === 4) {
    d.complete = true;
    d.end_time = new Date().toISOString();
  }
}

async function extract(zip: Buffer, dir: string): Promise<void> {
  const files = unzipSync(new Uint8Array(zip));
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    const rel = normalize(name);
    if (rel.startsWith('..') || rel.startsWith('/')) throw new Error(`unsafe path in zip: ${name}`);
    const full = join(dir, rel);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, data);
  }
  await mkdir(dir, { recursive: true });
}

/** Deployments held in progress by a `never-complete` fault, until faults.clear(). */
const stuck = new WeakSet<Deployment>();

async function runDeployment(ctx: Context, site: Site, slot: Slot, d: Deployment, zip: Buffer) {
  const fault = ctx.faults.takeDeployment(site.name, slot.name);
  setStatus(d, 1);
  d.start_time = new Date().toISOString();
  logLine(d, `Fetching changes. Package size ${zip.length} bytes.`);
  if (fault?.mode === 'never-complete') {
    logLine(d, 'Building…');
    stuck.add(d);
    return;
  }
  const dir = join(ctx.workDir, site.name, slot.name, 'deployments', d.id, 'wwwroot');
  try {
    if (fault?.mode === 'fail') throw new Error('Injected fault: deployment failed.');
    logLine(d, 'Extracting zip package.');
    await extract(zip, dir);
  } catch (err) {
    logLine(d, `Deployment Failed. Error: ${(err as Error).message}`, 2);
    setStatus(d, 3);
    return;
  }
  setStatus(d, 2);
  slot.runtime.content = { deploymentId: d.id, dir };
  for (const other of slot.deployments) other.active = false;
  d.active = true;
  logLine(d, 'Deployment successful. Restarting the site with the new content.');
  setStatus(d, 4);
  // As on Linux App Service, Kudu reports success before the new process serves: the site
  // restarts afterwards, and for a while the slot still answers with the previous build (or
  // not at all). Clients that need the new build must wait for it (azd polls deploymentStatus;
  // slot-release waits for expected-version).
  void restartSlot(ctx, site, slot).catch((err: unknown) =>
    ctx.log(`restart after deployment ${d.id} failed: ${(err as Error).message}`),
  );
}

function authorized(ctx: Context, slot: Slot, req: Req): boolean {
  const basic = basicCredentials(req);
  if (basic)
    return basic.user === slot.publishingUser && basic.password === slot.publishingPassword;
  return accessTokenProblem(ctx, bearerToken(req)) === undefined;
}

async function deploy(
  ctx: Context,
  site: Site,
  slot: Slot,
  req: Req,
  res: Res,
  url: URL,
  kind: 'OneDeploy' | 'ZipDeploy',
) {
  const q = url.searchParams;
  const type = q.get('type');
  if (kind === 'OneDeploy' && !type) {
    req.resume();
    return sendText(res, 400, "Parameter 'type' is required.");
  }
  if (kind === 'OneDeploy' && type !== 'zip') {
    req.resume();
    return sendText(res, 400, `Artifact type = '${type}' not supported by the emulator.`);
  }
  const zip = await readBody(req);
  if (slot.deployments.some((d) => !d.complete)) {
    return sendText(
      res,
      409,
      'There is a deployment currently in progress. Please try again when it completes.',
    );
  }
  const isAsync = (q.get('async') ?? q.get('isAsync') ?? '').toLowerCase() === 'true';
  const now = new Date().toISOString();
  const d: Deployment = {
    id: randomUUID(),
    status: 0,
    status_text: 'Receiving changes.',
    deployer: q.get('deployer') ?? kind,
    message: q.get('message') ?? `${kind} via emulator`,
    progress: '',
    received_time: now,
    start_time: now,
    end_time: null,
    complete: false,
    active: false,
    log: [],
  };
  logLine(d, 'Received deployment request.');
  slot.deployments.unshift(d);
  const stamp = now.replace(/[:.]/g, '-');
  const headers = {
    'SCM-DEPLOYMENT-ID': d.id,
    Location: `${scmBase(slot)}/api/deployments/latest?deployer=${encodeURIComponent(d.deployer)}&time=${stamp}`,
  };
  const work = runDeployment(ctx, site, slot, d, zip).catch((err: Error) => {
    logLine(d, `Deployment Failed. Error: ${err.message}`, 2);
    setStatus(d, 3);
  });
  if (isAsync) return sendJson(res, 202, view(site, slot, d), headers);
  await work;
  if (d.status === 3)
    return sendText(res, 400, d.log.at(-1)?.message ?? 'Deployment failed.', 'text/plain', headers);
  sendJson(res, 200, view(site, slot, d), headers);
}

export async function handleKudu(
  ctx: Context,
  site: Site,
  slot: Slot,
  req: Req,
  res: Res,
): Promise<void> {
  const url = new URL(req.url ?? '/', scmBase(slot));
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  const method = req.method ?? 'GET';
  if (!authorized(ctx, slot, req)) {
    req.resume();
    return sendText(res, 401, 'Unauthorized', 'text/plain', {
      'WWW-Authenticate': 'Basic realm="site"',
    });
  }
  if ((path === '/api/publish' || path === '/publish') && (method === 'POST' || method === 'PUT')) {
    return deploy(ctx, site, slot, req, res, url, 'OneDeploy');
  }
  if ((path === '/api/zipdeploy' || path === '/zipdeploy') && method === 'POST') {
    return deploy(ctx, site, slot, req, res, url, 'ZipDeploy');
  }
  req.resume();
  if (method !== 'GET') return sendText(res, 405, 'Method not allowed');
  if (path === '/api/settings') {
    const settings = Object.fromEntries(Object.keys(slot.appSettings).map((k) => [k, '']));
    return sendJson(res, 200, { ...settings, SCM_EMULATOR: 'true' });
  }
  if (path === '/api/deployments' || path === '/deployments') {
    return sendJson(
      res,
      200,
      slot.deployments.map((d) => view(site, slot, d)),
    );
  }
  if (path === '/api/deployments/latest' || path === '/deployments/latest') {
    const running = slot.deployments.find((d) => !d.complete);
    if (running) {
      return sendJson(res, 202, view(site, slot, running, true), {
        Location: url.toString(),
        'retry-after-ms': String(ctx.timings.lroPollMs),
      });
    }
    const latest = slot.deployments[0];
    if (!latest) return sendText(res, 404, 'Not Found');
    return sendJson(res, 200, view(site, slot, latest));
  }
  const m = /^\/(?:api\/)?deployments\/([^/]+)(\/log)?$/.exec(path);
  if (m) {
    const d = slot.deployments.find((x) => x.id.toLowerCase() === m[1]);
    if (!d) return sendText(res, 404, 'Not Found');
    if (m[2])
      return sendJson(
        res,
        200,
        d.log.map((e) => ({ ...e, details_url: null })),
      );
    return sendJson(res, 200, view(site, slot, d));
  }
  sendText(res, 404, 'Not Found');
}

/** Marks never-completing deployments as failed (faults.clear()). */
export function releaseStuckDeployments(ctx: Context): void {
  for (const site of ctx.sites) {
    for (const slot of site.slots.values()) {
      for (const d of slot.deployments) {
        if (!d.complete && stuck.delete(d)) {
          logLine(d, 'Deployment abandoned (fault cleared).', 2);
          setStatus(d, 3);
        }
      }
    }
  }
}
