/** One line of the summary: Parley beside its peer, against a target. */
export interface BusinessRow {
  readonly figure: string;
  readonly parley: string;
  readonly peer: string;
  /** Parley / peer, or null when a ratio says nothing (latencies). */
  readonly ratio: number | null;
  readonly target: string;
  /** null: shown for understanding, no target. */
  readonly pass: boolean | null;
}

export function printBusinessTable(rows: readonly BusinessRow[]): void {
  const header = ['figure', 'Parley', 'peer', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [r.figure, r.parley, r.peer, r.ratio === null ? '–' : `${r.ratio.toFixed(2)}×`, r.target, r.pass === null ? '–' : r.pass ? 'pass' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  console.log(`\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const line of lines) console.log(format(line));
}
