// The action's own speed and memory, each against a reference measured in the same run:
// cold start and peak RSS of the bundle vs bare node, readiness detection lag vs the poll
// schedule, and the budget sampler's throughput vs autocannon on the same endpoint.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Agent, request } from 'undici';
import { sample } from '../src/budget.ts';
import { waitUntilReady } from '../src/health.ts';
import { createHttpClient } from '../src/http.ts';
import { canMeasureRss, maxRssMb, tail, timeProcess } from './lib/process.ts';
import { distEntry, distPostEntry, runnerEnv } from './lib/runner-env.ts';
import { startBareServer, startFlipServer } from './lib/servers.ts';
import { median, percentile, seededRandom } from './lib/stats.ts';
import { compared, type Row } from './lib/table.ts';

export type BenchOptions = { quick?: boolean; signal?: AbortSignal };

type CannonResult = {
  requests: { total: number };
  errors: number;
  non2xx: number;
  timeouts: number;
};
type Autocannon = (opts: {
  url: string;
  connections: number;
  amount: number;
  sampleInt: number;
}) => Promise<CannonResult>;
// autocannon ships no types; this is the part of its programmatic API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const GROUP = 'action';
const WARMUPS = 2;
// Fixed so that two runs draw the same flip offsets and their lags can be compared.
const FLIP_SEED = 20261125;

export async function benchAction(options: BenchOptions = {}): Promise<Row[]> {
  return [
    ...(await coldStart(options)),
    ...(await readinessLag(options)),
    ...(await samplerThroughput(options)),
  ];
}

/**
 * `node dist/index.js` in verify mode against a local service that is ready at once (one
 * /healthz and one /readyz probe, smoke and budget off): module load, input parsing, one real
 * gate, the decision record and the job summary, which is the least a real run does. Bare
 * `node -e 0` is the reference; runs are interleaved so drift hits both alike.
 */
