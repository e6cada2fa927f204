import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { latencyHistogram, percentiles, sleep, startCpuMeter, type CpuShares, type Pair, type Percentiles, type Target } from './load';

export interface LatencyResult extends CpuShares, Percentiles {
  readonly offeredPerSecond: number;
  readonly measured: number;
  /** Measured messages never delivered (within 5 s of the last send). */
  readonly lost: number;
  /** Parley only: intended send → ack at the sender. */
  readonly ackP99Ms: number | null;
}

const toMs = (us: number): number => Math.round(us) / 1000;

/** The clientId of message k in the latency run; k is read back from it on delivery. */
const latencyId = (k: number): string => `lat${String(k).padStart(9, '0')}`;

/** Message k: when it was due, whether it arrived; latencies from the due time, after the warm-up only. */
class Ledger {
  readonly intended: Float64Array;
  readonly delivered: Uint8Array;
  readonly delivery = latencyHistogram();
  readonly ack = latencyHistogram();

  constructor(
    readonly total: number,
    readonly firstMeasured: number,
  ) {
    this.intended = new Float64Array(total);
    this.delivered = new Uint8Array(total);
  }

  record(clientId: string | undefined, kind: 'delivery' | 'ack'): void {
    if (!clientId?.startsWith('lat')) return;
    const k = Number(clientId.slice(3));
    if (!(k >= 0 && k < this.total)) return;
    if (kind === 'delivery') {
      if (this.delivered[k]) return;
      this.delivered[k] = 1;
    }
    if (k < this.firstMeasured) return;
    const us = Math.max(1, Math.round((performance.now() - (this.intended[k] as number)) * 1000));
    (kind === 'delivery' ? this.delivery : this.ack).recordValue(us);
  }

  missing(): number {
    return this.delivered.subarray(this.firstMeasured).reduce((n, d) => n + (d ? 0 : 1), 0);
  }
}

function listen(target: Target, pairs: readonly Pair[], ledger: Ledger): void {
  for (const { a, b } of pairs) {
    a.removeAllListeners('message');
    b.removeAllListeners('message');
    b.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; clientId?: string; message?: { clientId?: string } };
      ledger.record(frame.type === 'message' ? frame.message?.clientId : frame.clientId, 'delivery');
    });
    if (target.acks) {
      a.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; clientId?: string };
        if (frame.type === 'ack') ledger.record(frame.clientId, 'ack');
      });
    }
  }
}

/** Send message k at t0 + k/rate from pair k mod n, whatever the server does; resolves after the last, with the CPU shares of the measured part. */
function openLoop(target: Target, pairs: readonly Pair[], ledger: Ledger, rate: number): Promise<CpuShares> {
  const interval = 1000 / rate;
  const t0 = performance.now() + 20;
  let k = 0;
  let meter: (() => CpuShares) | undefined;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      for (; k < ledger.total && t0 + k * interval <= now; k++) {
        if (k === ledger.firstMeasured) meter = startCpuMeter(target.pid());
        const pair = k % pairs.length;
        ledger.intended[k] = t0 + k * interval;
        const socket = (pairs[pair] as Pair).a;
        if (socket.readyState === WebSocket.OPEN) socket.send(target.sendFrame(pair, latencyId(k)));
      }
      if (k >= ledger.total) {
        clearInterval(timer);
        resolve((meter ?? startCpuMeter(target.pid()))());
      }
    }, 1);
  });
}

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
  const ledger = new Ledger(
    Math.round((options.rate * (options.warmupMs + options.measureMs)) / 1000),
    Math.round((options.rate * options.warmupMs) / 1000),
  );
  listen(target, pairs, ledger);
  const shares = await openLoop(target, pairs, ledger, options.rate);
  const deadline = performance.now() + 5_000;
  while (ledger.missing() > 0 && performance.now() < deadline) await sleep(50);
  const { delivery, ack } = ledger;
  return {
    offeredPerSecond: options.rate,
    measured: delivery.totalCount,
    lost: ledger.missing(),
    ...percentiles(delivery),
    ackP99Ms: target.acks ? toMs(ack.getValueAtPercentile(99)) : null,
    ...shares,
  };
}
