// The front end of each slot's app host: routing cookie / query (`x-ms-routing-name`), production
// ramp-up rules, the "nothing deployed" placeholder, and the reverse proxy to the slot's process.
import { request } from 'node:http';
import type { Context } from './context.ts';
import { sendText } from './http.ts';
import type { Req, Res } from './http.ts';
import { PRODUCTION } from './model.ts';
import type { Site, Slot } from './model.ts';

const ROUTING = 'x-ms-routing-name';

type RampRule = { name?: string; reroutePercentage?: number };

function cookieValue(req: Req, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k?.toLowerCase() === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * Picks the slot that serves a production request. Ramp-up uses a deterministic accumulator rather
 * than dice so that tests of the split are exact; the chosen slot is pinned with the cookie.
 */
function route(site: Site, slot: Slot, req: Req, url: URL): { serve: Slot; cookie?: string } {
  if (slot.name !== PRODUCTION) return { serve: slot };
  const forced = url.searchParams.get(ROUTING) ?? undefined;
  const pinned = forced ?? cookieValue(req, ROUTING);
  if (pinned) {
    const wanted = pinned.toLowerCase() === 'self' ? slot : site.slots.get(pinned.toLowerCase());
    if (wanted) return { serve: wanted, cookie: forced ? pinned : undefined };
  }
  const rules = (
    (slot.siteConfig.experiments as { rampUpRules?: RampRule[] } | undefined)?.rampUpRules ?? []
  ).filter((r) => r.name && (r.reroutePercentage ?? 0) > 0);
  if (rules.length === 0) return { serve: slot };
  slot.ramp.seen += 1;
  for (const rule of rules) {
    const name = rule.name!.toLowerCase();
    const routed = slot.ramp.routed[name] ?? 0;
    if (Math.floor((slot.ramp.seen * (rule.reroutePercentage ?? 0)) / 100) > routed) {
      slot.ramp.routed[name] = routed + 1;
      const target = site.slots.get(name);
      if (target) return { serve: target, cookie: rule.name! };
    }
  }
  return { serve: slot, cookie: 'self' };
}

const PLACEHOLDER = `<!doctype html><html><head><title>Microsoft Azure App Service - Welcome</title></head>
<body><h1>Hey, App Service developers!</h1><p>Your app service is up and running. Time to take the next step and deploy your code.</p></body></html>`;

export function handleFront(ctx: Context, site: Site, slot: Slot, req: Req, res: Res): void {
  const url = new URL(req.url ?? '/', `https://${req.headers.host ?? '127.0.0.1'}`);
  const { serve, cookie } = route(site, slot, req, url);
  const headers: Record<string, string> = {};
  if (cookie)
    headers['set-cookie'] = `${ROUTING}=${cookie}; Path=/; Max-Age=3600; HttpOnly; Secure`;
  if (!serve.enabled)
    return sendText(res, 403, 'Error 403 - This web app is stopped.', 'text/plain', headers);
  const runtime = serve.runtime;
  if (!runtime.content) {
    req.resume();
    if (url.pathname === '/')
      return sendText(res, 200, PLACEHOLDER, 'text/html; charset=utf-8', headers);
    return sendText(res, 404, 'Not Found', 'text/plain', headers);
  }
  if (runtime.state() === 'frozen') {
    // The process accepts nothing: park the request until the client gives up or we stop.
    const release = (): void => void res.destroy();
    ctx.parked.add(release);
    res.on('close', () => ctx.parked.delete(release));
    return;
  }
  const proxy = async (): Promise<void> => {
    if (runtime.state() === 'starting') await runtime.whenSettled(ctx.timings.startTimeoutMs);
    const port = runtime.port();
    if (port === null) {
      req.resume();
      return sendText(
        res,
        503,
        ':( Application Error - the app is not running.',
        'text/html',
        headers,
      );
    }
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        agent: ctx.agent,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-for': req.socket.remoteAddress ?? '127.0.0.1',
          'x-original-url': req.url ?? '/',
        },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...headers });
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) sendText(res, 502, 'Bad Gateway', 'text/plain', headers);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
  void proxy();
}
