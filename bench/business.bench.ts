import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '../packages/server/test/server-process';
import { sendLatency, sendThroughput, type LatencyFigure, type SendTarget, type ThroughputFigure } from './business/http-load';
import { sendBodies, seedParley } from './business/setup';
import { printBusinessTable, type BusinessRow } from './business/table';
import { parleyDelivery, peerDelivery, personMessages, startSink, type DeliveryFigure, type Sink } from './business/webhooks';
import { sleep } from './load';
import { benchCleanup, benchLog, runBench, serverNodeFlags, writeResults } from './run';

// npm run bench:business — the Send API against a bare Fastify route with the same schema, and
// webhook delivery against a raw undici pool, servers on core 0, load generator and sink on
// core 1. See bench/README.md for the method.

const plan = {
  people: 500,
  throughput: { connections: 64, warmupMs: 2_000, measureMs: 10_000 },
  latency: { rate: 5_000, connections: 128, warmupMs: 2_000, measureMs: 10_000 },
  /** Webhook events: persons' messages, `window` in flight per socket. */
  webhooks: { events: 20_000, window: 8 },
  /** Parley's dispatcher limits (webhook.sender.ts, webhook.dispatcher.ts), given to the peer too. */
  peerWebhooks: { connections: 16, inFlight: 64 },
  deadlineMs: 175_000,
} as const;

const targets = { throughputRatio: 0.25, p99Ms: 10, deliveryRatio: 0.5 } as const;

const here = path.dirname(fileURLToPath(import.meta.url));
const { kills: children, own, cleanup: killChildren } = benchCleanup();
const { log } = benchLog();

interface SendFigures {
  readonly throughput: ThroughputFigure;
  readonly latency: LatencyFigure;
}

async function measureSend(target: SendTarget): Promise<SendFigures> {
  const throughput = await sendThroughput(target, plan.throughput);
  log(`${target.name}: ${throughput.perSecond} sends/s (server CPU ${throughput.serverCpuPercent}%, waiting for its core ${throughput.serverWaitPercent}%; statuses ${JSON.stringify(throughput.statuses)}, failures ${throughput.failures})`);
  await sleep(500);
  const latency = await sendLatency(target, plan.latency);
  log(
    `${target.name}: p50 ${latency.p50Ms} p99 ${latency.p99Ms} p99.9 ${latency.p999Ms} max ${latency.maxMs} ms at ${latency.offeredPerSecond}/s ` +
      `(server CPU ${latency.serverCpuPercent}%, waiting ${latency.serverWaitPercent}%; statuses ${JSON.stringify(latency.statuses)}, failures ${latency.failures}, unanswered after 10 s ${latency.unanswered})`,
  );
  // Let a server that fell behind finish what it had read before the next figure.
  await sleep(2_000);
  return { throughput, latency };
}

interface ParleyRun extends SendFigures {
  readonly webhooks: DeliveryFigure;
  readonly bsids: [string, string][];
  readonly webhookSecret: string;
}

async function benchParley(sink: Sink, dataDir: string, pin: boolean): Promise<ParleyRun> {
  const seeded = await seedParley({
    dataDir,
    people: plan.people,
    sinkUrl: sink.url,
    pin,
    nodeFlags: serverNodeFlags({ pinned: pin }),
    onStart: (server) => children.push(() => process.kill(server.pid(), 'SIGKILL')),
  });
  const { server, target } = seeded;
  try {
    // Each person writes once: the 24 h window is open, and the bank learns their BSIDs from the webhooks.
    sink.tell({ cmd: 'reset', hold: false, collect: true });
    await personMessages(target, plan.people, plan.people, 1, 'first');
    let stats = await sink.stats();
    for (let i = 0; i < 100 && Object.keys(stats.bsids).length < plan.people; i++) stats = (await sleep(100), await sink.stats());
    const bsids = Object.entries(stats.bsids);
    if (bsids.length < plan.people) throw new Error(`only ${bsids.length} of ${plan.people} first messages reached the sink`);
    log(`Parley: ${plan.people} people, conversations, first messages; BSIDs learnt from ${bsids.length} webhooks`);

    const send = await measureSend({
      name: 'Parley',
      origin: `http://127.0.0.1:${server.port}`,
      pid: () => server.pid(),
      authorization: `Bearer ${seeded.apiKey}`,
      body: sendBodies(bsids.map(([, bsid]) => bsid)),
    });
    const webhooks = await parleyDelivery(sink, target, { people: plan.people, total: plan.webhooks.events, window: plan.webhooks.window });
    log(
      `Parley: ${webhooks.received}/${webhooks.expected} webhooks in ${webhooks.spanMs} ms after the release = ${webhooks.perSecond}/s ` +
        `(backlog made in ${webhooks.generateMs} ms; lost ${webhooks.lost}, duplicates ${webhooks.duplicates}, server CPU ${webhooks.serverCpuPercent}%)`,
    );
    return { ...send, webhooks, bsids, webhookSecret: seeded.webhookSecret };
  } catch (error) {
    console.error(server.output());
    throw error;
  } finally {
    await server.stop();
  }
}

