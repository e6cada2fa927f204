// Preloaded into the Parley server by the bench only (`--expose-gc --import tsx --import bench/gc-hook.ts`):
// SIGUSR2 runs a full collection, so VmRSS read afterwards holds live memory rather than garbage.
// With BENCH_DIAG_FILE set, it also records every GC pause over 10 ms and writes them there as
// JSON when the server exits — to tell a collector's pause from the server's own work in a stall.
// Parley's own code has no such hook.
import fs from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());

const diagFile = process.env.BENCH_DIAG_FILE;
if (diagFile) {
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
  };
  const pauses: { at: number; kind: string; ms: number }[] = [];
  const counts: Record<string, { n: number; totalMs: number }> = {};
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = kinds[((entry as { detail?: { kind?: number } }).detail)?.kind ?? -1] ?? 'other';
      const count = (counts[kind] ??= { n: 0, totalMs: 0 });
      count.n++;
      count.totalMs += entry.duration;
      if (entry.duration > 10) pauses.push({ at: Math.round(entry.startTime), kind, ms: Math.round(entry.duration * 10) / 10 });
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => fs.writeFileSync(diagFile, JSON.stringify({ counts, pauses }, null, 1)));
}
