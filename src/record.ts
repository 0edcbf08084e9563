import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Mode } from './inputs.ts';
import { redact } from './secrets.ts';

export type Result = 'passed' | 'promoted' | 'rolled-back' | 'blocked' | 'failed' | 'cleaned';
export type StageStatus = 'passed' | 'warned' | 'failed' | 'skipped';

export interface StageRecord {
  name: string;
  status: StageStatus;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  summary: string;
  evidence: Record<string, unknown>;
}

export interface BudgetRow {
  scope: string;
  metric: string;
  observed: number;
  limit: number | undefined;
  unit: 'ms' | 'ratio';
  passed: boolean;
}

/**
 * The decision record: everything a reviewer needs to see why the action decided what it
 * did, written as JSON at `report-path`. Never holds a secret value (see `redact`).
 */
export interface DecisionRecord {
  schema: 'slot-release/decision-record@1';
  mode: Mode;
  result: Result | 'running';
  verdict: string;
  hint?: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  traceId: string;
  /** Who triggered the run and why, when a reason was given. */
  requestedBy?: string;
  reason?: string;
  target: {
    url?: string;
    app?: string;
    resourceGroup?: string;
    slot?: string;
    targetSlot?: string;
    slotUrl?: string;
    productionUrl?: string;
  };
  versions: { expected?: string; deployed?: string; previous?: string; production?: string };
  stages: StageRecord[];
  budgets: BudgetRow[];
  settingsDrift?: { policy: string; names: string[]; stickyNames: string[] };
  swap?: { source: string; target: string; durationMs: number; withPreview: boolean };
  rollbackCommand?: string;
}

/** A new record; one trace id per run joins the app's logs to it (see src/http.ts). */
export function createRecord(
  mode: Mode,
  traceId = randomBytes(16).toString('hex'),
): DecisionRecord {
  return {
    schema: 'slot-release/decision-record@1',
    mode,
    result: 'running',
    verdict: '',
    startedAt: new Date().toISOString(),
    traceId,
    target: {},
    versions: {},
    stages: [],
    budgets: [],
  };
}

export async function writeRecord(path: string, record: DecisionRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // Redact each string before it is escaped, so a secret with quotes or newlines still matches.
  const text = JSON.stringify(
    record,
    (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value),
    2,
  );
  await writeFile(path, text + '\n');
}
