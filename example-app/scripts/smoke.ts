// node scripts/smoke.ts <base-url> [--expect-version <v>]: the release checks against a running
// deployment (local, a slot, production); exits 1 if any fails.
import { parseArgs } from 'node:util';
import { smokeCheck } from './smoke-check.ts';

const { values, positionals } = parseArgs({
  options: { 'expect-version': { type: 'string' } },
  allowPositionals: true,
});
const base = positionals[0] ?? 'http://127.0.0.1:8080';
const results = await smokeCheck(base, { expectedVersion: values['expect-version'] });
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.detail}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
