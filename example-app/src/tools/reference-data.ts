/** City → IANA time zone, so "time in Tokyo" works without an IANA name. */
export const CityTimeZones: Readonly<Record<string, string>> = {
  amsterdam: 'Europe/Amsterdam',
  auckland: 'Pacific/Auckland',
  bangalore: 'Asia/Kolkata',
  berlin: 'Europe/Berlin',
  chicago: 'America/Chicago',
  dubai: 'Asia/Dubai',
  dublin: 'Europe/Dublin',
  'hong kong': 'Asia/Hong_Kong',
  johannesburg: 'Africa/Johannesburg',
  london: 'Europe/London',
  'los angeles': 'America/Los_Angeles',
  madrid: 'Europe/Madrid',
  mumbai: 'Asia/Kolkata',
  'new york': 'America/New_York',
  paris: 'Europe/Paris',
  redmond: 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  'sao paulo': 'America/Sao_Paulo',
  seoul: 'Asia/Seoul',
  singapore: 'Asia/Singapore',
  stockholm: 'Europe/Stockholm',
  sydney: 'Australia/Sydney',
  tokyo: 'Asia/Tokyo',
  toronto: 'America/Toronto',
  utc: 'UTC',
  zurich: 'Europe/Zurich',
};

/** The lookup tool's reference data: release terms this app's users ask about. */
const Glossary: Readonly<Record<string, string>> = {
  'deployment slot':
    'A live copy of an App Service app with its own host name; a new build is deployed and warmed there before it takes production traffic.',
  swap: 'Exchanging the content and swappable settings of two slots; production stays online while the source slot is prepared.',
  'swap with preview':
    'A swap paused after the target slot settings are applied to the source, so the build can be checked with production settings before completing or resetting.',
  'sticky setting':
    'An app setting or connection string marked as a deployment slot setting: it stays with its slot during a swap.',
  rollback: 'Swapping back, so the previous build serves production again.',
  'health check':
    'A path App Service pings on every instance each minute; instances failing it are taken out of the load balancer.',
  readiness:
    'Whether the app can take traffic now: its dependencies answer and their contracts match.',
  liveness: 'Whether the process is up; it says nothing about its dependencies.',
  'error budget': 'The share of failing requests a release may cause before it is stopped.',
  p99: 'The latency under which 99% of requests complete.',
  mcp: 'Model Context Protocol: a JSON-RPC protocol through which an agent lists and calls tools on a tool server.',
  'correlation id':
    'An id carried by every log line and downstream call of one request, taken from x-correlation-id or traceparent.',
};

/** Finds a glossary entry by exact name, plural, or containment. */
export function lookupTerm(term: string): { term: string; definition: string } | undefined {
  const key = term
    .toLowerCase()
    .replace(/[?.!"']/g, '')
    .replace(/^(an?|the)\s+/, '')
    .trim();
  const candidates = [key, key.replace(/s$/, ''), key.replace(/-/g, ' ')];
  for (const c of candidates) {
    const definition = Glossary[c];
    if (definition) return { term: c, definition };
  }
  const partial = Object.keys(Glossary).find(
    (k) => key.includes(k) || (key.length > 3 && k.includes(key)),
  );
  return partial ? { term: partial, definition: Glossary[partial] ?? '' } : undefined;
}
