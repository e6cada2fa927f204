import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

/** Write `bench/results/<name>.json` without a word: partial results a long bench keeps up to date. */
export function writeResultsQuietly(name: string, results: unknown): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}

/** Write `bench/results/<name>.json` and say so. */
export function writeResults(name: string, results: unknown, started: number): void {
  writeResultsQuietly(name, results);
  console.log(`\nwrote bench/results/${name}.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

/**
 * Run a bench so that it always stops by itself and leaves nothing behind: `cleanup` (kill the
 * children, remove the data folder) runs on success, failure, SIGINT/SIGTERM and the deadline.
 */
export function runBench(options: { main: () => Promise<void>; deadlineMs: number; cleanup: () => void }): void {
  const { main, deadlineMs, cleanup } = options;
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  setTimeout(() => {
    console.error(`bench: still running after ${deadlineMs / 1000} s; stopping.`);
    cleanup();
    process.exit(1);
  }, deadlineMs).unref();
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('bench failed:', error);
      cleanup();
      process.exit(1);
    },
  );
}

/**
 * The bench's log: each line stamped with the seconds since it started.
 *
 * @example
 * const { started: benchStart, log } = benchLog();
 */
export function benchLog(started = Date.now()): { started: number; log: (line: string) => void } {
  return { started, log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`) };
}

/**
 * What a bench starts and must stop: its child processes (each `kills` entry kills one) and the
 * temp folder it `own`s, both gone on `cleanup` — which runBench also calls on SIGINT and at the
 * deadline, where `finally` does not run.
 */
export function benchCleanup(): { readonly kills: (() => void)[]; own(dir: string): void; cleanup(): void } {
  const kills: (() => void)[] = [];
  let folder: string | undefined;
  return {
    kills,
    own: (dir) => {
      folder = dir;
    },
    cleanup: () => {
      for (const kill of kills.splice(0)) {
        try {
          kill();
        } catch {
          // Already gone.
        }
      }
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
      folder = undefined;
    },
  };
}

/**
 * Node flags for a Node server on one core, as the README's "Node flags" recommends and every
 * bench runs its Node servers (Parley and Node peers alike) when taskset pins them to core 0:
 * V8's parallel GC helper threads would otherwise share that core with the event loop and
 * preempt it for 10–20 ms at a time, and a young generation of 64 MB (not the default 16)
 * collects less often and promotes less, so old-generation pauses are rare. Measured with
 * bench:messaging at 5,000 msgs/s (2026-11-22): p99 120–200 ms without either flag, 44–69 ms with
 * --single-threaded-gc and 32 MB, 23–46 ms with 64 MB (bench/README.md, "Young generation of
 * 64 MB"). `BENCH_SERVER_FLAGS` adds flags (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
export const oneCoreNodeFlags: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=64'];

/** The flags for a Node server of a bench: `oneCoreNodeFlags` when pinned, then BENCH_SERVER_FLAGS (Parley only). */
export function serverNodeFlags(options: { pinned: boolean; parley?: boolean }): string[] {
  const extra = options.parley === false ? [] : (process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean);
  return [...(options.pinned ? oneCoreNodeFlags : []), ...extra];
}