async function coldStart({ quick, signal }: BenchOptions): Promise<Row[]> {
  const runs = quick ? 10 : 15;
  const server = await startFlipServer('bench');
  const work = await mkdtemp(join(tmpdir(), 'bench-action-'));
  try {
    const inputs = {
      mode: 'verify',
      url: server.url,
      'expected-version': 'bench',
      'smoke-path': '',
      'budget-requests': '0',
      'report-path': join(work, 'report.json'),
    };
    const bare: number[] = [];
    const action: number[] = [];
    const load: number[] = [];
    const post: number[] = [];
    for (let i = 0; i < WARMUPS + runs; i++) {
      signal?.throwIfAborted();
      const env = runnerEnv(work, inputs);
      const b = await timeProcess(process.execPath, ['-e', '0']);
      const spawnedAt = Date.now();
      const a = await timeProcess(process.execPath, [distEntry], { env, cwd: work });
      if (a.exitCode !== 0 || !(await readFile(env.GITHUB_OUTPUT!, 'utf8')).includes('passed'))
        throw new Error(
          `dist/index.js (verify) exited ${a.exitCode}:\n${tail(a.stdout + a.stderr)}`,
        );
      // The post step of a job where the release finished: it runs in every job that uses us.
      const p = await timeProcess(process.execPath, [distPostEntry], {
        env: { ...env, 'STATE_pending-swap': '' },
        cwd: work,
      });
      if (p.exitCode !== 0)
        throw new Error(`dist/index.js (post) exited ${p.exitCode}:\n${tail(p.stdout + p.stderr)}`);
      if (i < WARMUPS) continue;
      bare.push(b.wallMs);
      action.push(a.wallMs);
      post.push(p.wallMs);
      const record = JSON.parse(await readFile(inputs['report-path'], 'utf8')) as {
        startedAt: string;
      };
      load.push(Date.parse(record.startedAt) - spawnedAt);
    }
    const note = `verify mode, local service ready at once (1 health + 1 readiness probe, smoke and budget off); ${runs} interleaved runs after ${WARMUPS} warm-ups; p90 ${Math.round(percentile(action, 90))} ms vs ${Math.round(percentile(bare, 90))} ms`;
    const rows = [
      compared(
        {
          group: GROUP,
          name: 'action cold start (median)',
          value: median(action),
          unit: 'ms',
          note,
        },
        { name: 'node -e 0', value: median(bare) },
      ),
      compared(
        {
          group: GROUP,
          name: 'action cold start: spawn → inputs parsed (median)',
          value: median(load),
          unit: 'ms',
          note: `loading the ${(startupBytes() / 1e6).toFixed(1)} MB that verify mode imports (dist/index.js and its static chunks; the Azure modes load later); to the decision record's startedAt (ms resolution)`,
        },
        { name: 'action cold start', value: median(action) },
      ),
      compared(
        {
          group: GROUP,
          name: 'post step, nothing pending (median)',
          value: median(post),
          unit: 'ms',
          note: 'what every job pays after the main step: dist/post.js reads the state and loads no Azure code',
        },
        { name: 'node -e 0', value: median(bare) },
      ),
    ];
    if (!canMeasureRss()) {
      rows.push({
        group: GROUP,
        name: 'action max RSS',
        value: NaN,
        unit: 'MB',
        note: 'not available: /usr/bin/time (GNU time) is missing',
      });
      return rows;
    }
    const rssRuns = quick ? 2 : 3;
    const bareRss: number[] = [];
    const actionRss: number[] = [];
    for (let i = 0; i < rssRuns; i++) {
      signal?.throwIfAborted();
      bareRss.push(await maxRssMb(['-e', '0']));
      actionRss.push(await maxRssMb([distEntry], { env: runnerEnv(work, inputs), cwd: work }));
    }
    rows.push(
      compared(
        {
          group: GROUP,
          name: 'action max RSS (median)',
          value: median(actionRss),
          unit: 'MB',
          note: `peak resident set of the same verify run, GNU time %M, ${rssRuns} runs`,
        },
        { name: 'node -e 0', value: median(bareRss) },
      ),
    );
    return rows;
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The ready gate as the action runs it (`waitUntilReady` with a real keep-alive client), in
 * process against a local service whose /readyz flips to 200 at a seeded random offset after
 * the first poll. Lag = gate passed − flip. Its reference is the poll gap around the flip (the
 * last 503 to the first 200): a lag of about half the gap means the backoff schedule, not our
 * code, decides how fast readiness is seen.
 */
async function readinessLag({ quick, signal }: BenchOptions): Promise<Row[]> {
  const trials = quick ? 5 : 12;
  const random = seededRandom(FLIP_SEED);
  const server = await startFlipServer('bench');
  const lags: number[] = [];
  const gaps: number[] = [];
  const overheads: number[] = [];
  try {
    for (let i = 0; i < trials; i++) {
      signal?.throwIfAborted();
      const offsetMs = 100 + random() * 2900;
      server.hits = [];
      const http = createHttpClient({ timeoutMs: 2000 });
      try {
        const started = performance.now();
        server.flipAt = started + offsetMs;
        await waitUntilReady(http, server.url, {
          healthPath: '/healthz',
          readyPath: '/readyz',
          expectedVersion: 'bench',
          timeoutMs: 15_000,
          requestTimeoutMs: 2000,
          signal,
        });
        const passed = performance.now();
        const firstReady = server.hits.find((h) => h.status === 200);
        const lastNotReady = server.hits.filter((h) => h.status !== 200).at(-1);
        if (!firstReady) throw new Error('the gate passed before /readyz ever answered 200');
        lags.push(passed - server.flipAt);
        gaps.push(firstReady.at - (lastNotReady?.at ?? started));
        overheads.push(passed - firstReady.at);
      } finally {
        await http.close();
      }
    }
  } finally {
    await server.close();
  }
  const note = `${trials} trials, flip 0.1–3 s after the first poll (seed ${FLIP_SEED}); waitUntilReady() + createHttpClient() in process; polls back off from 250 ms ×1.5 with jitter`;
  return [
    compared(
      {
        group: GROUP,
        name: 'action readiness lag (median)',
        value: median(lags),
        unit: 'ms',
        note,
      },
      { name: 'poll gap around the flip (median)', value: median(gaps) },
    ),
    compared(
      { group: GROUP, name: 'action readiness lag (p90)', value: percentile(lags, 90), unit: 'ms' },
      { name: 'poll gap around the flip (p90)', value: percentile(gaps, 90) },
    ),
    compared(
      {
        group: GROUP,
        name: 'action readiness: first 200 → gate passed (median)',
        value: median(overheads),
        unit: 'ms',
        note: 'the part of the lag spent in our code and the wire, not waiting for the next poll',
      },
      { name: 'readiness lag (median)', value: median(lags) },
    ),
  ];
}

/**
 * `sample()` over `createHttpClient()` (the budget gate's sampler) against autocannon at the same
 * request count and concurrency, all driving one bare node:http server in a child process. A
 * plain undici `request()` loop is measured too, to tell what our probe adds (trace headers, a
 * timeout signal per request, the capped body read) from what undici costs. Each run is timed
 * from the call to its end, client set-up included; the order rotates every round.
 */
async function samplerThroughput({ quick, signal }: BenchOptions): Promise<Row[]> {
  const requests = quick ? 2000 : 5000;
  const reps = quick ? 2 : 3;
  const server = await startBareServer();
  const rows: Row[] = [];
  try {
    for (const concurrency of [4, 16]) {
      const clients = {
        ours: async () => {
          const http = createHttpClient({ timeoutMs: 5000 });
          try {
            const started = performance.now();
            const s = await sample(http, {
              url: server.url,
              method: 'GET',
              requests,
              concurrency,
              timeoutMs: 5000,
              signal,
            });
            const seconds = (performance.now() - started) / 1000;
            if (s.errors > 0)
              throw new Error(`sampler: ${s.errors} of ${s.requests} requests failed`);
            return s.requests / seconds;
          } finally {
            await http.close();
          }
        },
        autocannon: async () => {
          const started = performance.now();
          // autocannon notices the end of an `amount` run only at its sampling tick (1 s by
          // default), which would round every run up to a whole second.
          const r = await autocannon({
            url: server.url,
            connections: concurrency,
            amount: requests,
            sampleInt: 5,
          });
          const seconds = (performance.now() - started) / 1000;
          const failed = r.errors + r.non2xx + r.timeouts;
          if (failed > 0) throw new Error(`autocannon: ${failed} of ${requests} requests failed`);
          return r.requests.total / seconds;
        },
        undici: async () => {
          const agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
          try {
            let next = 0;
            let failed = 0;
            const started = performance.now();
            const worker = async () => {
              while (next < requests) {
                next++;
                const res = await request(server.url, { dispatcher: agent });
                await res.body.text();
                if (res.statusCode !== 200) failed++;
              }
            };
            await Promise.all(Array.from({ length: concurrency }, worker));
            const seconds = (performance.now() - started) / 1000;
            if (failed > 0) throw new Error(`undici: ${failed} of ${requests} requests failed`);
            return requests / seconds;
          } finally {
            await agent.close();
          }
        },
      };
      const names = Object.keys(clients) as Array<keyof typeof clients>;
      const rates = { ours: [] as number[], autocannon: [] as number[], undici: [] as number[] };
      // Round 0 warms every client up (JIT, sockets) and is discarded.
      for (let rep = 0; rep <= reps; rep++) {
        for (let k = 0; k < names.length; k++) {
          signal?.throwIfAborted();
          const name = names[(rep + k) % names.length]!;
          const rate = await clients[name]();
          if (rep > 0) rates[name].push(rate);
        }
      }
      const note = `${requests} GETs per run, median of ${reps} after a warm-up, order rotated; bare node:http in a child process`;
      rows.push(
        compared(
          {
            group: GROUP,
            name: `action sampler throughput (c=${concurrency})`,
            value: median(rates.ours),
            unit: 'req/s',
            note: `sample() + createHttpClient(); ${note}; autocannon sampleInt 5 ms`,
          },
          { name: `autocannon (c=${concurrency})`, value: median(rates.autocannon) },
        ),
        compared(
          {
            group: GROUP,
            name: `action sampler vs plain undici (c=${concurrency})`,
            value: median(rates.ours),
            unit: 'req/s',
            note: 'what our probe adds over undici request() + body.text() on the same Agent settings',
          },
          { name: `undici request() loop (c=${concurrency})`, value: median(rates.undici) },
        ),
      );
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** Bytes of dist/index.js plus the chunks it imports statically (what every start parses). */
function startupBytes(): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^import\s[^;]*?from\s*"(\.[^"]+)";?/gm))
      visit(join(dirname(file), m[1]!));
  };
  visit(distEntry);
  return [...seen].reduce((sum, f) => sum + statSync(f).size, 0);
}
