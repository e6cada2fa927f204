/** One line of the summary: a figure for Parley and for the peer, against its target. */
export interface Row {
  readonly figure: string;
  readonly parley: number;
  readonly peer: number;
  readonly target: string;
  /** null: a figure with no target, shown for understanding. */
  readonly pass: boolean | null;
  /** Appended to both figures, e.g. ' ms'. */
  readonly unit: string;
}

/** The compact table the bench prints: figure, Parley, peer, ratio (Parley / peer), target, pass or fail. */
export function printTable(rows: readonly Row[]): void {
  const header = ['figure', 'Parley', 'ws relay', 'ratio', 'target', 'result'];
  const lines = rows.map((r) => [
    r.figure,
    `${r.parley.toLocaleString('en')}${r.unit}`,
    `${r.peer.toLocaleString('en')}${r.unit}`,
    r.peer === 0 ? '–' : `${(r.parley / r.peer).toFixed(2)}×`,
    r.target,
    r.pass === null ? '–' : r.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  console.log(`\n${format(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const line of lines) console.log(format(line));
}
