import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { latencyHistogram, percentiles, sleep, startCpuMeter, type CpuShares, type Percentiles } from '../load';

/** A Send API server under test: where to post, and the body of request k (its key is unique per run). */
export interface SendTarget {
  readonly name: string;
  readonly origin: string;
  pid(): number;
  readonly authorization: string;
  body(k: number): string;
}

export interface ThroughputFigure extends CpuShares {
  readonly connections: number;
  readonly perSecond: number;
  readonly series: number[];
  /** Answers by status code over the measured window; everything but 201 is an error. */
  readonly statuses: Record<string, number>;
  readonly failures: number;
}

export interface LatencyFigure extends CpuShares, Percentiles {
  readonly offeredPerSecond: number;
  readonly measured: number;
  readonly statuses: Record<string, number>;
  readonly failures: number;
  /** Measured requests still unanswered 10 s after the last was due (abandoned, not counted as failures). */
  readonly unanswered: number;
}

let run = 0;

async function post(pool: Pool, target: SendTarget, k: number, prefix: string): Promise<number> {
  const { statusCode, body } = await pool.request({
    path: '/v1/messages',
    method: 'POST',
    headers: {
      authorization: target.authorization,
      'content-type': 'application/json',
      'idempotency-key': `${prefix}-${k}`,
    },
    body: target.body(k),
  });
  await body.dump();
  return statusCode;
}

/** Closed loop: `connections` requests in flight, each followed at once by the next; 201s counted over `measureMs` after `warmupMs`. */
export async function sendThroughput(target: SendTarget, options: { connections: number; warmupMs: number; measureMs: number }): Promise<ThroughputFigure> {
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const prefix = `tp${++run}-${Date.now()}`;
  const statuses: Record<string, number> = {};
  let measuring = false;
  let stop = false;
  let ok = 0;
  let failures = 0;
  let k = 0;
  const worker = async (): Promise<void> => {
    while (!stop) {
      try {
        const status = await post(pool, target, k++, prefix);
        if (status === 201) ok++;
        if (measuring) statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        if (measuring) failures++;
      }
    }
  };
  const workers = Array.from({ length: options.connections }, worker);
  await sleep(options.warmupMs);
  measuring = true;
  const meter = startCpuMeter(target.pid());
  const start = performance.now();
  const startOk = ok;
  const series: number[] = [];
  for (let last = ok, elapsed = 0; elapsed < options.measureMs; elapsed += 1000) {
    await sleep(1000);
    series.push(ok - last);
    last = ok;
  }
  const perSecond = Math.round((ok - startOk) / ((performance.now() - start) / 1000));
  const shares = meter();
  measuring = false;
  stop = true;
  await Promise.all(workers);
  await pool.close();
  return { connections: options.connections, perSecond, series, statuses, failures, ...shares };
}


/**
 * Open loop: request k is due at t0 + k/rate and is sent then whatever the server does (queued
 * in the pool when every connection is busy); latency runs from that intended time to the end
 * of the answer, so a stall counts against every request due during it. After the warm-up only.
 */
export async function sendLatency(
  target: SendTarget,
  options: { rate: number; connections: number; warmupMs: number; measureMs: number },
): Promise<LatencyFigure> {
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const prefix = `lat${++run}-${Date.now()}`;
  const histogram = latencyHistogram();
  const total = Math.round((options.rate * (options.warmupMs + options.measureMs)) / 1000);
  const firstMeasured = Math.round((options.rate * options.warmupMs) / 1000);
  const statuses: Record<string, number> = {};
  let failures = 0;
  let abandoned = false;
  const pending: Promise<void>[] = [];
  const interval = 1000 / options.rate;
  const t0 = performance.now() + 20;
  let meter: (() => CpuShares) | undefined;
  const fire = (k: number, intended: number): Promise<void> =>
    post(pool, target, k, prefix).then(
      (status) => {
        if (k < firstMeasured) return;
        statuses[status] = (statuses[status] ?? 0) + 1;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - intended) * 1000)));
      },
      () => {
        if (k >= firstMeasured && !abandoned) failures++;
      },
    );
  const shares = await new Promise<CpuShares>((resolve) => {
    let k = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      for (; k < total && t0 + k * interval <= now; k++) {
        if (k === firstMeasured) meter = startCpuMeter(target.pid());
        pending.push(fire(k, t0 + k * interval));
      }
      if (k >= total) {
        clearInterval(timer);
        resolve((meter ?? startCpuMeter(target.pid()))());
      }
    }, 1);
  });
  await Promise.race([Promise.all(pending), sleep(10_000)]);
  abandoned = true;
  const answered = histogram.totalCount;
  await pool.destroy();
  return {
    offeredPerSecond: options.rate,
    measured: histogram.totalCount,
    ...percentiles(histogram),
    statuses,
    failures,
    unanswered: total - firstMeasured - answered - failures,
    ...shares,
  };
}
