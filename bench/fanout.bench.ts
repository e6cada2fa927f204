import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { startParleyFanout } from './fanout-parley';
import { ensureFileLimit, pinSelf } from './host';
import { sleep, startCpuMeter } from './load';
import { idAfter, killChildren, openSocket, tempDir } from './peers/system';
import { openSocketIo, startNodePeer } from './peers/ws-systems';
import { benchLog, runBench, writeResults } from './run';

// npm run bench:fanout — one bank notice to 10,000 connected followers. Parley: the bank POSTs
// /v1/notices (an HTTP request with its API key) and Parley stores the notice once and writes
// one frame, serialized once, to every follower's socket. Peers, for the figure to reach: the raw
// `ws` relay sending one buffer to every socket, and Socket.IO's `io.emit`, each told by a frame
// on a sender socket. Per system: 10,000 receivers connected, a warm-up notice, then `rounds`
// notices one after the other; a round's figure is the time from the send (for Parley, the start
// of the HTTP request) to the last receiver's copy, and deliveries per second.

const quick = process.env.BENCH_QUICK === '1';
export const plan = { receivers: quick ? 500 : 10_000, rounds: 5, deadlineMs: 6 * 60_000 } as const;
const targets = { allDeliveredMs: 100, rawShare: 0.5 } as const;

const { started: benchStart, log } = benchLog();
const text = 'Scheduled maintenance tonight from 02:00 to 03:00.';

/** A system under test, started: how to open a receiver, send a round's notice, and read a frame's round. */
interface Fanout {
  readonly pid: () => number;
  receiver(i: number): Promise<WebSocket>;
  send(round: string): Promise<void>;
  roundOf(frame: string): string | undefined;
  stop(): Promise<void>;
}

interface System {
  readonly name: string;
  start(): Promise<Fanout>;
}

/** A Node peer told to broadcast by a frame on its own sender socket. */
function nodePeer(name: string, file: string, wire: { receiver: (port: number, i: number) => Promise<WebSocket>; sender: (port: number) => Promise<WebSocket>; frame: (round: string) => string; marker: string }): System {
  return {
    name,
    async start() {
      const server = await startNodePeer(file);
      const sender = await wire.sender(server.port);
      return {
        pid: server.pid,
        receiver: (i) => wire.receiver(server.port, i),
        send: async (round) => void sender.send(wire.frame(round)),
        roundOf: (frame) => idAfter(frame, wire.marker),
        stop: async () => {
          sender.terminate();
          await server.stop();
        },
      };
    },
  };
}

