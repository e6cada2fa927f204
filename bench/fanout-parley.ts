import { randomBytes } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { startServerProcess, type ServerProcess } from '../packages/server/test/server-process';
import { serverNodeFlags } from './run';
import { insertPeople, type BenchPerson } from './seed';
import { children } from './peers/system';

// Parley's side of bench:fanout: `receivers` people who follow the Sandbox Bank's notices, an
// API key with notices:send, and Parley pinned to core 0 like every server the benches measure.

export interface FanoutParley {
  readonly server: ServerProcess;
  readonly people: BenchPerson[];
  /** `pk_…` with notices:send, made through the admin API. */
  readonly apiKey: string;
}

/**
 * The follows go straight into the SQLite file while Parley is stopped, like the people and
 * sessions of bench/seed.ts: 10,000 PUTs would measure the follow route, not the fan-out. The
 * rows are what `PUT /v1/notice-follows/:businessId` writes.
 */
function insertFollows(dataDir: string, people: readonly BenchPerson[]): void {
  const db = new SQLite(path.join(dataDir, 'parley.db'));
  try {
    const bank = db.prepare("select id from businesses where slug = 'sandbox-bank'").get() as { id: string } | undefined;
    if (!bank) throw new Error('no Sandbox Bank in the bench database');
    const follow = db.prepare('insert into notice_follows (business_id, person_id, since) values (?, ?, ?)');
    const now = Date.now();
    db.transaction(() => {
      for (const person of people) follow.run(bank.id, person.id, now);
    })();
  } finally {
    db.close();
  }
}

export async function startParleyFanout(dataDir: string, receivers: number): Promise<FanoutParley> {
  const adminToken = randomBytes(32).toString('base64url');
  const env = { LOG_LEVEL: 'warn', PARLEY_ADMIN_TOKEN: adminToken };
  const schema = await startServerProcess({ dataDir, databaseUrl: null, env });
  await schema.stop();
  const people = insertPeople(dataDir, receivers);
  insertFollows(dataDir, people);
  const server = await startServerProcess({
    dataDir,
    databaseUrl: null,
    env,
    wrap: ['taskset', '-c', '0'],
    nodeFlags: ['--expose-gc', ...serverNodeFlags({ pinned: true })],
  });
  const pid = server.pid();
  children.add(() => void process.kill(pid, 'SIGKILL'));
  const base = `http://127.0.0.1:${server.port}`;
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const listed = await fetch(`${base}/v1/admin/businesses`, { headers: admin });
  const { businesses } = (await listed.json()) as { businesses: { id: string; name: string }[] };
  const bank = businesses.find((business) => business.name === 'Sandbox Bank');
  if (!bank) throw new Error('no Sandbox Bank');
  const made = await fetch(`${base}/v1/admin/businesses/${bank.id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', scopes: ['notices:send'] }) });
  if (made.status !== 201) throw new Error(`making an API key: ${made.status} ${await made.text()}`);
  const { secret: apiKey } = (await made.json()) as { secret: string };
  return { server, people, apiKey };
}
