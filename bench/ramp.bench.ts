import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFileLimit, pinSelf } from './host';
import { startBenchPostgres, type BenchPostgres } from './postgres';
import { closeAll, openLoop, openPairs, settle, type OpenLoopResult } from './open-loop';
import { ensurePeersInstalled } from './peers/install';
import { startMosquitto } from './peers/mosquitto';
import { startProsody } from './peers/prosody';
import { killChildren, type System } from './peers/system';
import { startParley, startRelay, startSocketIo } from './peers/ws-systems';
import { benchLog, runBench, writeResults } from './run';

// npm run bench:ramp — latency against offered load, and the highest rate each system holds:
// open-loop Poisson steps of rising rate on 2,000 connections until p99 > 50 ms or a message is
// lost. For Parley a delivery comes after the commit, so its highest step is its max persisted
// rate: on SQLite, and on PostgreSQL (a throwaway cluster as the server tests start it, pinned to
// core 0 with Parley). Same systems and clients as bench:peers, every server on core 0.

const quick = process.env.BENCH_QUICK === '1';
export const plan = {
  pairs: quick ? 100 : 1_000,
  rates: quick ? [1_000, 2_000] : [5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000],
  warmupMs: 1_000,
  measureMs: 3_000,
  graceMs: 3_000,
  p99LimitMs: 50,
  deadlineMs: 10 * 60_000,
} as const;
const targets = { parleyMaxRate: 25_000, parleyPostgresMaxRate: 15_000 } as const;
const parleyPostgres = 'Parley (PostgreSQL)';

const { started: benchStart, log } = benchLog();
let dataDir: string | undefined;
let postgres: BenchPostgres | undefined;
const cleanup = (): void => {
  killChildren();
  postgres?.killNow();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
};

async function ramp(system: System, all: readonly System[]): Promise<OpenLoopResult[]> {
  const links = await openPairs(system, plan.pairs);
  const steps: OpenLoopResult[] = [];
  try {
    for (const rate of plan.rates) {
      await settle(all);
      const step = await openLoop(system, links, { rate, warmupMs: plan.warmupMs, measureMs: plan.measureMs, graceMs: plan.graceMs });
      steps.push(step);
      log(`${system.name} at ${rate}/s: p50 ${step.p50Ms} p99 ${step.p99Ms} ms, lost ${step.lost}, CPU ${step.serverCpuPercent}% (waited ${step.serverWaitPercent}%)`);
      if (step.p99Ms > plan.p99LimitMs || step.lost > 0) break;
    }
  } finally {
    closeAll(links);
  }
  return steps;
}

/** The highest offered rate that held (p99 ≤ the limit, nothing lost); 0 if not even the first. */
const maxRate = (steps: readonly OpenLoopResult[]): number =>
  Math.max(0, ...steps.filter((s) => s.p99Ms <= plan.p99LimitMs && s.lost === 0).map((s) => s.offeredPerSecond));

async function main(): Promise<void> {
  ensureFileLimit(plan.pairs * 2 + 2_000);
  const pinning = pinSelf();
  const loadBefore = os.loadavg();
  ensurePeersInstalled(log);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-ramp-'));
  const systems: System[] = [];
  const results: Record<string, { steps: OpenLoopResult[]; maxRate: number }> = {};
  try {
    systems.push(await startParley(dataDir, plan.pairs));
    postgres = await startBenchPostgres();
    log(`PostgreSQL ${new URL(postgres.url).host} up, pinned to core 0`);
    const pgDataDir = path.join(dataDir, 'postgres-parley');
    fs.mkdirSync(pgDataDir);
    systems.push(await startParley(pgDataDir, plan.pairs, { databaseUrl: postgres.url, name: parleyPostgres }));
    systems.push(await startRelay(), await startSocketIo());
    systems.push(await startProsody({ pairs: plan.pairs, archive: false }), await startMosquitto());
    for (const system of systems) {
      const steps = await ramp(system, systems);
      results[system.name] = { steps, maxRate: maxRate(steps) };
    }
  } finally {
    for (const system of systems) await system.stop().catch(() => {});
    await postgres?.stop().catch(() => {});
    cleanup();
  }
  const parley = results.Parley?.maxRate ?? 0;
  const parleyOnPostgres = results[parleyPostgres]?.maxRate ?? 0;
  const relay = results['ws relay']?.maxRate ?? 0;
  const rows = [
    { figure: `max persisted rate, p99 ≤ ${plan.p99LimitMs} ms (Parley on SQLite; ramp on ${plan.pairs * 2} connections)`, parley: `${parley}/s`, peer: `${relay}/s`, ratio: relay ? +(parley / relay).toFixed(3) : null, target: `≥ ${targets.parleyMaxRate}/s`, pass: parley >= targets.parleyMaxRate },
    { figure: `max persisted rate, p99 ≤ ${plan.p99LimitMs} ms (Parley on PostgreSQL: test cluster, fsync and synchronous_commit off; same ramp)`, parley: `${parleyOnPostgres}/s`, peer: `${relay}/s`, ratio: relay ? +(parleyOnPostgres / relay).toFixed(3) : null, target: `≥ ${targets.parleyPostgresMaxRate}/s`, pass: parleyOnPostgres >= targets.parleyPostgresMaxRate },
    ...Object.entries(results)
      .filter(([name]) => name !== 'Parley' && name !== parleyPostgres && name !== 'ws relay')
      .map(([name, r]) => ({ figure: `max rate, p99 ≤ ${plan.p99LimitMs} ms: ${name}`, parley: `${parley}/s`, peer: `${r.maxRate}/s`, ratio: r.maxRate ? +(parley / r.maxRate).toFixed(3) : null, target: '–', pass: null })),
  ];
  console.table(rows);
  writeResults('ramp', { date: new Date().toISOString(), machine: { pinning, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() }, plan, targets, systems: results, rows, durationMs: Date.now() - benchStart }, benchStart);
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup });
