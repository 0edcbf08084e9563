import * as core from '@actions/core';
import { formatDuration } from './duration.ts';
import { describeError, InputError } from './errors.ts';
import { show } from './gates.ts';
import type { DecisionRecord } from './record.ts';
import { redact } from './secrets.ts';

const ICON: Record<string, string> = {
  passed: '✅',
  warned: '⚠️',
  failed: '❌',
  skipped: '⏭️',
  promoted: '✅',
  cleaned: '✅',
  'rolled-back': '↩️',
  blocked: '⛔',
};

/** The job summary: the verdict in one line first, then the stage and budget tables. */
function renderSummary(record: DecisionRecord): string {
  const lines: string[] = [];
  lines.push(
    `### ${ICON[record.result] ?? '❌'} slot-release ${record.mode}: ${record.result} — ${record.verdict}`,
    '',
  );
  if (record.hint) lines.push(`> **Next step:** ${record.hint}`, '');
  const t = record.target;
  const facts: Array<[string, string | undefined]> = [
    ['App', t.app ? `${t.app} (${t.resourceGroup})` : undefined],
    ['Slot', t.slot && t.slotUrl ? `${t.slot} — ${t.slotUrl}` : t.slot],
    [
      'Target',
      t.targetSlot && t.productionUrl ? `${t.targetSlot} — ${t.productionUrl}` : t.targetSlot,
    ],
    ['URL', t.url],
    ['Version expected', record.versions.expected],
    ['Version deployed', record.versions.deployed],
    ['Version before', record.versions.previous],
    ['Production now serves', record.versions.production],
    [
      'Swap',
      record.swap
        ? `${record.swap.source} → ${record.swap.target} in ${formatDuration(record.swap.durationMs)}${record.swap.withPreview ? ' (with preview)' : ''}`
        : undefined,
    ],
    ['Requested by', record.requestedBy],
    ['Reason', record.reason],
    ['Trace id', record.traceId],
  ];
  const shown = facts.filter(([, v]) => v !== undefined);
  if (shown.length > 0) {
    lines.push('| | |', '|---|---|', ...shown.map(([k, v]) => `| ${k} | ${cell(v!)} |`), '');
  }
  lines.push('| Stage | Result | Duration | Detail |', '|---|---|---|---|');
  for (const s of record.stages) {
    lines.push(
      `| ${s.name} | ${ICON[s.status]} ${s.status} | ${formatDuration(s.durationMs)} | ${cell(s.summary)} |`,
    );
  }
  lines.push('');
  if (record.budgets.length > 0) {
    lines.push('| Budget | Metric | Observed | Limit | |', '|---|---|---|---|---|');
    for (const b of record.budgets) {
      const limit = b.limit === undefined ? '—' : show(b.limit, b.unit);
      lines.push(
        `| ${b.scope} | ${b.metric} | ${show(b.observed, b.unit)} | ${limit} | ${b.limit === undefined ? '' : b.passed ? '✅' : '❌'} |`,
      );
    }
    lines.push('');
  }
  if (record.settingsDrift && record.settingsDrift.names.length > 0) {
    lines.push(
      `**Settings that would move with the swap** (policy: ${record.settingsDrift.policy}; names only): ${record.settingsDrift.names.map((n) => `\`${n}\``).join(', ')}`,
      '',
    );
  }
  if (record.rollbackCommand) {
    lines.push('**Roll back:**', '', '```sh', record.rollbackCommand, '```', '');
  }
  return redact(lines.join('\n'));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export async function writeSummary(record: DecisionRecord): Promise<void> {
  await writeMarkdown(renderSummary(record));
}

/** Writes redacted markdown to the job summary; a failed write only warns. */
export async function writeMarkdown(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary
    .addRaw(redact(markdown), true)
    .write()
    .then(
      () => undefined,
      (error: unknown) => core.warning(`Could not write the job summary: ${describeError(error)}`),
    );
}

/** Invalid inputs end the step before any stage: the summary lists the problems, nothing else. */
export async function writeInputErrorSummary(error: unknown): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const problems = error instanceof InputError ? error.problems : [String(error)];
  const text = [
    `### ❌ slot-release: invalid inputs — nothing was changed in Azure`,
    '',
    ...problems.map((p) => `- ${p.replace(/\r?\n/g, ' ')}`),
    '',
  ].join('\n');
  await writeMarkdown(text);
}
