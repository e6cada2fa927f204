import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFileLimit, pinSelf } from './host';
import { rssBytes, settledRss, sleep } from './load';
import { closeAll, openLoop, openPairs, settle, type OpenLoopResult } from './open-loop';
import { ensurePeersInstalled } from './peers/install';
import { startMosquitto } from './peers/mosquitto';
import { startProsody } from './peers/prosody';
import { children, killChildren, type System } from './peers/system';
import { startParley, startRelay, startSocketIo } from './peers/ws-systems';
import { peerRows } from './peers-rows';
import { benchLog, runBench, writeResults, writeResultsQuietly } from './run';

// npm run bench:peers — Parley beside real peers in the same run: a raw `ws` relay, Socket.IO,
// Prosody (with and without MAM archiving) and Mosquitto. Every server on core 0, the load
// generator on core 1. Alternating rounds (each system once per round, in turn) of open-loop
// Poisson load, and memory per idle socket (the rate ramp is bench/ramp.bench.ts). See bench/README.md.

/** BENCH_QUICK=1: a small, fast plan to check the bench itself works (figures meaningless). */
const quick = process.env.BENCH_QUICK === '1';

export const plan = {
  /** Conversations in the latency rounds: 2 sockets each, 5,000 sockets. */
  pairs: quick ? 100 : 2_500,
  /** Idle sockets for the memory figure: 2 × 7,500 = 15,000 (the process limit is ~20,000 fds). */
  memoryPairs: quick ? 200 : 7_500,
  rate: quick ? 1_000 : 5_000,
  rounds: quick ? 2 : 5,
  warmupMs: 1_000,
  measureMs: 4_000,
  graceMs: 3_000,
  /** No new round starts after this long: on a busy machine fewer rounds, not a killed bench. */
  roundsBudgetMs: 14 * 60_000,
  deadlineMs: 20 * 60_000,
} as const;

const { started: benchStart, log } = benchLog();
let dataDir: string | undefined;
const cleanup = (): void => {
  killChildren();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
};

export interface SystemFigures {
  memory: { sockets: number; rssIdleBytes: number; rssWithSocketsBytes: number; bytesPerSocket: number } | null;
  rounds: OpenLoopResult[];
}

const isNode = (system: System): boolean => !system.name.startsWith('Prosody') && !system.name.startsWith('Mosquitto');

async function memory(system: System): Promise<SystemFigures['memory']> {
  const rss = (): Promise<number> => (isNode(system) ? settledRss(system.pid()) : sleep(500).then(() => rssBytes(system.pid())));
  closeAll(await openPairs(system, 50));
  await sleep(500);
  const rssIdleBytes = await rss();
  const links = await openPairs(system, plan.memoryPairs);
  await sleep(2_000);
  const rssWithSocketsBytes = await rss();
  closeAll(links);
  const sockets = plan.memoryPairs * 2;
  return { sockets, rssIdleBytes, rssWithSocketsBytes, bytesPerSocket: Math.round((rssWithSocketsBytes - rssIdleBytes) / sockets) };
}

async function main(): Promise<void> {
  ensureFileLimit(plan.memoryPairs * 2 + 2_000);
  const pinning = pinSelf();
  const loadBefore = os.loadavg();
  if ((loadBefore[0] ?? 0) > 1.5) console.warn(`bench: load average ${loadBefore[0]?.toFixed(1)}; other work will skew the figures (ratios hold better).`);
  ensurePeersInstalled(log);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-peers-'));
  const systems: System[] = [];
  const figures = new Map<string, SystemFigures>();
  const gaveUp = new Map<string, string>();
  try {
    log('starting Parley (people, sessions and conversations first), the ws relay, Socket.IO, Prosody ×2 and Mosquitto');
    systems.push(await startParley(dataDir, plan.memoryPairs));
    systems.push(await startRelay(), await startSocketIo());
    systems.push(await startProsody({ pairs: plan.memoryPairs, archive: false }), await startProsody({ pairs: plan.memoryPairs, archive: true }));
    systems.push(await startMosquitto());
    for (const system of systems) {
      await settle(systems);
      // Idle, Prosody + MAM is the same server as Prosody: its 15,000 logins would measure nothing new.
      const mem = system.name === 'Prosody + MAM' ? null : await memory(system);
      figures.set(system.name, { memory: mem, rounds: [] });
      if (mem) log(`${system.name}: ${mem.sockets} idle sockets, ${mem.bytesPerSocket} B each`);
    }
    const write = (partial: boolean): void => {
      const rows = peerRows(figures, { rate: plan.rate, sockets: plan.pairs * 2 });
      const results = {
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pinning, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
        plan,
        partial,
        gaveUp: Object.fromEntries(gaveUp),
        systems: Object.fromEntries(figures),
        rows,
        durationMs: Date.now() - benchStart,
      };
      if (partial) writeResultsQuietly('peers', results);
      else {
        console.table(rows.map((r) => ({ figure: r.figure, Parley: r.parley, peer: `${r.peerName}: ${r.peer}`, ratio: r.ratio, target: r.target, pass: r.pass })));
        writeResults('peers', results, benchStart);
      }
    };
    for (let round = 1; round <= plan.rounds; round++) {
      if (Date.now() - benchStart > plan.roundsBudgetMs) {
        log(`round budget spent: ${round - 1} rounds of ${plan.rounds}`);
        break;
      }
      for (const system of systems.filter((s) => !gaveUp.has(s.name))) {
        try {
          await settle(systems);
          const links = await openPairs(system, plan.pairs);
          await settle(systems);
          const result = await openLoop(system, links, { rate: plan.rate, warmupMs: plan.warmupMs, measureMs: plan.measureMs, graceMs: plan.graceMs });
          closeAll(links);
          figures.get(system.name)?.rounds.push(result);
          log(`round ${round} ${system.name}: p50 ${result.p50Ms} p99 ${result.p99Ms} ms, ${result.cpuUsPerMessage} µs CPU/msg, lost ${result.lost}, CPU ${result.serverCpuPercent}% (waited ${result.serverWaitPercent}%)`);
          // A system that lost most of a round while using its whole core cannot hold the rate: more rounds would only
          // add to its backlog. One that lost them while waiting for its core (other work on it) was starved, and goes on.
          if (result.lost > result.measured && result.serverCpuPercent >= 80) gaveUp.set(system.name, `lost ${result.lost} of ${result.lost + result.measured} in round ${round}: cannot hold ${plan.rate}/s`);
        } catch (error) {
          gaveUp.set(system.name, `round ${round}: ${String(error).slice(0, 200)}`);
        }
        if (gaveUp.has(system.name)) {
          log(`${system.name}: no more rounds (${gaveUp.get(system.name)}); stopped, so its backlog does not take the core from the next system`);
          await system.stop().catch(() => {});
          systems.splice(systems.indexOf(system), 1);
        }
      }
      write(true);
    }
    write(false);
  } finally {
    for (const system of systems) await system.stop().catch(() => {});
    cleanup();
    if (children.size > 0) console.warn(`bench: ${children.size} children still listed after stop`);
  }
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup });
