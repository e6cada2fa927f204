import { performance } from 'node:perf_hooks';
import { cpuMs, latencyHistogram, percentiles, sleep, startCpuMeter, type CpuShares, type Percentiles } from './load';
import type { Link, System } from './peers/system';

// Open-loop Poisson load on any System: message k is due at an exponentially spaced time
// (mean 1/rate) whatever the server does, and its latency runs from that intended time to its
// arrival at the receiver, so a stall counts against every message due during it (no
// coordinated omission). The same code drives Parley and every peer.

export interface OpenLoopResult extends CpuShares, Percentiles {
  readonly offeredPerSecond: number;
  readonly measured: number;
  /** Measured messages not delivered within `graceMs` of the last send. */
  readonly lost: number;
  /** Server CPU time from the first measured send to the last delivery, divided by the messages sent in the window, µs. */
  readonly cpuUsPerMessage: number;
}


/** Each run's ids start with its own number: Parley keeps a clientId once per conversation, so a repeated id would not be sent again. */
let runs = 0;

/** Where deliveries go: the round in progress, if any. */
let current: ((id: string) => void) | null = null;
export const delivered = (id: string): void => current?.(id);

/** Open `count` pairs on `system`, `concurrency` at a time. */
export async function openPairs(system: System, count: number, concurrency = 100): Promise<Link[]> {
  const links: Link[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      links[i] = await system.openPair(i, delivered);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return links;
}

export function closeAll(links: readonly Link[]): void {
  for (const link of links) link?.close();
}

/**
 * One round: `warmupMs` then `measureMs` of Poisson arrivals at `rate`, sent round-robin over
 * `links`; ids are `m<run><k>`, digits only after the m. Waits up to `graceMs` after the last send for stragglers.
 */
export async function openLoop(system: System, links: readonly Link[], options: { rate: number; warmupMs: number; measureMs: number; graceMs?: number }): Promise<OpenLoopResult> {
  const { rate, warmupMs, measureMs, graceMs = 5_000 } = options;
  const capacity = Math.ceil((rate * (warmupMs + measureMs)) / 1000) * 2 + 1_000;
  const intended = new Float64Array(capacity);
  const arrived = new Uint8Array(capacity);
  const histogram = latencyHistogram();
  let firstMeasured = -1;
  let lastMeasured = -1;
  const prefix = `m${String(++runs).padStart(3, '0')}`;
  current = (id) => {
    if (!id.startsWith(prefix)) return;
    const k = Number(id.slice(prefix.length));
    if (!(k >= 0 && k < capacity) || arrived[k]) return;
    arrived[k] = 1;
    if (firstMeasured >= 0 && k >= firstMeasured && (lastMeasured < 0 || k <= lastMeasured)) {
      histogram.recordValue(Math.max(1, Math.round((performance.now() - (intended[k] as number)) * 1000)));
    }
  };
  const t0 = performance.now() + 20;
  const measureFrom = t0 + warmupMs;
  const end = measureFrom + measureMs;
  let due = t0;
  let k = 0;
  let meter: (() => CpuShares) | undefined;
  let cpuAtStart = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      for (; due <= now && due < end && k < capacity; k++) {
        if (firstMeasured < 0 && due >= measureFrom) {
          firstMeasured = k;
          meter = startCpuMeter(system.pid());
          cpuAtStart = cpuMs(system.pid());
        }
        intended[k] = due;
        (links[k % links.length] as Link).send(`${prefix}${String(k).padStart(9, '0')}`);
        due += -Math.log(1 - Math.random()) * (1000 / rate);
      }
      if (due >= end || k >= capacity) {
        clearInterval(timer);
        lastMeasured = k - 1;
        resolve();
      }
    }, 1);
  });
  const shares = (meter ?? startCpuMeter(system.pid()))();
  const sentMeasured = firstMeasured < 0 ? 0 : k - firstMeasured;
  const missing = (): number => {
    let n = 0;
    for (let i = Math.max(0, firstMeasured); i < k; i++) n += arrived[i] ? 0 : 1;
    return n;
  };
  const deadline = performance.now() + graceMs;
  while (missing() > 0 && performance.now() < deadline) await sleep(50);
  // CPU from the first measured send until the last delivery (or the grace ran out): the work for
  // the measured messages, including what a backlog pushed past the end of the sending.
  const cpuUsed = cpuMs(system.pid()) - cpuAtStart;
  current = null;
  return {
    offeredPerSecond: rate,
    measured: histogram.totalCount,
    lost: missing(),
    ...percentiles(histogram),
    cpuUsPerMessage: sentMeasured ? Math.round((cpuUsed * 1000) / sentMeasured * 10) / 10 : 0,
    ...shares,
  };
}

/** Wait until every system's server is quiet (under 5% of a core for 300 ms), at most 30 s: a backlog must not leak into the next measurement. */
export async function settle(systems: readonly Pick<System, 'pid'>[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const before = systems.map((s) => cpuMs(s.pid()));
    await sleep(300);
    const used = systems.reduce((sum, s, i) => sum + cpuMs(s.pid()) - (before[i] as number), 0);
    if (used <= 15 || Date.now() > deadline) return;
  }
}
