import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { startBenchPostgres, type BenchPostgres } from './postgres';
import { cpuMs } from './load';
import { runBench, writeResults } from './run';

// npm run bench:storage — the storage limit: how many of Parley's message rows SQLite and
// PostgreSQL take per second when inserted in batches (one transaction of `batch` rows each),
// with nothing else in the way. The table has Parley's columns, primary key (conversation_id, seq)
// and unique (conversation_id, client_id); the rows look like a person's text message. This
// process does the SQLite work, so it runs on core 0 like the servers; PostgreSQL (a throwaway
// cluster, as the server tests start it: fsync off, synchronous_commit off) is pinned to core 0
// too. It is an upper bound for Parley's persisted rate on each store, not a Parley figure.

const quick = process.env.BENCH_QUICK === '1';
export const plan = { conversations: 1_000, batch: 500, warmupMs: 1_000, measureMs: quick ? 2_000 : 8_000, deadlineMs: 3 * 60_000 } as const;

const ddl = `create table messages (
  conversation_id text not null, seq bigint not null, client_id text, sender text not null,
  content_type text not null, body text not null, created_at bigint not null,
  constraint messages_pk primary key (conversation_id, seq),
  constraint messages_client_id unique (conversation_id, client_id))`;

const conversations = Array.from({ length: plan.conversations }, () => randomUUID());
const body = JSON.stringify({ contentType: 'text', text: 'Hello from the bench: what is my balance?' });
let counter = 0;
/** The next batch: one message to each of `batch` conversations in turn, seq rising per conversation. */
function nextBatch(): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 0; i < plan.batch; i++, counter++) {
    const conversation = conversations[counter % conversations.length] as string;
    rows.push([conversation, Math.floor(counter / conversations.length) + 1, `st${String(counter).padStart(10, '0')}`, 'person', 'text', body, Date.now()]);
  }
  return rows;
}

/** Run `insert` in a loop for warm-up + measure; rows per second over the measured part, and CPU µs per row of `pid`. */
async function measure(insert: (rows: unknown[][]) => Promise<void> | void, pid: number): Promise<{ perSecond: number; cpuUsPerRow: number }> {
  const warmEnd = performance.now() + plan.warmupMs;
  while (performance.now() < warmEnd) await insert(nextBatch());
  const start = performance.now();
  const cpuStart = cpuMs(pid);
  let rows = 0;
  while (performance.now() - start < plan.measureMs) {
    await insert(nextBatch());
    rows += plan.batch;
  }
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: Math.round(rows / seconds), cpuUsPerRow: Math.round(((cpuMs(pid) - cpuStart) * 1000) / rows * 10) / 10 };
}

let dir: string | undefined;
let cluster: BenchPostgres | undefined;
const cleanup = (): void => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};

function sqliteLimit(): Promise<{ perSecond: number; cpuUsPerRow: number }> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-storage-'));
  // Parley's default durability: WAL, synchronous=NORMAL.
  const db = new SQLite(path.join(dir, 'storage.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(ddl);
  const insert = db.prepare('insert into messages values (?, ?, ?, ?, ?, ?, ?)');
  const batch = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  return measure((rows) => batch(rows), process.pid).finally(() => db.close());
}

async function postgresLimit(): Promise<{ perSecond: number; cpuUsPerRow: number }> {
  cluster = await startBenchPostgres();
  const pool = new pg.Pool({ connectionString: cluster.url, max: 1 });
  // A connection ended under us (seen once on this shared machine) fails the query; it must not crash the bench.
  pool.on('error', () => {});
  try {
    // The cluster (postmaster and its backends) is on core 0, like the other servers.
    await pool.query(ddl);
    const columns = 7;
    const sql = `insert into messages values ${Array.from({ length: plan.batch }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`).join(',')}`;
    const backend = Number((await pool.query('select pg_backend_pid() as pid')).rows[0].pid);
    return await measure(async (rows) => void (await pool.query(sql, rows.flat())), backend);
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  // SQLite works in this process: it is the "server" here, so it gets core 0.
  if (os.cpus().length > 1) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const sqlite = await sqliteLimit();
  console.log(`SQLite: ${sqlite.perSecond} rows/s in batches of ${plan.batch} (${sqlite.cpuUsPerRow} µs CPU per row)`);
  const postgres = await postgresLimit()
    .catch((error: unknown) => ({ perSecond: 0, cpuUsPerRow: 0, error: String(error) }))
    .finally(() => cluster?.stop());
  console.log(`PostgreSQL: ${postgres.perSecond} rows/s in batches of ${plan.batch} (${postgres.cpuUsPerRow} µs CPU per row in its backend)${'error' in postgres ? ` — failed: ${postgres.error}` : ''}`);
  const rows = [
    { figure: `SQLite batch-insert limit (WAL, synchronous=NORMAL, ${plan.batch} rows a transaction)`, parley: '–', peer: `${sqlite.perSecond}/s`, ratio: null, target: 'the ceiling for ≥ 25,000/s', pass: null },
    { figure: `PostgreSQL batch-insert limit (fsync off, ${plan.batch} rows a statement)`, parley: '–', peer: 'error' in postgres ? `failed: ${postgres.error}` : `${postgres.perSecond}/s`, ratio: null, target: 'the ceiling for ≥ 15,000/s', pass: null },
  ];
  writeResults('storage', { date: new Date().toISOString(), plan, sqlite, postgres, rows, loadAverage: os.loadavg() }, started);
}

// On SIGINT or at the deadline the cluster is ended synchronously: runBench's cleanup cannot wait.
runBench({ main, deadlineMs: plan.deadlineMs, cleanup: () => {
  cleanup();
  cluster?.killNow();
} });
