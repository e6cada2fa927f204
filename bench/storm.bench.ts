import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import WebSocket from 'ws';
import { ensureFileLimit, pinSelf } from './host';
import { sleep, startCpuMeter } from './load';
import { killChildren, openSocket } from './peers/system';
import { startNodePeer, startParleyServer } from './peers/ws-systems';
import { benchLog, runBench, writeResults } from './run';

// npm run bench:storm — a reconnect storm. 5,000 people each keep a "phone" socket open and have
// two more devices (10,000 sockets) that drop at once; while they are away each phone sends a
// message, and another while they come back. All 10,000 reconnect as fast as the server lets them
// (200 at a time), each sending `resume` with the last seq it holds and counting as back at
// `resumed`. Figures: reconnects per second against the raw `ws` relay's connect rate in the same
// run (target ≥ 70%), the time for all 10,000 (target ≤ 10 s), and missed messages (target 0).

const quick = process.env.BENCH_QUICK === '1';
export const plan = { people: quick ? 200 : 5_000, devices: 2, concurrency: 200, deadlineMs: 6 * 60_000 } as const;
const targets = { rateRatio: 0.7, stormMs: 10_000, missed: 0 } as const;

const { started: benchStart, log } = benchLog();
let dataDir: string | undefined;
const cleanup = (): void => {
  killChildren();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
};

/** A device of a person: which seqs of their conversation it has seen. */
interface Device {
  readonly person: number;
  seen: Set<number>;
  socket: WebSocket | null;
}

const lastContiguous = (seen: Set<number>): number => {
  let seq = 0;
  while (seen.has(seq + 1)) seq++;
  return seq;
};

/** Open `count` sockets with `open(i)`, `concurrency` at a time; resolves with the elapsed ms. */
async function storm(count: number, open: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await open(next++);
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return performance.now() - started;
}

/** How long the devices were away, as their sessions' last_seen_at tells. */
const awayMs = 2 * 60_000;

/** Move every session's last use `ms` back, in the SQLite file the running Parley uses (WAL: a second writer waits its turn). */
function ageSessions(ms: number): void {
  const db = new SQLite(path.join(dataDir as string, 'parley.db'));
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('update sessions set last_seen_at = last_seen_at - ?').run(ms);
  } finally {
    db.close();
  }
}

