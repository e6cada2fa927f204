import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What every section of bench/RESULTS.md shares: where the JSON is, the row of a summary table
// and how a table is written.

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = path.join(benchDir, 'results');

/** One row of a summary table: a figure for Parley beside a peer or a limit, against its target. */
export interface TableRow {
  figure: string;
  parley: string | number;
  peer: string | number;
  ratio: number | null;
  target: string;
  /** null: shown for understanding, no target. */
  pass: boolean | null;
}

/** `bench/results/<name>.json`, or null when that bench has not run. */
export const read = <T>(name: string): T | null => {
  const file = path.join(resultsDir, `${name}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : null;
};
export const verdict = (pass: boolean | null): string => (pass === null ? '–' : pass ? 'pass' : '**FAIL**');
export const ratio = (r: number | null): string => (r === null ? '–' : `${r}×`);
/** Parley ÷ peer to three decimals; null when the peer figure is 0 or not a number. */
export const ratioOf = (parley: number, peer: number): number | null => (peer > 0 && Number.isFinite(parley) ? +(parley / peer).toFixed(3) : null);
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
export const loadAverage = (values: readonly number[] | undefined): string => (values ?? []).map((n) => n.toFixed(2)).join(' ');

/** A section: its title, optional lines of context, then the figure table. */
export function tableSection(title: string, rows: readonly TableRow[], peerName: string, context: readonly string[] = []): string[] {
  return [
    title,
    '',
    ...(context.length ? [...context, ''] : []),
    `| figure | Parley | ${peerName} | Parley ÷ peer | target | result |`,
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.parley} | ${r.peer} | ${ratio(r.ratio)} | ${r.target} | ${verdict(r.pass)} |`),
    '',
  ];
}
