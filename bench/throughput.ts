import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sleep, startCpuMeter, type CpuShares, type Pair, type Target } from './load';

export interface ThroughputResult extends CpuShares {
  readonly sockets: number;
  readonly window: number;
  /** Completed sends per second over the measured window: acks (Parley, i.e. stored) or relayed copies (relay). */
  readonly perSecond: number;
  /** Completions per second, one figure per second of the measured window. */
  readonly series: number[];
  /** Error frames by code, and sockets closed by the server during the run (should be {} and 0). */
  readonly errors: Record<string, number>;
  readonly closed: number;
}

interface Sender {
  readonly pair: number;
  readonly side: 'a' | 'b';
  readonly socket: WebSocket;
  inFlight: number;
  sent: number;
}

/** Both sockets of every pair send; `complete` is called once per completed send. */
class ClosedLoop {
  readonly senders: Sender[] = [];
  readonly errors: Record<string, number> = {};
  completions = 0;
  closed = 0;
  stopping = false;

  constructor(
    private readonly target: Target,
    pairs: readonly Pair[],
    private readonly window: number,
  ) {
    pairs.forEach(({ a, b }, pair) => {
      const fromA: Sender = { pair, side: 'a', socket: a, inFlight: 0, sent: 0 };
      const fromB: Sender = { pair, side: 'b', socket: b, inFlight: 0, sent: 0 };
      this.senders.push(fromA, fromB);
      this.#listen(fromA, fromB);
      this.#listen(fromB, fromA);
    });
  }

  fill(sender: Sender): void {
    while (!this.stopping && sender.inFlight < this.window && sender.socket.readyState === WebSocket.OPEN) {
      sender.inFlight++;
      sender.socket.send(this.target.sendFrame(sender.pair, `tp${String(sender.pair).padStart(5, '0')}${sender.side}${sender.sent++}`));
    }
  }

  #complete(sender: Sender): void {
    sender.inFlight--;
    this.completions++;
    this.fill(sender);
  }

  #listen(own: Sender, other: Sender): void {
    const socket = own.socket;
    socket.removeAllListeners('message');
    socket.once('close', () => this.closed++);
    // Frames are told apart by their first bytes: parsing 100k frames a second would make the load generator the bottleneck.
    socket.on('message', (data: Buffer) => {
      const head = data.toString('latin1', 0, 14);
      if (!this.target.acks) {
        if (head === '{"type":"send"') this.#complete(other);
      } else if (head === '{"type":"ack",') {
        this.#complete(own);
      } else if (head.startsWith('{"type":"error')) {
        const frame = JSON.parse(String(data)) as { code: string; ref?: string };
        this.errors[frame.code] = (this.errors[frame.code] ?? 0) + 1;
        // A refused send is done too; the window must not shrink.
        if (frame.ref) own.inFlight--;
        this.fill(own);
      }
    });
  }
}

/**
 * Closed loop: both sockets of each pair send, each keeping `window` messages in flight, and
 * send the next as soon as one completes. For Parley a send completes with its ack (it is
 * then stored); the relay sends no acks, so a send completes when the pair's other socket
 * receives it. Completions are counted over `measureMs` after `warmupMs`.
 */
export async function runThroughput(
  target: Target,
  pairs: readonly Pair[],
  options: { window: number; warmupMs: number; measureMs: number },
): Promise<ThroughputResult> {
  const loop = new ClosedLoop(target, pairs, options.window);
  loop.senders.forEach((sender) => loop.fill(sender));
  await sleep(options.warmupMs);
  const meter = startCpuMeter(target.pid());
  const startCount = loop.completions;
  const startTime = performance.now();
  const series: number[] = [];
  for (let last = loop.completions, elapsed = 0; elapsed < options.measureMs; elapsed += 1000) {
    await sleep(1000);
    series.push(loop.completions - last);
    last = loop.completions;
  }
  const perSecond = (loop.completions - startCount) / ((performance.now() - startTime) / 1000);
  const shares = meter();
  const result = { errors: { ...loop.errors }, closed: loop.closed };

  loop.stopping = true;
  const deadline = performance.now() + 10_000;
  const busy = (): boolean => loop.senders.some((s) => s.inFlight > 0 && s.socket.readyState === WebSocket.OPEN);
  while (busy() && performance.now() < deadline) await sleep(50);
  return { sockets: loop.senders.length, window: options.window, perSecond: Math.round(perSecond), series, ...result, ...shares };
}