async function parleyStorm(): Promise<Record<string, number>> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-storm-'));
  const { server, persons, conversations } = await startParleyServer(dataDir, plan.people);
  try {
    const origin = `http://localhost:${server.port}`;
    const url = `ws://127.0.0.1:${server.port}/v1/ws`;
    const headers = (i: number): Record<string, string> => ({ cookie: persons[i]?.cookie ?? '', origin });
    const finalSeq = new Array<number>(plan.people).fill(0);
    const acks = { pending: 0 };
    const phones: WebSocket[] = new Array(plan.people);
    await storm(plan.people, async (i) => {
      const phone = await openSocket(url, headers(i), true);
      phones[i] = phone;
      phone.on('message', (data: Buffer) => {
        const frame = JSON.parse(String(data)) as { type: string; seq?: number };
        if (frame.type !== 'ack') return;
        acks.pending--;
        finalSeq[i] = Math.max(finalSeq[i] as number, frame.seq ?? 0);
      });
    });
    const devices: Device[] = Array.from({ length: plan.people * plan.devices }, (_, d) => ({ person: d % plan.people, seen: new Set(), socket: null }));
    // One listener from the first frame on: live messages may arrive before `resumed`, even in the same read as `hello`.
    const connect = (device: Device): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const socket = new WebSocket(url, { headers: headers(device.person), perMessageDeflate: false });
        device.socket = socket;
        socket.on('error', () => {});
        const timer = setTimeout(() => reject(new Error('Parley: no resumed in 20 s')), 20_000);
        socket.on('message', (data: Buffer) => {
          const frame = JSON.parse(String(data)) as { type: string; message?: { seq: number } };
          if (frame.type === 'message' && frame.message) device.seen.add(frame.message.seq);
          else if (frame.type === 'hello') {
            const conversationId = conversations[device.person] as string;
            socket.send(JSON.stringify({ type: 'resume', conversations: [{ conversationId, lastSeq: lastContiguous(device.seen) }] }));
          } else if (frame.type === 'resumed') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    let sent = 0;
    const sendFromEveryPhone = (): void => {
      phones.forEach((phone, i) => {
        acks.pending++;
        phone.send(JSON.stringify({ type: 'send', clientId: `storm${String(sent++).padStart(8, '0')}`, conversationId: conversations[i], content: { contentType: 'text', text: 'Sent while my laptop was away' } }));
      });
    };
    sendFromEveryPhone();
    while (acks.pending > 0) await sleep(50);
    await storm(devices.length, (d) => connect(devices[d] as Device));
    log(`Parley: ${phones.length} phones and ${devices.length} devices open and resumed`);
    for (const device of devices) device.socket?.terminate();
    await sleep(1_000);
    // Away for longer than a minute, as after an outage or a deploy: every session is due the
    // touch that keeps it from idling out (identity/session.service.ts), as in a real storm.
    ageSessions(awayMs);
    sendFromEveryPhone();
    while (acks.pending > 0) await sleep(50);
    const meter = startCpuMeter(server.pid());
    let halfway = false;
    const stormMs = await storm(devices.length, async (d) => {
      if (!halfway && d >= devices.length / 2) {
        halfway = true;
        sendFromEveryPhone();
      }
      await connect(devices[d] as Device);
    });
    const shares = meter();
    const deadline = performance.now() + 10_000;
    const missed = (): number => devices.reduce((n, dev) => n + Math.max(0, (finalSeq[dev.person] as number) - lastContiguous(dev.seen)), 0);
    while ((acks.pending > 0 || missed() > 0) && performance.now() < deadline) await sleep(100);
    for (const socket of [...phones, ...devices.map((d) => d.socket)]) socket?.terminate();
    return { sockets: devices.length, stormMs: Math.round(stormMs), perSecond: Math.round(devices.length / (stormMs / 1000)), missed: missed(), unacked: acks.pending, ...shares };
  } finally {
    await server.stop();
  }
}

async function relayStorm(): Promise<Record<string, number>> {
  const relay = await startNodePeer('ws-relay.ts');
  try {
    const sockets: WebSocket[] = [];
    const meter = startCpuMeter(relay.pid());
    const stormMs = await storm(plan.people * plan.devices, async (i) => void sockets.push(await openSocket(`ws://127.0.0.1:${relay.port}/?conversation=${i % plan.people}`, {}, false)));
    const shares = meter();
    for (const socket of sockets) socket.terminate();
    return { sockets: sockets.length, stormMs: Math.round(stormMs), perSecond: Math.round(sockets.length / (stormMs / 1000)), ...shares };
  } finally {
    await relay.stop();
  }
}

async function main(): Promise<void> {
  ensureFileLimit(plan.people * (plan.devices + 1) + 2_000);
  const pinning = pinSelf();
  const loadBefore = os.loadavg();
  const parley = await parleyStorm();
  log(`Parley: ${parley.sockets} reconnects + resumes in ${parley.stormMs} ms (${parley.perSecond}/s), missed ${parley.missed}, server CPU ${parley.serverCpuPercent}%`);
  const relay = await relayStorm();
  log(`ws relay: ${relay.sockets} connects in ${relay.stormMs} ms (${relay.perSecond}/s), server CPU ${relay.serverCpuPercent}%`);
  const ratio = +((parley.perSecond as number) / (relay.perSecond as number)).toFixed(3);
  const rows = [
    { figure: `reconnects + resume per second (${parley.sockets} sockets, ${plan.concurrency} at a time)`, parley: `${parley.perSecond}/s`, peer: `${relay.perSecond}/s`, ratio, target: `≥ ${targets.rateRatio}×`, pass: ratio >= targets.rateRatio },
    { figure: `time for all ${parley.sockets} to be back`, parley: `${parley.stormMs} ms`, peer: `${relay.stormMs} ms`, ratio: null, target: `≤ ${targets.stormMs} ms`, pass: (parley.stormMs as number) <= targets.stormMs },
    { figure: 'messages missed after resume', parley: String(parley.missed), peer: 'n/a (the relay stores nothing)', ratio: null, target: '0', pass: parley.missed === 0 && parley.unacked === 0 },
  ];
  console.table(rows);
  writeResults('storm', { date: new Date().toISOString(), machine: { pinning, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() }, plan, targets, parley, relay, rows, durationMs: Date.now() - benchStart }, benchStart);
}

runBench({ main, deadlineMs: plan.deadlineMs, cleanup });
