import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as hdr from 'hdr-histogram-js';

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

/** Share of one core a process used, and how long its and our main threads waited for a core, since `start`. */
export interface CpuShares {
  readonly serverCpuPercent: number;
  /** Time the server's main thread was runnable but waiting for its core (other processes on it): high means a noisy run. */
  readonly serverWaitPercent: number;
  /** The same for the load generator's main thread: high means its clock readings are late too. */
  readonly loadWaitPercent: number;
  /** The load generator's own CPU use (all threads). */
  readonly loadCpuPercent: number;
}

export function startCpuMeter(pid: number): () => CpuShares {
  const time = performance.now();
  const cpu = cpuMs(pid);
  const wait = runQueueWaitMs(pid);
  const loadWait = runQueueWaitMs(process.pid);
  const loadCpu = process.cpuUsage();
  return () => {
    const elapsed = performance.now() - time;
    const percent = (ms: number): number => Math.round((ms / elapsed) * 100);
    const used = process.cpuUsage(loadCpu);
    return {
      serverCpuPercent: percent(cpuMs(pid) - cpu),
      serverWaitPercent: percent(runQueueWaitMs(pid) - wait),
      loadWaitPercent: percent(runQueueWaitMs(process.pid) - loadWait),
      loadCpuPercent: percent((used.user + used.system) / 1000),
    };
  };
}

/** How long the process's main thread waited on the run queue (runnable, no core free), in ms. */
export function runQueueWaitMs(pid: number): number {
  const [, waitNs] = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ');
  return Number(waitNs) / 1e6;
}


/** The latency percentiles every open-loop figure reports, in ms. */
export interface Percentiles {
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** A histogram of latencies in µs, from 1 µs to 120 s at 3 significant digits. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

const toMs = (us: number): number => Math.round(us) / 1000;

export function percentiles(histogram: hdr.Histogram): Percentiles {
  return {
    p50Ms: toMs(histogram.getValueAtPercentile(50)),
    p90Ms: toMs(histogram.getValueAtPercentile(90)),
    p99Ms: toMs(histogram.getValueAtPercentile(99)),
    p999Ms: toMs(histogram.getValueAtPercentile(99.9)),
    maxMs: toMs(histogram.maxValue),
  };
}
