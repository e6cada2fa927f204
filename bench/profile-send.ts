import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sendThroughput } from './business/http-load';
import { sendBodies, seedParley } from './business/setup';
import { personMessages, startSink } from './business/webhooks';
import { sleep } from './load';

// node --import tsx bench/profile-send.ts [profile-dir] — not a benchmark: runs the Send API
// throughput load for a few seconds against a Parley started with --cpu-prof, and leaves the
// .cpuprofile in profile-dir (default /tmp/parley-profile) for `node bench/profile-top.mjs`.

const profileDir = path.resolve(process.argv[2] ?? path.join(os.tmpdir(), 'parley-profile'));
fs.mkdirSync(profileDir, { recursive: true });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-prof-'));
const sink = await startSink(false);
const seeded = await seedParley({ dataDir, people: 200, sinkUrl: sink.url, pin: false, onStart: () => undefined, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
try {
  sink.tell({ cmd: 'reset', hold: false, collect: true });
  await personMessages(seeded.target, 200, 200, 1, 'first');
  let stats = await sink.stats();
  for (let i = 0; i < 100 && Object.keys(stats.bsids).length < 200; i++) stats = (await sleep(100), await sink.stats());
  const bsids = Object.values(stats.bsids);
  const figure = await sendThroughput(
    { name: 'Parley', origin: `http://127.0.0.1:${seeded.server.port}`, pid: () => seeded.server.pid(), authorization: `Bearer ${seeded.apiKey}`, body: sendBodies(bsids) },
    { connections: 64, warmupMs: 1_000, measureMs: 6_000 },
  );
  console.log(`${figure.perSecond} sends/s, server CPU ${figure.serverCpuPercent}%; statuses ${JSON.stringify(figure.statuses)}`);
} finally {
  await seeded.server.stop();
  sink.child.kill();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(`profile in ${profileDir}`);