async function startPeer(pin: boolean): Promise<{ child: ChildProcess; port: number }> {
  const port = await freeLoopbackPort();
  const argv = [process.execPath, ...serverNodeFlags({ pinned: pin, parley: false }), '--import', 'tsx', path.join(here, 'peers/fastify-send.ts')];
  const [command, ...args] = pin ? ['taskset', '-c', '0', ...argv] : argv;
  const child = spawn(command as string, args, { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => (chunk.toString().includes('listening') ? resolve() : undefined));
    child.once('exit', (code) => reject(new Error(`the Fastify peer exited (${code})`)));
  });
  return { child, port };
}

async function benchPeer(bsids: readonly [string, string][], pin: boolean): Promise<SendFigures> {
  const { child, port } = await startPeer(pin);
  try {
    return await measureSend({
      name: 'Fastify route',
      origin: `http://127.0.0.1:${port}`,
      pid: () => child.pid ?? -1,
      authorization: 'Bearer pk_000000000000_unused',
      body: sendBodies(bsids.map(([, bsid]) => bsid)),
    });
  } finally {
    child.kill('SIGTERM');
  }
}

const perSecond = (n: number): string => `${n.toLocaleString('en')}/s`;
/** Sends per second of the server's own CPU time: what a server would do with a whole core to itself. */
const perCpu = (f: ThroughputFigure): number => (f.serverCpuPercent > 0 ? Math.round((f.perSecond * 100) / f.serverCpuPercent) : 0);
const ratio = (a: number, b: number): number => (b === 0 ? 0 : +(a / b).toFixed(3));

function rows(parley: ParleyRun, peer: SendFigures, peerHooks: DeliveryFigure): BusinessRow[] {
  const tp = ratio(parley.throughput.perSecond, peer.throughput.perSecond);
  const hooks = ratio(parley.webhooks.perSecond, peerHooks.perSecond);
  const sendErrors = (f: ThroughputFigure | LatencyFigure): number => f.failures + ('unanswered' in f ? f.unanswered : 0) + Object.entries(f.statuses).reduce((n, [s, c]) => n + (s === '201' ? 0 : c), 0);
  return [
    {
      figure: `Send API sends/s (closed loop, ${plan.throughput.connections} connections)`,
      parley: perSecond(parley.throughput.perSecond),
      peer: perSecond(peer.throughput.perSecond),
      ratio: tp,
      target: `≥ ${targets.throughputRatio}×`,
      pass: tp >= targets.throughputRatio && sendErrors(parley.throughput) === 0,
    },
    {
      figure: 'Send API sends per server CPU-second (no target; context)',
      parley: perSecond(perCpu(parley.throughput)),
      peer: perSecond(perCpu(peer.throughput)),
      ratio: ratio(perCpu(parley.throughput), perCpu(peer.throughput)),
      target: '–',
      pass: null,
    },
    {
      figure: `Send API p50 at ${plan.latency.rate}/s`,
      parley: `${parley.latency.p50Ms} ms`,
      peer: `${peer.latency.p50Ms} ms`,
      ratio: null,
      target: '–',
      pass: null,
    },
    {
      figure: `Send API p99 at ${plan.latency.rate}/s`,
      parley: `${parley.latency.p99Ms} ms`,
      peer: `${peer.latency.p99Ms} ms`,
      ratio: null,
      target: `≤ ${targets.p99Ms} ms`,
      pass: parley.latency.p99Ms <= targets.p99Ms && sendErrors(parley.latency) === 0,
    },
    {
      figure: `webhook deliveries/s (${plan.webhooks.events.toLocaleString('en')} events)`,
      parley: perSecond(parley.webhooks.perSecond),
      peer: perSecond(peerHooks.perSecond),
      ratio: hooks,
      target: `≥ ${targets.deliveryRatio}×`,
      pass: hooks >= targets.deliveryRatio,
    },
    {
      figure: 'webhooks lost',
      parley: String(parley.webhooks.lost),
      peer: String(peerHooks.lost),
      ratio: null,
      target: '0',
      pass: parley.webhooks.lost === 0,
    },
  ];
}

async function main(): Promise<void> {
  const pin = os.cpus().length >= 2;
  if (pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const pinning = pin ? 'servers on core 0; load generator and sink on core 1' : 'not pinned: fewer than 2 cores';
  const loadBefore = os.loadavg();
  if ((loadBefore[0] ?? 0) > 1.5) console.warn(`bench: load average ${loadBefore[0]?.toFixed(1)} on ${os.cpus().length} cores; other work will skew the figures.`);
  const started = Date.now();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-business-'));
  own(store);
  const sink = await startSink(pin);
  children.push(() => sink.child.kill('SIGKILL'));
  try {
    const parley = await benchParley(sink, store, pin);
    const peer = await benchPeer(parley.bsids, pin);
    const peerHooks = await peerDelivery(sink, { total: plan.webhooks.events, ...plan.peerWebhooks, secret: parley.webhookSecret, bsids: parley.bsids });
    log(`undici pool: ${peerHooks.received}/${peerHooks.expected} webhooks in ${peerHooks.spanMs} ms = ${peerHooks.perSecond}/s (lost ${peerHooks.lost})`);
    const table = rows(parley, peer, peerHooks);
    printBusinessTable(table);
    const loadAfter = os.loadavg();
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
    const { bsids: _bsids, webhookSecret: _secret, ...parleyFigures } = parley;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, pinning, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      plan,
      targets,
      parley: parleyFigures,
      peer: { send: peer, webhooks: peerHooks },
      rows: table,
      durationMs: Date.now() - started,
    };
    writeResults('business', results, started);
  } finally {
    killChildren();
  }
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup: killChildren });
