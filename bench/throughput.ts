import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { cpuMs, runQueueWaitMs, sleep, type Pair, type Target } from './load';

export interface ThroughputResult {
  readonly sockets: number;
  readonly window: number;
  /** Completed sends per second over the measured window: acks (Parley, i.e. persisted) or relayed copies (relay). */
  readonly perSecond: number;
  /** Completions per second, one figure per second of the measured window. */
  readonly series: number[];
  readonly serverCpuPercent: number;
  /** Time the server's main thread was runnable but waiting for core 0 (other processes on it): high means a noisy run. */
  readonly serverWaitPercent: number;
  readonly loadCpuPercent: number;
  /** Error frames by code, and sockets closed by the server during the run (should both be empty / 0). */
  readonly errors: Record<string, number>;
  readonly closed: number;
}

interface Sender {
  readonly pair: number;
  readonly socket: WebSocket;
  inFlight: number;
  sent: number;
}

/**
 * Closed loop: both sockets of each pair send, each keeping `window` messages in flight, and
 * send the next as soon as one completes. For Parley a send completes with its ack (it is
 * then durably stored); the relay sends no acks, so a send completes when the pair's other
 * socket receives it. Completions are counted over `measureMs` after `warmupMs`.
 */
export async function runThroughput(
  target: Target,
  pairs: readonly Pair[],
  options: { window: number; warmupMs: number; measureMs: number },
): Promise<ThroughputResult> {
  let completions = 0;
  const errors: Record<string, number> = {};
  let closed = 0;
  let stopping = false;
  const senders: Sender[] = [];
  const fill = (sender: Sender): void => {
    while (!stopping && sender.inFlight < options.window && sender.socket.readyState === WebSocket.OPEN) {
      sender.inFlight++;
      const side = sender.socket === pairs[sender.pair]?.a ? 'a' : 'b';
      sender.socket.send(target.sendFrame(sender.pair, `tp${String(sender.pair).padStart(5, '0')}${side}${sender.sent++}`));
    }
  };
  const complete = (sender: Sender): void => {
    sender.inFlight--;
    completions++;
    fill(sender);
  };
  pairs.forEach(({ a, b }, pair) => {
    const fromA: Sender = { pair, socket: a, inFlight: 0, sent: 0 };
    const fromB: Sender = { pair, socket: b, inFlight: 0, sent: 0 };
    senders.push(fromA, fromB);
    for (const [socket, own, other] of [[a, fromA, fromB], [b, fromB, fromA]] as const) {
      socket.removeAllListeners('message');
      socket.once('close', () => closed++);
      // Frames are told apart by their first bytes: parsing 100k frames a second would make the load generator the bottleneck.
      socket.on('message', (data: Buffer) => {
        const head = data.toString('latin1', 0, 14);
        if (target.acks) {
          if (head === '{"type":"ack",') complete(own);
          else if (head.startsWith('{"type":"error')) {
            const frame = JSON.parse(String(data)) as { code: string; ref?: string };
            errors[frame.code] = (errors[frame.code] ?? 0) + 1;
            // A refused send is done too; the window must not shrink.
            if (frame.ref) own.inFlight--;
            fill(own);
          }
        } else if (head === '{"type":"send"') {
          complete(other);
        }
      });
    }
  });

  const loadCpu0 = process.cpuUsage();
  senders.forEach(fill);
  await sleep(options.warmupMs);
  const startCount = completions;
  const startTime = performance.now();
  const serverCpu0 = cpuMs(target.pid());
  const wait0 = runQueueWaitMs(target.pid());
  const loadCpuStart = process.cpuUsage(loadCpu0);
  const series: number[] = [];
  let last = completions;
  for (let elapsed = 0; elapsed < options.measureMs; elapsed += 1000) {
    await sleep(1000);
    series.push(completions - last);
    last = completions;
  }
  const seconds = (performance.now() - startTime) / 1000;
  const perSecond = (completions - startCount) / seconds;
  const serverCpuPercent = ((cpuMs(target.pid()) - serverCpu0) / (seconds * 1000)) * 100;
  const serverWaitPercent = ((runQueueWaitMs(target.pid()) - wait0) / (seconds * 1000)) * 100;
  const loadCpu = process.cpuUsage(loadCpu0);
  const loadCpuPercent = ((loadCpu.user + loadCpu.system - loadCpuStart.user - loadCpuStart.system) / 1000 / (seconds * 1000)) * 100;

  stopping = true;
  const deadline = performance.now() + 10_000;
  while (senders.some((s) => s.inFlight > 0 && s.socket.readyState === WebSocket.OPEN) && performance.now() < deadline) await sleep(50);
  return {
    sockets: senders.length,
    window: options.window,
    perSecond: Math.round(perSecond),
    series,
    serverCpuPercent: Math.round(serverCpuPercent),
    serverWaitPercent: Math.round(serverWaitPercent),
    loadCpuPercent: Math.round(loadCpuPercent),
    errors,
    closed,
  };
}
