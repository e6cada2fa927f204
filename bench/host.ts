import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

/** Make sure the soft limit of open files allows `needed`, re-running this process under `ulimit -n 20000` if not. */
export function ensureFileLimit(needed: number): void {
  const soft = Number(/Max open files\s+(\d+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
  if (soft >= needed || process.env.PARLEY_BENCH_ULIMIT === '1') return;
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const result = spawnSync('sh', ['-c', 'ulimit -n 20000 && exec "$0" "$@"', process.execPath, ...args], {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_BENCH_ULIMIT: '1' },
  });
  process.exit(result.status ?? 1);
}

/** The load generator runs on core 1 (every thread: `taskset -a`), the servers on core 0. */
export function pinSelf(): string {
  if (os.cpus().length < 2) return 'not pinned: fewer than 2 cores';
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  return 'load generator on core 1, servers on core 0';
}
