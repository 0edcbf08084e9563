// Prints the README's inputs and outputs tables from action.yml (paste between the markers).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Spec {
  description: string;
  default?: string;
}
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, Spec>;
  outputs: Record<string, Spec>;
};
const cell = (s: string) => s.replace(/\|/g, '\\|');
const lines = ['| Input | Default | Description |', '|---|---|---|'];
for (const [name, spec] of Object.entries(action.inputs)) {
  lines.push(
    `| \`${name}\` | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`,
  );
}
lines.push('', '| Output | Description |', '|---|---|');
for (const [name, spec] of Object.entries(action.outputs))
  lines.push(`| \`${name}\` | ${cell(spec.description)} |`);
console.log(lines.join('\n'));
