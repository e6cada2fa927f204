import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type WebSocket from 'ws';
import { signatureHeader } from '../../packages/server/src/webhooks/webhook.signer';
import { connect, sleep, startCpuMeter, type CpuShares, type Target } from '../load';
import type { SinkCommand, SinkStats } from './sink';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Sink {
  readonly url: string;
  readonly child: ChildProcess;
  tell(command: SinkCommand): void;
  stats(): Promise<SinkStats>;
}

/** The sink as a child pinned to core 1, beside the load generator. */
export async function startSink(pin: boolean): Promise<Sink> {
  const child = fork(path.join(here, 'sink.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the sink exited (${code})`)));
  });
  if (pin) execFileSync('taskset', ['-a', '-p', '-c', '1', String(child.pid)], { stdio: 'ignore' });
  return {
    url: `http://127.0.0.1:${port}/parley/webhooks`,
    child,
    tell: (command) => child.send(command),
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: SinkStats) => resolve(m));
        child.send({ cmd: 'stats' } satisfies SinkCommand);
      }),
  };
}

export interface DeliveryFigure extends CpuShares {
  readonly expected: number;
  readonly received: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly badRequests: number;
  readonly spanMs: number;
  readonly perSecond: number;
  /** Parley: how long the persons' messages that made the events took (acked), before the release. */
  readonly generateMs?: number;
}

/** Wait until the sink has `expected` unique ids, or nothing new came for `quietMs`. */
async function awaitArrivals(sink: Sink, expected: number, quietMs: number): Promise<SinkStats> {
  let stats = await sink.stats();
  let lastChange = performance.now();
  while (stats.unique < expected && performance.now() - lastChange < quietMs) {
    await sleep(100);
    const next = await sink.stats();
    if (next.requests !== stats.requests) lastChange = performance.now();
    stats = next;
  }
  return stats;
}

function figure(expected: number, stats: SinkStats, shares: CpuShares, generateMs?: number): DeliveryFigure {
  return {
    expected,
    received: stats.unique,
    lost: expected - stats.unique,
    duplicates: stats.requests - stats.unique - stats.badRequests,
    badRequests: stats.badRequests,
    spanMs: Math.round(stats.spanMs),
    perSecond: stats.spanMs > 0 ? Math.round((stats.unique / stats.spanMs) * 1000) : 0,
    ...shares,
    ...(generateMs === undefined ? {} : { generateMs: Math.round(generateMs) }),
  };
}

/**
 * Persons send `total` messages over their sockets (`window` in flight each, acked after commit):
 * each is a `message.created` event for the bank's endpoint. Resolves when all are acked.
 */
export async function personMessages(target: Target, people: number, total: number, window: number, prefix: string): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: people }, (_, i) => connect(target, i)));
  let sent = 0;
  let acked = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${target.name}: ${acked}/${total} person messages acked after 60 s`)), 60_000);
    const fill = (socket: WebSocket, pair: number, inFlight: { n: number }): void => {
      while (inFlight.n < window && sent < total) {
        inFlight.n++;
        socket.send(target.sendFrame(pair, `${prefix}${String(sent++).padStart(8, "0")}`));
      }
    };
    sockets.forEach((socket, pair) => {
      const inFlight = { n: 0 };
      socket.removeAllListeners('message');
      socket.on('message', (data: Buffer) => {
        const head = data.toString('latin1', 0, 14);
        if (head !== '{"type":"ack",' && !head.startsWith('{"type":"error')) return;
        if (head.startsWith('{"type":"error')) return reject(new Error(`${target.name}: ${String(data)}`));
        inFlight.n--;
        if (++acked === total) {
          clearTimeout(timer);
          resolve();
        } else fill(socket, pair, inFlight);
      });
      fill(socket, pair, inFlight);
    });
  });
  for (const socket of sockets) socket.terminate();
}

/**
 * Parley: the sink holds its first requests unanswered while persons send `total` messages, so
 * the events pile up in the outbox; then it releases them, and the figure is the drain, from the
 * release to the last arrival.
 */
export async function parleyDelivery(sink: Sink, target: Target, options: { people: number; total: number; window: number }): Promise<DeliveryFigure> {
  sink.tell({ cmd: 'reset', hold: true, collect: false });
  const start = performance.now();
  await personMessages(target, options.people, options.total, options.window, 'wh');
  const generateMs = performance.now() - start;
  const meter = startCpuMeter(target.pid());
  sink.tell({ cmd: 'release' });
  const stats = await awaitArrivals(sink, options.total, 10_000);
  return figure(options.total, stats, meter(), generateMs);
}

/** A `message.created` envelope like Parley's, for the peer. */
function envelope(k: number, bsid: string, conversationId: string): string {
  return JSON.stringify({
    type: 'message.created',
    timestamp: new Date().toISOString(),
    data: { bsid, conversationId, message: { seq: k + 2, sender: 'person', content: { contentType: 'text', text: 'Hello from the bench: what is my balance?' }, sentAt: Date.now() } },
  });
}

/**
 * The peer: a raw undici Pool in this process posting `total` Standard Webhooks requests, signed
 * per request like Parley signs them, with Parley's sender limits (connections per origin,
 * requests in flight), as fast as the sink answers. From the first arrival to the last.
 */
export async function peerDelivery(
  sink: Sink,
  options: { total: number; connections: number; inFlight: number; secret: string; bsids: readonly [string, string][] },
): Promise<DeliveryFigure> {
  sink.tell({ cmd: 'reset', hold: false, collect: false });
  const url = new URL(sink.url);
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
  const meter = startCpuMeter(process.pid);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.total) {
      const k = next++;
      const [conversationId, bsid] = options.bsids[k % options.bsids.length] as [string, string];
      const body = envelope(k, bsid, conversationId);
      const id = `msg_peer${String(k).padStart(8, '0')}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const { body: answer } = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader([options.secret], { id, timestamp, body }),
        },
        body,
      });
      await answer.dump();
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const stats = await awaitArrivals(sink, options.total, 2_000);
  await pool.close();
  return figure(options.total, stats, meter());
}
