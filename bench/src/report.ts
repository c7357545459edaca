import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** The floor measured in the same run that this metric is compared with, if any. */
  readonly floor?: { readonly metric: string; readonly value: number };
}

/** Prints the rows as a table and writes bench/results/<name>.json; ratio = value / floor. */
export function report(name: string, rows: readonly BenchRow[], context: Record<string, unknown>): void {
  const withRatio = rows.map((r) => ({ ...r, ratio: r.floor ? round(r.value / r.floor.value) : null }));
  console.log(`\n${name}`);
  console.table(
    withRatio.map((r) => ({
      metric: r.metric,
      value: round(r.value),
      unit: r.unit,
      floor: r.floor ? `${r.floor.metric} = ${round(r.floor.value)}` : '',
      ratio: r.ratio ?? '',
    })),
  );
  const dir = join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ name, at: new Date().toISOString(), context, rows: withRatio }, null, 2) + '\n',
  );
}

export const round = (n: number): number => Math.round(n * 100) / 100;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}
