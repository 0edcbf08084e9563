import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { describeError, InputError, SlotReleaseError } from './errors.ts';
import type { GateRun } from './gates.ts';
import { createHttpClient } from './http.ts';
import { INPUT_NAMES, parseInputs, type Inputs, type RawInputs } from './inputs.ts';
import type { ModeOutcome } from './modes/outcome.ts';
import { verify } from './modes/verify.ts';
import { createRecord, writeRecord } from './record.ts';
import { addSecret } from './secrets.ts';
import { GateFailure } from './stage.ts';
import { writeSummary } from './summary.ts';

/** Reads inputs as the runner passes them: absent stays undefined so defaults apply. */
export function readRawInputs(env: NodeJS.ProcessEnv = process.env): Partial<RawInputs> {
  const raw: Partial<RawInputs> = {};
  for (const name of INPUT_NAMES) {
    const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
    if (value !== undefined) raw[name] = value;
  }
  return raw;
}

type ModeRunner = (run: GateRun) => Promise<ModeOutcome>;

async function loadMode(inputs: Inputs): Promise<ModeRunner> {
  switch (inputs.mode) {
    case 'verify':
      return verify;
    default:
      throw new SlotReleaseError(
        `mode "${inputs.mode}" is not available in this version of slot-release`,
      );
  }
}

export async function run(): Promise<void> {
  let inputs: Inputs;
  try {
    inputs = parseInputs(readRawInputs());
  } catch (error) {
    // A user mistake: one message listing every problem, no stack, nothing touched.
    core.setOutput('result', 'failed');
    core.setFailed(describeError(error) + (error instanceof InputError ? `\n${error.hint}` : ''));
    return;
  }
  for (const value of Object.values(inputs.headers)) addSecret(value);
  core.debug(`inputs: ${JSON.stringify({ ...inputs, headers: Object.keys(inputs.headers) })}`);

  const traceId = randomBytes(16).toString('hex');
  const record = createRecord(inputs.mode, traceId);
  const reportPath =
    inputs.reportPath ?? join(process.env.RUNNER_TEMP ?? tmpdir(), 'slot-release-report.json');
  const http = createHttpClient({
    headers: inputs.headers,
    timeoutMs: inputs.requestTimeoutMs,
    traceId,
  });
  const gateRun: GateRun = { http, inputs, record };
  let outcome: ModeOutcome;
  try {
    const mode = await loadMode(inputs);
    outcome = await mode(gateRun);
  } catch (error) {
    outcome = failure(error, inputs);
    if (!(error instanceof SlotReleaseError))
      core.debug(error instanceof Error ? (error.stack ?? '') : '');
  } finally {
    await http.close();
  }

  record.result = outcome.result;
  record.verdict = outcome.verdict;
  record.hint = outcome.hint;
  record.endedAt = new Date().toISOString();
  record.durationMs = Date.parse(record.endedAt) - Date.parse(record.startedAt);
  await writeRecord(reportPath, record);
  await writeSummary(record);

  core.setOutput('result', outcome.result);
  core.setOutput('report-path', reportPath);
  if (record.target.slotUrl) core.setOutput('slot-url', record.target.slotUrl);
  if (record.target.productionUrl) core.setOutput('production-url', record.target.productionUrl);
  if (record.versions.deployed) core.setOutput('deployed-version', record.versions.deployed);
  if (record.versions.previous) core.setOutput('previous-version', record.versions.previous);
  if (record.rollbackCommand) core.setOutput('rollback-command', record.rollbackCommand);

  const ok = ['passed', 'promoted', 'cleaned'].includes(outcome.result);
  if (ok) core.info(`slot-release ${inputs.mode}: ${outcome.result} — ${outcome.verdict}`);
  else
    core.setFailed(
      `slot-release ${inputs.mode}: ${outcome.result} — ${outcome.verdict}${outcome.hint ? `\n${outcome.hint}` : ''}`,
    );
}

/** A mode that throws ends here: gates that said no block, anything else failed. */
function failure(error: unknown, inputs: Inputs): ModeOutcome {
  const hint = error instanceof SlotReleaseError ? error.hint : undefined;
  const verdict = describeError(error);
  if (error instanceof GateFailure) {
    return { result: inputs.mode === 'verify' ? 'failed' : 'blocked', verdict, hint };
  }
  return { result: 'failed', verdict, hint };
}
