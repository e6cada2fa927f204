import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort, startServerProcess } from '../packages/server/test/server-process';
import { runLatency, type LatencyResult } from './latency';
import { closePairs, connect, connectPairs, rssBytes, settledRss, sleep, stallProbe, type Target } from './load';
import { insertPeople, openConversations } from './seed';
import { runThroughput, type ThroughputResult } from './throughput';
import { printTable, type Row } from './table';
import { benchLog, runBench, serverNodeFlags, writeResults } from './run';

// npm run bench:messaging — Parley's messaging path against a bare `ws` relay, both on core 0,
// the load generator on core 1. See bench/README.md for the method.

const plan = {
  /** People, each with two sockets (a sender and a receiver): 5,000 sockets. */
  people: 2_500,
  latencyRate: 5_000,
  latencyWarmupMs: 2_000,
  /**
   * Parley: one whole cycle of its periodic work (a heartbeat to every socket every 30 s, a check of
   * every session every 60 s), so the window holds what a steady state holds. The relay does no
   * periodic work, so a shorter window samples it as well.
   */
  latencyMeasureMs: { parley: 62_000, relay: 10_000 },
  /** Throughput: this many people × 2 sockets, each keeping `window` sends in flight. */
  throughputPairs: 1_000,
  window: 8,
  throughputWarmupMs: 2_000,
  throughputMeasureMs: 10_000,
  /** The whole bench stops itself after this long. */
  deadlineMs: 175_000,
} as const;

const targets = { throughput: 25_000, p99Ms: 10, bytesPerSocket: 16 * 1024 } as const;

const here = path.dirname(fileURLToPath(import.meta.url));
const children: (() => void)[] = [];
/** The bench's data folder, removed on every way out. */
let benchDataDir: string | undefined;
const killChildren = (): void => {
  for (const kill of children.splice(0)) {
    try {
      kill();
    } catch {
      // Already gone.
    }
  }
  if (benchDataDir) fs.rmSync(benchDataDir, { recursive: true, force: true });
};

const { log } = benchLog();
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Figures {
  /** The longest ws ping→pong on an idle socket during the latency run (see stallProbe). */
  readonly stall: { worstMs: number; p99Ms: number };
  readonly memory: { sockets: number; rssIdleBytes: number; rssWithSocketsBytes: number; bytesPerSocket: number };
  readonly latency: LatencyResult;
  readonly throughput: ThroughputResult;
}

/** 5,000 client sockets plus the server's: make sure the soft limit allows it, re-running under `ulimit -n` if not. */
function ensureFileLimit(): void {
  const soft = Number(/Max open files\s+(\d+)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? 0);
  if (soft >= 15_000 || process.env.PARLEY_BENCH_ULIMIT === '1') return;
  const args = [...process.execArgv, ...process.argv.slice(1)];
  const result = spawnSync('sh', ['-c', 'ulimit -n 20000 && exec "$0" "$@"', process.execPath, ...args], {
    stdio: 'inherit',
    env: { ...process.env, PARLEY_BENCH_ULIMIT: '1' },
  });
  process.exit(result.status ?? 1);
}

/** The load generator runs on core 1 (every thread: `taskset -a`), the servers on core 0. */
function pinSelf(): string {
  if (os.cpus().length < 2) return 'not pinned: fewer than 2 cores';
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  return 'load generator on core 1, server on core 0';
}

async function measure(target: Target, latencyMeasureMs: number): Promise<Figures> {
  // Warm the upgrade path so the idle figure is not JIT and first-use allocations.
  await closePairs(await connectPairs(target, 100));
  await sleep(500);
  const rssIdleBytes = await settledRss(target.pid());
  const pairs = await connectPairs(target, plan.people);
  await sleep(1_000);
  const rssWithSocketsBytes = await settledRss(target.pid());
  const sockets = pairs.length * 2;
  log(`${target.name}: ${sockets} sockets open; RSS ${mb(rssIdleBytes)} → ${mb(rssWithSocketsBytes)}`);

  const probeSocket = await connect(target, 0);
  const stopProbe = stallProbe(probeSocket);
  const latency = await runLatency(target, pairs, { rate: plan.latencyRate, warmupMs: plan.latencyWarmupMs, measureMs: latencyMeasureMs });
  const stall = stopProbe();
  probeSocket.terminate();
  log(
    `${target.name}: p50 ${latency.p50Ms} p99 ${latency.p99Ms} p99.9 ${latency.p999Ms} max ${latency.maxMs} ms at ${plan.latencyRate}/s (lost ${latency.lost}, server CPU ${latency.serverCpuPercent}%, waiting for its core ${latency.serverWaitPercent}%, load generator waiting ${latency.loadWaitPercent}%; longest stall ${stall.worstMs} ms)`,
  );
  const throughput = await runThroughput(target, pairs.slice(0, plan.throughputPairs), {
    window: plan.window,
    warmupMs: plan.throughputWarmupMs,
    measureMs: plan.throughputMeasureMs,
  });
  log(
    `${target.name}: ${throughput.perSecond}/s (server CPU ${throughput.serverCpuPercent}%, waiting for its core ${throughput.serverWaitPercent}%, ` +
      `load generator ${throughput.loadCpuPercent}%, errors ${JSON.stringify(throughput.errors)})`,
  );
  await closePairs(pairs);
  return {
    stall,
    memory: { sockets, rssIdleBytes, rssWithSocketsBytes, bytesPerSocket: Math.round((rssWithSocketsBytes - rssIdleBytes) / sockets) },
    latency,
    throughput,
  };
}

