// What every route module needs from the running emulator.
import type { Agent } from 'node:http';
import type { FaultBook } from './faults.ts';
import type { Signer } from './jwt.ts';
import type { Site } from './model.ts';
import type { RuntimeTimings } from './runtime.ts';

export type Timings = RuntimeTimings & {
  tokenLifetimeSeconds: number;
  assertionLifetimeSeconds: number;
  /** Bound on swap warm-up (every ping retried until this passes). */
  swapWarmupTimeoutMs: number;
  /** Delay the LRO poll responses ask for (`retry-after-ms`). */
  lroPollMs: number;
};

export type Context = {
  baseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  githubRequestToken: string;
  signer: Signer;
  sites: Site[];
  faults: FaultBook;
  timings: Timings;
  workDir: string;
  agent: Agent;
  log: (line: string) => void;
  /** Requests parked by `hang` faults or frozen slots; ended at stop(). */
  parked: Set<() => void>;
};