const parley: System = {
  name: 'Parley (POST /v1/notices)',
  async start() {
    const { server, people, apiKey } = await startParleyFanout(tempDir('parley-fanout-'), plan.receivers);
    const origin = `http://localhost:${server.port}`;
    const base = `http://127.0.0.1:${server.port}`;
    return {
      pid: () => server.pid(),
      receiver: (i) => openSocket(`ws://127.0.0.1:${server.port}/v1/ws`, { cookie: people[i]?.cookie ?? '', origin }, true),
      async send(round) {
        const response = await fetch(`${base}/v1/notices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': round, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `${round} ${text}` }),
        });
        if (response.status !== 201) throw new Error(`notice refused: ${response.status} ${await response.text()}`);
      },
      // The frame is {"type":"notice","notice":{"id":…,"businessId":…,"text":"<round> …"}}.
      roundOf: (frame) => idAfter(frame, '"text":"')?.split(' ', 1)[0],
      stop: () => server.stop(),
    };
  },
};

const systems: System[] = [
  parley,
  nodePeer('ws relay (broadcast of one buffer)', 'ws-relay.ts', {
    receiver: (port, i) => openSocket(`ws://127.0.0.1:${port}/?conversation=r${i}`, {}, false),
    sender: (port) => openSocket(`ws://127.0.0.1:${port}/?conversation=sender&broadcast=1`, {}, false),
    frame: (round) => `{"type":"notice","id":"${round}","text":"${text}"}`,
    marker: '"id":"',
  }),
  nodePeer('Socket.IO (io.emit)', 'socketio-server.ts', {
    receiver: (port, i) => openSocketIo(port, i),
    sender: (port) => openSocketIo(port, -1),
    frame: (round) => `42["broadcast","${round}","${text}"]`,
    marker: '42["message","',
  }),
];

interface Round {
  /** From the send to the first receiver's copy: for Parley, the API call, the insert and the follower read. */
  firstMs: number;
  allDeliveredMs: number;
  perSecond: number;
  delivered: number;
}

async function measure(system: System): Promise<{ rounds: Round[]; serverCpuPercent: number }> {
  const fanout = await system.start();
  const sockets: WebSocket[] = [];
  try {
    let current = '';
    let count = 0;
    let first = 0;
    let last = 0;
    let next = 0;
    await Promise.all(Array.from({ length: 100 }, async () => {
      while (next < plan.receivers) {
        const socket = await fanout.receiver(next++);
        sockets.push(socket);
        socket.on('message', (data: Buffer) => {
          if (fanout.roundOf(data.toString('latin1')) !== current) return;
          if (count++ === 0) first = performance.now();
          last = performance.now();
        });
      }
    }));
    const send = async (round: string): Promise<Round> => {
      await sleep(500);
      current = round;
      count = 0;
      const sent = performance.now();
      await fanout.send(current);
      const deadline = sent + 10_000;
      while (count < plan.receivers && performance.now() < deadline) await sleep(5);
      const allDeliveredMs = Math.round((last - sent) * 10) / 10;
      return { firstMs: Math.round((first - sent) * 10) / 10, allDeliveredMs, perSecond: Math.round(count / (allDeliveredMs / 1000)), delivered: count };
    };
    const warm = await send('warmup');
    log(`${system.name} warm-up: ${warm.delivered} of ${plan.receivers} in ${warm.allDeliveredMs} ms`);
    const rounds: Round[] = [];
    const meter = startCpuMeter(fanout.pid());
    for (let round = 1; round <= plan.rounds; round++) {
      const result = await send(`notice${round}`);
      rounds.push(result);
      log(`${system.name} round ${round}: ${result.delivered} of ${plan.receivers} in ${result.allDeliveredMs} ms (first after ${result.firstMs} ms)`);
    }
    return { rounds, serverCpuPercent: meter().serverCpuPercent };
  } finally {
    for (const socket of sockets) socket.terminate();
    await fanout.stop();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
const summary = (r: { rounds: Round[] }): { ms: number; perSecond: number; all: boolean; text: string } => {
  const times = r.rounds.map((x) => x.allDeliveredMs);
  const ms = median(times);
  const perSecond = median(r.rounds.map((x) => x.perSecond));
  const all = r.rounds.every((x) => x.delivered === plan.receivers);
  return { ms, perSecond, all, text: `${ms} ms (${Math.min(...times)}–${Math.max(...times)}), ${perSecond.toLocaleString('en')} deliveries/s${all ? '' : ', NOT ALL DELIVERED'}` };
};

async function main(): Promise<void> {
  ensureFileLimit(plan.receivers + 2_000);
  const pinning = pinSelf();
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const system of systems) results[system.name] = await measure(system);
  const [ours, raw, ...others] = systems.map((system) => summary(results[system.name] ?? { rounds: [] }));
  if (!ours || !raw) throw new Error('a system was not measured');
  const n = plan.receivers.toLocaleString('en');
  const share = Math.round((ours.perSecond / raw.perSecond) * 1000) / 1000;
  const rows = [
    {
      figure: `one bank notice to ${n} followers: all delivered, median of ${plan.rounds} (min–max)`,
      parley: ours.text,
      peer: `ws relay: ${raw.text}`,
      ratio: Math.round((ours.ms / raw.ms) * 1000) / 1000,
      target: `all < ${targets.allDeliveredMs} ms`,
      pass: ours.all && ours.ms < targets.allDeliveredMs,
    },
    {
      figure: `deliveries/s, Parley ÷ ws broadcast of one buffer`,
      parley: `${ours.perSecond.toLocaleString('en')}/s`,
      peer: `${raw.perSecond.toLocaleString('en')}/s`,
      ratio: share,
      target: `≥ ${targets.rawShare}×`,
      pass: ours.all && share >= targets.rawShare,
    },
    ...others.map((other, i) => ({
      figure: `${systems[i + 2]?.name}: all ${n} delivered, median of ${plan.rounds} (min–max)`,
      parley: '–',
      peer: other.text,
      ratio: Math.round((ours.perSecond / other.perSecond) * 1000) / 1000,
      target: '–',
      pass: null,
    })),
  ];
  console.table(rows);
  writeResults('fanout', { date: new Date().toISOString(), machine: { pinning, loadAverage: os.loadavg() }, plan, targets, parley: results[parley.name], peers: results, rows, durationMs: Date.now() - benchStart }, benchStart);
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup: killChildren });