const messageText = 'Hello from the bench: what is my balance?';

async function benchParley(dataDir: string): Promise<Figures> {
  // A first start makes the schema and seeds the Sandbox Bank; people go in while it is stopped; a
  // second start (on both cores, to save time) opens their conversations; the measured start is the third.
  const setup = await startServerProcess({ dataDir, databaseUrl: null });
  await setup.stop();
  const people = insertPeople(dataDir, plan.people);
  const opener = await startServerProcess({ dataDir, databaseUrl: null });
  children.push(() => process.kill(opener.pid(), 'SIGKILL'));
  const conversations = await openConversations(`http://127.0.0.1:${opener.port}`, people, 64);
  await opener.stop();
  log(`Parley: ${people.length} people and sessions inserted, their conversations opened over HTTP`);
  const server = await startServerProcess({
    dataDir,
    databaseUrl: null,
    wrap: ['taskset', '-c', '0'],
    nodeFlags: ['--expose-gc', ...serverNodeFlags({ pinned: true })],
    preload: [path.join(here, 'gc-hook.ts')],
    env: { LOG_LEVEL: 'warn' },
  });
  children.push(() => process.kill(server.pid(), 'SIGKILL'));
  try {
    const origin = `http://localhost:${server.port}`;
    const target: Target = {
      name: 'Parley',
      pid: () => server.pid(),
      socket: (pair) => ({ url: `ws://127.0.0.1:${server.port}/v1/ws`, headers: { cookie: people[pair]?.cookie ?? '', origin } }),
      sendFrame: (pair, clientId) =>
        `{"type":"send","clientId":"${clientId}","conversationId":"${conversations[pair]}","content":{"contentType":"text","text":"${messageText}"}}`,
      greets: true,
      acks: true,
    };
    return await measure(target, plan.latencyMeasureMs.parley);
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    await server.stop();
  }
}

async function startRelay(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freeLoopbackPort();
  const child = spawn('taskset', ['-c', '0', process.execPath, '--expose-gc', ...serverNodeFlags({ pinned: true, parley: false }), '--import', 'tsx', path.join(here, 'peers/ws-relay.ts')], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => (chunk.toString().includes('listening') ? resolve() : undefined));
    child.once('exit', (code) => reject(new Error(`the relay exited (${code})`)));
  });
  return { child, port };
}

async function benchRelay(): Promise<Figures> {
  const { child, port } = await startRelay();
  try {
    const target: Target = {
      name: 'ws relay',
      pid: () => child.pid ?? -1,
      socket: (pair) => ({ url: `ws://127.0.0.1:${port}/?conversation=${pair}`, headers: {} }),
      sendFrame: (pair, clientId) =>
        `{"type":"send","clientId":"${clientId}","conversationId":"relay-${pair}","content":{"contentType":"text","text":"${messageText}"}}`,
      greets: false,
      acks: false,
    };
    return await measure(target, plan.latencyMeasureMs.relay);
  } finally {
    child.kill('SIGTERM');
  }
}

function rows(parley: Figures, relay: Figures): Row[] {
  return [
    {
      figure: `persisted msgs/s (SQLite; ${plan.throughputPairs * 2} sockets × ${plan.window} in flight)`,
      parley: parley.throughput.perSecond,
      peer: relay.throughput.perSecond,
      target: `≥ ${targets.throughput}`,
      pass: parley.throughput.perSecond >= targets.throughput && Object.keys(parley.throughput.errors).length === 0,
      unit: '',
    },
    {
      figure: `p99 send→delivery at ${plan.latencyRate}/s, ${plan.people * 2} sockets`,
      parley: parley.latency.p99Ms,
      peer: relay.latency.p99Ms,
      target: `< ${targets.p99Ms} ms`,
      pass: parley.latency.p99Ms < targets.p99Ms && parley.latency.lost === 0,
      unit: ' ms',
    },
    {
      figure: 'longest stall: ws ping→pong on an idle socket, latency run',
      parley: parley.stall.worstMs,
      peer: relay.stall.worstMs,
      target: '–',
      pass: null,
      unit: ' ms',
    },
    {
      figure: `memory per idle authenticated socket (${parley.memory.sockets})`,
      parley: parley.memory.bytesPerSocket,
      peer: relay.memory.bytesPerSocket,
      target: `< ${targets.bytesPerSocket} B`,
      pass: parley.memory.bytesPerSocket < targets.bytesPerSocket,
      unit: ' B',
    },
  ];
}

async function main(): Promise<void> {
  ensureFileLimit();
  const pinning = pinSelf();
  const started = Date.now();
  const loadBefore = os.loadavg();
  if ((loadBefore[0] ?? 0) > 1.5) console.warn(`bench: load average ${loadBefore[0]?.toFixed(1)} on ${os.cpus().length} cores; other work will skew the figures.`);
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  benchDataDir = store;
  try {
    const parley = await benchParley(store);
    const relay = await benchRelay();
    const table = rows(parley, relay);
    printTable(table);
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pinning, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
      plan,
      targets,
      sqliteSync: process.env.PARLEY_SQLITE_SYNC || 'normal (the default)',
      parley,
      relay,
      ratios: Object.fromEntries(table.map((r) => [r.figure, r.peer === 0 ? null : +(r.parley / r.peer).toFixed(3)])),
      pass: Object.fromEntries(table.filter((r) => r.pass !== null).map((r) => [r.figure, r.pass])),
      durationMs: Date.now() - started,
      benchRssBytes: rssBytes(process.pid),
    };
    writeResults('messaging', results, started);
  } finally {
    killChildren();
  }
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup: killChildren });
