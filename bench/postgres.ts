import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres } from '../packages/server/test/postgres';

// The benches' throwaway PostgreSQL (bench:ramp, bench:storage).

/** The throwaway cluster, with a synchronous way to end it: runBench's cleanup on SIGINT and at the deadline cannot wait. */
export interface BenchPostgres {
  readonly url: string;
  stop(): Promise<void>;
  killNow(): void;
}

/**
 * PostgreSQL from Debian's packages (scripts/test-env.mjs installs them when missing), started as
 * the server tests start it (packages/server/test/postgres.ts: loopback only, fsync off), then
 * pinned to core 0 — the postmaster and what runs now; the backends it forks later inherit it.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
  execFileSync(process.execPath, [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/test-env.mjs')], { stdio: 'inherit' });
  const cluster = await startPostgres();
  let postmaster = 0;
  let root = '';
  let stopped = false;
  const killNow = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      // Immediate shutdown: the postmaster ends its backends, then itself.
      if (postmaster > 0) process.kill(postmaster, 'SIGQUIT');
      const pause = new Int32Array(new SharedArrayBuffer(4));
      for (const until = Date.now() + 5_000; postmaster > 0 && Date.now() < until; Atomics.wait(pause, 0, 0, 50)) process.kill(postmaster, 0);
    } catch {
      // Gone.
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const dataDirectory = String((await client.query('show data_directory')).rows[0]?.data_directory);
    await client.end();
    root = path.dirname(dataDirectory);
    postmaster = Number(fs.readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    execFileSync('sh', ['-c', `for p in ${postmaster} $(pgrep -P ${postmaster}); do taskset -a -p -c 0 $p >/dev/null; done`]);
  } catch (error) {
    await cluster.stop().catch(() => {});
    throw error;
  }
  return {
    url: cluster.url,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
    },
    killNow,
  };
}
