import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { ensureFileLimit, pinSelf } from './host';
import { sleep, startCpuMeter } from './load';
import { idAfter, killChildren, openSocket } from './peers/system';
import { openSocketIo, startNodePeer } from './peers/ws-systems';
import { benchLog, runBench, writeResults } from './run';

// npm run bench:fanout — one notice to 10,000 connected receivers. Parley has no broadcast API
// (a bank sends to one conversation at a time through the Send API), so its row says "not
// available"; the peers are measured so the figure to reach is known: the raw `ws` relay sending
// one buffer to every socket, and Socket.IO's `io.emit`. Per peer: 10,000 receivers and a
// sender connected, then `rounds` notices one after the other; a round's figure is the time
// from the send to the last receiver's copy, and deliveries per second.

const quick = process.env.BENCH_QUICK === '1';
export const plan = { receivers: quick ? 500 : 10_000, rounds: 5, deadlineMs: 4 * 60_000 } as const;
const targets = { allDeliveredMs: 100, rawShare: 0.5 } as const;

const { started: benchStart, log } = benchLog();

interface Peer {
  name: string;
  file: string;
  receiver: (port: number, i: number) => Promise<WebSocket>;
  sender: (port: number) => Promise<WebSocket>;
  frame: (id: string) => string;
  marker: string;
}

const text = 'Scheduled maintenance tonight from 02:00 to 03:00.';
const peers: Peer[] = [
  {
    name: 'ws relay (broadcast of one buffer)',
    file: 'ws-relay.ts',
    receiver: (port, i) => openSocket(`ws://127.0.0.1:${port}/?conversation=r${i}`, {}, false),
    sender: (port) => openSocket(`ws://127.0.0.1:${port}/?conversation=sender&broadcast=1`, {}, false),
    frame: (id) => `{"type":"notice","id":"${id}","text":"${text}"}`,
    marker: '"id":"',
  },
  {
    name: 'Socket.IO (io.emit)',
    file: 'socketio-server.ts',
    receiver: (port, i) => openSocketIo(port, i),
    sender: (port) => openSocketIo(port, -1),
    frame: (id) => `42["broadcast","${id}","${text}"]`,
    marker: '42["message","',
  },
];

async function measure(peer: Peer): Promise<{ rounds: { allDeliveredMs: number; perSecond: number; delivered: number }[]; serverCpuPercent: number }> {
  const server = await startNodePeer(peer.file);
  const sockets: WebSocket[] = [];
  try {
    let current = '';
    let count = 0;
    let last = 0;
    let next = 0;
    await Promise.all(Array.from({ length: 100 }, async () => {
      while (next < plan.receivers) {
        const socket = await peer.receiver(server.port, next++);
        sockets.push(socket);
        socket.on('message', (data: Buffer) => {
          if (idAfter(data.toString('latin1'), peer.marker) !== current) return;
          count++;
          last = performance.now();
        });
      }
    }));
    const sender = await peer.sender(server.port);
    sockets.push(sender);
    const rounds = [];
    const meter = startCpuMeter(server.pid());
    for (let round = 1; round <= plan.rounds; round++) {
      await sleep(500);
      current = `notice${round}`;
      count = 0;
      const sent = performance.now();
      sender.send(peer.frame(current));
      const deadline = sent + 10_000;
      while (count < plan.receivers && performance.now() < deadline) await sleep(5);
      const allDeliveredMs = Math.round((last - sent) * 10) / 10;
      rounds.push({ allDeliveredMs, perSecond: Math.round(count / (allDeliveredMs / 1000)), delivered: count });
      log(`${peer.name} round ${round}: ${count} of ${plan.receivers} in ${allDeliveredMs} ms`);
    }
    return { rounds, serverCpuPercent: meter().serverCpuPercent };
  } finally {
    for (const socket of sockets) socket.terminate();
    await server.stop();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

async function main(): Promise<void> {
  ensureFileLimit(plan.receivers + 2_000);
  const pinning = pinSelf();
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (const peer of peers) results[peer.name] = await measure(peer);
  const rows = [
    { figure: `one bank notice to ${plan.receivers.toLocaleString('en')} subscribed persons`, parley: 'not available: no broadcast API', peer: '–', ratio: null, target: `all < ${targets.allDeliveredMs} ms; ≥ ${targets.rawShare * 100}% of raw deliveries/s`, pass: null },
    ...Object.entries(results).map(([name, r]) => ({
      figure: `${name}: all ${plan.receivers.toLocaleString('en')} delivered, median of ${plan.rounds} (min–max)`,
      parley: '–',
      peer: `${median(r.rounds.map((x) => x.allDeliveredMs))} ms (${Math.min(...r.rounds.map((x) => x.allDeliveredMs))}–${Math.max(...r.rounds.map((x) => x.allDeliveredMs))}), ${median(r.rounds.map((x) => x.perSecond)).toLocaleString('en')} deliveries/s`,
      ratio: null,
      target: '–',
      pass: null,
    })),
  ];
  console.table(rows);
  writeResults('fanout', { date: new Date().toISOString(), machine: { pinning, loadAverage: os.loadavg() }, plan, targets, peers: results, rows, durationMs: Date.now() - benchStart }, benchStart);
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup: killChildren });
