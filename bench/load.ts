import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import WebSocket from 'ws';

/** What the load generator needs to know about the server under test. */
export interface Target {
  readonly name: string;
  pid(): number;
  /** URL and headers of a socket of conversation `pair`. */
  socket(pair: number): { url: string; headers: Record<string, string> };
  /** The text frame that sends message `clientId` in conversation `pair`. */
  sendFrame(pair: number, clientId: string): string;
  /** Parley greets each socket with `hello` once authenticated; the relay says nothing. */
  readonly greets: boolean;
  /** Parley acks the sender; the relay does not, so its sends complete when the peer gets them. */
  readonly acks: boolean;
}

/** Two sockets in one conversation: the sender `a` and the receiver `b` (for Parley, one person's two devices). */
export interface Pair {
  readonly a: WebSocket;
  readonly b: WebSocket;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function connect(target: Target, pair: number): Promise<WebSocket> {
  const { url, headers } = target.socket(pair);
  const socket = new WebSocket(url, { headers, perMessageDeflate: false, skipUTF8Validation: true });
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target.name}: socket ${pair} did not open in 20 s`)), 20_000);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`${target.name}: upgrade refused ${response.statusCode}`)));
    socket.once('close', () => reject(new Error(`${target.name}: socket ${pair} closed while opening`)));
    const done = (): void => {
      clearTimeout(timer);
      resolve(socket);
    };
    if (target.greets) socket.once('message', done);
    else socket.once('open', done);
  });
}

/** Open `count` pairs, `concurrency` upgrades at a time. */
export async function connectPairs(target: Target, count: number, concurrency = 100): Promise<Pair[]> {
  const pairs: Pair[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      pairs[i] = { a: await connect(target, i), b: await connect(target, i) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return pairs;
}

export async function closePairs(pairs: readonly Pair[]): Promise<void> {
  const closed = pairs.flatMap((p) => [p.a, p.b]).map(
    (socket) => new Promise<void>((resolve) => (socket.readyState === WebSocket.CLOSED ? resolve() : (socket.once('close', () => resolve()), socket.terminate()))),
  );
  await Promise.all(closed);
}

/**
 * A WebSocket-level ping every `everyMs` on an otherwise idle socket; the server's `ws` answers
 * pong from its event loop, so the longest ping→pong is the longest time the server (or this
 * load generator) did not get to its sockets. Same probe for Parley and the relay.
 */
export function stallProbe(socket: WebSocket, everyMs = 10): () => { worstMs: number; p99Ms: number } {
  const lags: number[] = [];
  socket.on('pong', (data: Buffer) => lags.push(performance.now() - data.readDoubleLE(0)));
  const timer = setInterval(() => {
    const stamp = Buffer.alloc(8);
    stamp.writeDoubleLE(performance.now());
    if (socket.readyState === WebSocket.OPEN) socket.ping(stamp);
  }, everyMs);
  return () => {
    clearInterval(timer);
    lags.sort((x, y) => x - y);
    const at = (q: number): number => Math.round((lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0) * 10) / 10;
    return { worstMs: at(1), p99Ms: at(0.99) };
  };
}

/** Resident memory of a process, in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/** A full GC in the target (it was started with --expose-gc and a SIGUSR2 hook), then its settled VmRSS. */
export async function settledRss(pid: number): Promise<number> {
  for (let i = 0; i < 2; i++) {
    process.kill(pid, 'SIGUSR2');
    await sleep(500);
  }
  return rssBytes(pid);
}

/** CPU time a process has used, in ms (utime + stime from /proc/<pid>/stat; 100 ticks a second). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** How long the process's main thread waited on the run queue (runnable, no core free), in ms. */
export function runQueueWaitMs(pid: number): number {
  const [, waitNs] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ');
  return Number(waitNs) / 1e6;
}

export interface LatencyResult {
  readonly offeredPerSecond: number;
  readonly measured: number;
  readonly lost: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Parley only: intended send → ack at the sender. */
  readonly ackP99Ms: number | null;
  readonly serverCpuPercent: number;
  readonly serverWaitPercent: number;
  /** The same for the load generator's main thread on core 1: high means its clock readings are late too. */
  readonly loadWaitPercent: number;
}

const toMs = (us: number): number => Math.round(us) / 1000;

/** The clientId of message k in the latency run; k is read back from it on delivery. */
const latencyId = (k: number): string => `lat${String(k).padStart(9, '0')}`;

/**
 * Open loop: message k is due at t0 + k/rate, whatever the server does, sent by pair k mod n on
 * socket a; latency is from that intended time to its arrival on socket b, so a stall delays
 * every message due during it (no coordinated omission). Recorded after the warm-up only.
 */
export async function runLatency(
  target: Target,
  pairs: readonly Pair[],
  options: { rate: number; warmupMs: number; measureMs: number },
): Promise<LatencyResult> {
  const total = Math.round((options.rate * (options.warmupMs + options.measureMs)) / 1000);
  const firstMeasured = Math.round((options.rate * options.warmupMs) / 1000);
  const intended = new Float64Array(total);
  const delivered = new Uint8Array(total);
  const delivery = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const ack = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const record = (clientId: string | undefined, histogram: hdr.Histogram, isDelivery: boolean): void => {
    if (!clientId?.startsWith('lat')) return;
    const k = Number(clientId.slice(3));
    if (!(k >= 0 && k < total)) return;
    if (isDelivery) {
      if (delivered[k]) return;
      delivered[k] = 1;
    }
    if (k >= firstMeasured) histogram.recordValue(Math.max(1, Math.round((performance.now() - (intended[k] as number)) * 1000)));
  };
  for (const { a, b } of pairs) {
    a.removeAllListeners('message');
    b.removeAllListeners('message');
    b.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; clientId?: string; message?: { clientId?: string } };
      record(frame.type === 'message' ? frame.message?.clientId : frame.clientId, delivery, true);
    });
    if (target.acks) {
      a.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; clientId?: string };
        if (frame.type === 'ack') record(frame.clientId, ack, false);
      });
    }
  }
  const interval = 1000 / options.rate;
  const t0 = performance.now() + 20;
  let k = 0;
  let cpuAtMeasure = 0;
  let waitAtMeasure = 0;
  let loadWaitAtMeasure = 0;
  let timeAtMeasure = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (k < total && t0 + k * interval <= now) {
        const pair = k % pairs.length;
        intended[k] = t0 + k * interval;
        const socket = (pairs[pair] as Pair).a;
        if (socket.readyState === WebSocket.OPEN) socket.send(target.sendFrame(pair, latencyId(k)));
        if (k === firstMeasured) {
          cpuAtMeasure = cpuMs(target.pid());
          waitAtMeasure = runQueueWaitMs(target.pid());
          loadWaitAtMeasure = runQueueWaitMs(process.pid);
          timeAtMeasure = now;
        }
        k++;
      }
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const serverCpuPercent = ((cpuMs(target.pid()) - cpuAtMeasure) / (performance.now() - timeAtMeasure)) * 100;
  const serverWaitPercent = ((runQueueWaitMs(target.pid()) - waitAtMeasure) / (performance.now() - timeAtMeasure)) * 100;
  const loadWaitPercent = ((runQueueWaitMs(process.pid) - loadWaitAtMeasure) / (performance.now() - timeAtMeasure)) * 100;
  const deadline = performance.now() + 5_000;
  const missing = (): number => delivered.subarray(firstMeasured).reduce((n, d) => n + (d ? 0 : 1), 0);
  while (missing() > 0 && performance.now() < deadline) await sleep(50);
  // Whatever is still missing never arrived: it counts as lost, and at the worst latency seen.
  const lost = missing();
  return {
    offeredPerSecond: options.rate,
    measured: delivery.totalCount,
    lost,
    p50Ms: toMs(delivery.getValueAtPercentile(50)),
    p90Ms: toMs(delivery.getValueAtPercentile(90)),
    p99Ms: toMs(delivery.getValueAtPercentile(99)),
    p999Ms: toMs(delivery.getValueAtPercentile(99.9)),
    maxMs: toMs(delivery.maxValue),
    ackP99Ms: target.acks ? toMs(ack.getValueAtPercentile(99)) : null,
    serverCpuPercent: Math.round(serverCpuPercent),
    serverWaitPercent: Math.round(serverWaitPercent),
    loadWaitPercent: Math.round(loadWaitPercent),
  };
}
