// Where a release's time went, from its wall time and its decision record: pure arithmetic, so
// tests/bench can check it without an emulator.
import { sum } from './stats.ts';

// Stages by who the action waits on, keyed by the stage name's first word
// ('swap back (staging → production)' is a swap, 'ready (production after swap back)' a gate).
const AZURE_STAGES = new Set(['resolve', 'deploy', 'settings', 'swap', 'preview', 'reset']);
const APP_STAGES = new Set(['ready', 'smoke', 'budget', 'watch']);

type Stage = { name: string; status: string; durationMs: number };

/** What one timed release spent where (ms). */
export type ReleaseSplit = {
  wallMs: number;
  stages: Stage[];
  azureMs: number;
  appMs: number;
  otherStagesMs: number;
  /** Spawn to the record's start, plus writing the record and summary after its end. */
  processMs: number;
  /** Inside the record's span but in no stage: inputs, login, between stages. */
  betweenMs: number;
  /** wall − Σ stages = processMs + betweenMs. */
  oursMs: number;
};

/** The parts of a decision record the split reads. */
export type RecordTimes = {
  durationMs?: unknown;
  stages: Array<{ name?: unknown; status?: unknown; durationMs?: unknown }>;
};

/** Splits one release's wall time (spawn to exit) by the stages of its decision record. */
export function splitRelease(wallMs: number, report: RecordTimes): ReleaseSplit {
  const stages = report.stages.map((s) => ({
    name: String(s.name),
    status: String(s.status),
    durationMs: Number(s.durationMs),
  }));
  const kind = (s: Stage) => s.name.split(' ')[0]!;
  const total = (pick: (s: Stage) => boolean) => sum(stages.filter(pick).map((s) => s.durationMs));
  const stagesMs = total(() => true);
  const recordMs = Number(report.durationMs);
  return {
    wallMs,
    stages,
    azureMs: total((s) => AZURE_STAGES.has(kind(s))),
    appMs: total((s) => APP_STAGES.has(kind(s))),
    otherStagesMs: total((s) => !AZURE_STAGES.has(kind(s)) && !APP_STAGES.has(kind(s))),
    processMs: wallMs - recordMs,
    betweenMs: recordMs - stagesMs,
    oursMs: wallMs - stagesMs,
  };
}
