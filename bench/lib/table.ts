// The bench's one output shape: rows with an optional reference measured in the same run, printed
// as a Markdown table (readable in a terminal, pasteable into a PR) and written as JSON.
import { ratio } from './stats.ts';

/** What bench/emulator.ts and bench/example-app.ts return. */
export type BenchRow = { name: string; value: number; unit: string; note?: string };

/** A row with the figure it is compared with; `ratio` is value / reference.value. */
export type Row = BenchRow & {
  group: string;
  reference?: { name: string; value: number; unit: string };
  ratio?: number;
};

export function compared(
  row: Omit<Row, 'ratio' | 'reference'>,
  reference: { name: string; value: number; unit?: string },
): Row {
  return {
    ...row,
    reference: { name: reference.name, value: reference.value, unit: reference.unit ?? row.unit },
    ratio: ratio(row.value, reference.value),
  };
}

/** Three significant-ish digits: 0.123, 1.23, 12.3, 123, 1234; `n/a` for NaN. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 0.1 || value === 0
    ? `${value.toFixed(2)}×`
    : `${value.toPrecision(2)}×`;
}

function formatReference(row: Row): string {
  if (!row.reference) return '';
  const { name, value, unit } = row.reference;
  return `${name}: ${formatNumber(value)} ${unit}`;
}

const HEADER = ['name', 'value', 'unit', 'reference', 'ratio', 'note'] as const;

/** A Markdown table, columns padded to line up; `|` inside a cell is escaped. */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.name,
    formatNumber(r.value),
    r.unit,
    formatReference(r),
    formatRatio(r.ratio),
    r.note ?? '',
  ]);
  const all = [[...HEADER], ...cells].map((line) => line.map((c) => c.replace(/\|/g, '\\|')));
  const widths = HEADER.map((_, i) => Math.max(3, ...all.map((line) => line[i]!.length)));
  const numeric = new Set([1, 4]);
  const render = (line: string[]) =>
    `| ${line.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [render(all[0]!), rule, ...all.slice(1).map(render)].join('\n');
}
