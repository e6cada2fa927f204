/** What a command prints: `json` for `--json`, `text` for people. */
export interface CommandResult {
  readonly json: unknown;
  readonly text: string;
  /** Exit code when the command ran but found a problem (e.g. `audit verify`); 0 when absent. */
  readonly exitCode?: number;
}

/** Left-aligned columns under a header, two spaces apart. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return '(none)';
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}
