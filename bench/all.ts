import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from './report/report';

// npm run bench — every benchmark in turn, each a child that stops by itself (each has its own
// deadline and kills its own children), then bench/RESULTS.md and its plots. A failed bench is
// reported and the others still run; the exit code says whether all of them finished.

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = ['peers.bench.ts', 'ramp.bench.ts', 'storm.bench.ts', 'fanout.bench.ts', 'storage.bench.ts', 'messaging.bench.ts', 'business.bench.ts', 'banking.bench.ts'] as const;
let running: ChildProcess | undefined;
let stopping = false;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The child has its own SIGINT/SIGTERM clean-up; let it run, start no other bench, then leave.
    stopping = true;
    running?.kill(signal);
    setTimeout(() => process.exit(130), 3_000).unref();
  });
}

const started = Date.now();
const failed: string[] = [];
for (const bench of benches) {
  if (stopping) break;
  console.log(`\n=== ${bench} (${((Date.now() - started) / 1000).toFixed(0)} s into npm run bench) ===`);
  const code = await new Promise<number | null>((resolve) => {
    running = spawn(process.execPath, ['--import', 'tsx', path.join(here, bench)], { stdio: 'inherit' });
    running.once('exit', (exitCode) => resolve(exitCode));
  });
  running = undefined;
  if (code !== 0) failed.push(`${bench} (exit ${code})`);
}
console.log(`\nwrote ${path.relative(process.cwd(), writeReport())} (${((Date.now() - started) / 60_000).toFixed(1)} min in all)`);
if (failed.length) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
