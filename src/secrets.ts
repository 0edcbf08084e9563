import * as core from '@actions/core';

/**
 * Every value that must never be shown. `core.setSecret` masks the job log; files we write
 * (report, summary, PR comments) are not masked by the runner, so they pass through `redact`.
 */
const secrets = new Set<string>();

export function addSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  if (secrets.has(value)) return;
  secrets.add(value);
  core.setSecret(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}
