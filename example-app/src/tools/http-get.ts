export type HttpGetOptions = {
  /** Lower-case host names (optionally host:port) the tool may call. */
  allowedHosts: string[];
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
};

export type HttpGetResult = {
  url: string;
  status: number;
  content_type: string;
  bytes: number;
  truncated: boolean;
  body: string;
};

/** Why a URL is refused, or undefined when it may be fetched. */
export function refuseUrl(raw: string, allowedHosts: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${raw}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `scheme ${url.protocol} is not allowed`;
  if (url.username || url.password) return 'URLs with credentials are not allowed';
  const host = url.hostname.toLowerCase();
  if (!allowedHosts.includes(host) && !allowedHosts.includes(url.host.toLowerCase())) {
    return `host ${host} is not in the allow-list`;
  }
  return undefined;
}

/**
 * GET limited to allow-listed hosts. Redirects are not followed, because the next hop could be a
 * host outside the list; the answer reports the 3xx instead.
 */
export async function httpGet(raw: string, opts: HttpGetOptions): Promise<HttpGetResult> {
  const refusal = refuseUrl(raw, opts.allowedHosts);
  if (refusal) throw new Error(refusal);
  const signal = opts.signal
    ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)])
    : AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(raw, { redirect: 'manual', signal, headers: { accept: '*/*' } });
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  if (res.body) {
    for await (const chunk of res.body) {
      const c = chunk as Uint8Array;
      const room = opts.maxBytes - bytes;
      if (c.byteLength > room) {
        chunks.push(c.subarray(0, room));
        bytes += room;
        truncated = true;
        break;
      }
      chunks.push(c);
      bytes += c.byteLength;
    }
  }
  return {
    url: raw,
    status: res.status,
    content_type: res.headers.get('content-type') ?? '',
    bytes,
    truncated,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
