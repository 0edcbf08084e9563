import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { describeError, describeWithHint, SlotReleaseError } from './errors.ts';
import { withGateRun } from './gates.ts';
import { parseInputs, readRawInputs, type Inputs, type Mode } from './inputs.ts';
import type { ModeOutcome } from './modes/outcome.ts';
import { verify } from './modes/verify.ts';
import { createRecord, writeRecord, type DecisionRecord, type Result } from './record.ts';
import { addSecret } from './secrets.ts';
import { GateFailure } from './stage.ts';
import { writeInputErrorSummary, writeSummary } from './summary.ts';

async function runMode(
  inputs: Inputs,
  record: DecisionRecord,
  signal: AbortSignal | undefined,
): Promise<ModeOutcome> {
  const { mode } = inputs;
  if (mode === 'verify') return withGateRun(inputs, record, undefined, verify, signal);
  const { runAzureMode } = await import('./modes/azure-modes.ts');
  return runAzureMode(inputs, record, mode, signal);
}

/** The results that end the step green. A release that had to roll back did not ship. */
function succeeded(mode: Mode, result: Result): boolean {
  if (mode === 'rollback') return result === 'rolled-back';
  return result === 'passed' || result === 'promoted' || result === 'cleaned';
}

export interface RunOptions {
  /** Aborts when the job is cancelled (index.ts wires it to the runner's signals). */
  signal?: AbortSignal;
}

export async function run(options: RunOptions = {}): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = parseInputs(readRawInputs());
  } catch (error) {
    // A user mistake: one message listing every problem, no stack, nothing touched.
    core.setOutput('result', 'failed');
    core.setFailed(describeWithHint(error));
    await writeInputErrorSummary(error);
    return;
  }
  for (const value of Object.values(inputs.headers)) addSecret(value);
  core.debug(`inputs: ${JSON.stringify({ ...inputs, headers: Object.keys(inputs.headers) })}`);

  const record = createRecord(inputs.mode);
  record.versions.expected = inputs.expectedVersion;
  record.requestedBy = process.env.GITHUB_TRIGGERING_ACTOR || process.env.GITHUB_ACTOR || undefined;
  record.reason = inputs.reason;
  const reportPath =
    inputs.reportPath ?? join(process.env.RUNNER_TEMP ?? tmpdir(), 'slot-release-report.json');
  let outcome: ModeOutcome;
  try {
    outcome = await runMode(inputs, record, options.signal);
  } catch (error) {
    outcome = failure(error, record);
    if (!(error instanceof SlotReleaseError)) {
      core.debug(error instanceof Error ? (error.stack ?? '') : '');
    }
  }

  record.result = outcome.result;
  record.verdict = outcome.verdict;
  record.hint = outcome.hint;
  record.endedAt = new Date().toISOString();
  record.durationMs = Date.parse(record.endedAt) - Date.parse(record.startedAt);
  core.setOutput('result', outcome.result);
  core.setOutput('report-path', reportPath);
  if (record.target.slotUrl) core.setOutput('slot-url', record.target.slotUrl);
  if (record.target.productionUrl) core.setOutput('production-url', record.target.productionUrl);
  if (record.versions.deployed) core.setOutput('deployed-version', record.versions.deployed);
  if (record.versions.previous) core.setOutput('previous-version', record.versions.previous);
  if (record.rollbackCommand) core.setOutput('rollback-command', record.rollbackCommand);
  // The outcome stands whatever happens to the files: a bad report-path only warns.
  await writeRecord(reportPath, record).catch((error: unknown) =>
    core.warning(`Could not write the decision record to ${reportPath}: ${describeError(error)}`),
  );
  await writeSummary(record);

  if (succeeded(inputs.mode, outcome.result))
    core.info(`slot-release ${inputs.mode}: ${outcome.result} — ${outcome.verdict}`);
  else
    core.setFailed(
      `slot-release ${inputs.mode}: ${outcome.result} — ${outcome.verdict}${outcome.hint ? `\n${outcome.hint}` : ''}`,
    );
}

/**
 * A mode that throws ends here. A gate that said no before any swap blocked the release with
 * production untouched; anything else failed.
 */
function failure(error: unknown, record: DecisionRecord): ModeOutcome {
  const hint = error instanceof SlotReleaseError ? error.hint : undefined;
  const verdict = describeError(error);
  const gated = ['release', 'swap', 'deploy'].includes(record.mode);
  if (error instanceof GateFailure && gated && record.swap === undefined) {
    return { result: 'blocked', verdict, hint };
  }
  return { result: 'failed', verdict, hint };
}
