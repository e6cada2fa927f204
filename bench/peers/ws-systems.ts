import { hash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type WebSocket from 'ws';
import { freeLoopbackPort, startServerProcess, type ServerProcess } from '../../packages/server/test/server-process';
import { insertPeople, openConversations, type BenchPerson } from '../seed';
import { serverNodeFlags } from '../run';
import { children, idAfter, openSocket, spawnPinned, stopChild, type Link, type System } from './system';

// The systems spoken to over WebSocket: Parley itself, the raw `ws` relay and Socket.IO.

const here = path.dirname(fileURLToPath(import.meta.url));
const messageText = 'Hello from the bench: what is my balance?';

function pairLink(sender: WebSocket, receiver: WebSocket, frame: (id: string) => string): Link {
  return {
    send: (id) => {
      if (sender.readyState === sender.OPEN) sender.send(frame(id));
    },
    close: () => {
      sender.terminate();
      receiver.terminate();
    },
  };
}

export async function startNodePeer(file: string): Promise<{ pid: () => number; port: number; stop: () => Promise<void> }> {
  const port = await freeLoopbackPort();
  const child = await spawnPinned(process.execPath, ['--expose-gc', ...serverNodeFlags({ pinned: true, parley: false }), '--import', 'tsx', path.join(here, file)], {
    env: { ...process.env, PORT: String(port) },
    ready: /listening/,
  });
  return { pid: () => child.pid ?? -1, port, stop: () => stopChild(child) };
}

/** The bare `ws` relay (bench/peers/ws-relay.ts): the ceiling of a Node WebSocket fan-out on one core. */
export async function startRelay(): Promise<System> {
  const peer = await startNodePeer('ws-relay.ts');
  return {
    name: 'ws relay',
    pid: peer.pid,
    stop: peer.stop,
    async openPair(pair, delivered) {
      const url = `ws://127.0.0.1:${peer.port}/?conversation=${pair}`;
      const receiver = await openSocket(url, {}, false);
      receiver.on('message', (data: Buffer) => {
        const id = idAfter(data.toString('latin1'), '"clientId":"');
        if (id) delivered(id);
      });
      const sender = await openSocket(url, {}, false);
      return pairLink(sender, receiver, (id) => `{"type":"send","clientId":"${id}","conversationId":"relay-${pair}","content":{"contentType":"text","text":"${messageText}"}}`);
    },
  };
}

/**
 * Socket.IO spoken raw over `ws` (Engine.IO 4 frames: `0{…}` open, `40` connect, `2`/`3`
 * ping/pong, `42[…]` events), so the load generator costs no more than for the other systems.
 */
export async function openSocketIo(port: number, pair: number): Promise<WebSocket> {
  const socket = await openSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&conversation=${pair}`, {}, true);
  socket.on('message', (data: Buffer) => {
    if (data.length === 1 && data[0] === 0x32) socket.send('3');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket.io connect timed out')), 20_000);
    const onConnect = (data: Buffer): void => {
      if (data.toString('latin1', 0, 2) !== '40') return;
      clearTimeout(timer);
      socket.off('message', onConnect);
      resolve();
    };
    socket.on('message', onConnect);
    socket.send('40');
  });
  return socket;
}

export async function startSocketIo(): Promise<System> {
  const peer = await startNodePeer('socketio-server.ts');
  return {
    name: 'Socket.IO',
    pid: peer.pid,
    stop: peer.stop,
    async openPair(pair, delivered) {
      const receiver = await openSocketIo(peer.port, pair);
      receiver.on('message', (data: Buffer) => {
        const id = idAfter(data.toString('latin1'), '42["message","');
        if (id) delivered(id);
      });
      const sender = await openSocketIo(peer.port, pair);
      return pairLink(sender, receiver, (id) => `42["send","${id}","${messageText}"]`);
    },
  };
}

/**
 * insertPeople (bench/seed.ts) for a Parley on PostgreSQL: the same rows — a person and one
 * session each, session id = SHA-256 of the cookie token, no password — in one transaction.
 */
async function insertPeoplePostgres(databaseUrl: string, count: number): Promise<BenchPerson[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const now = Date.now();
    const people = Array.from({ length: count }, (): BenchPerson & { token: string } => {
      const token = randomBytes(32).toString('base64url');
      return { id: randomUUID(), token, cookie: `parley_session=${token}`, csrfToken: randomBytes(24).toString('base64url') };
    });
    const values = (rows: number, columns: number): string =>
      Array.from({ length: rows }, (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(',')})`).join(',');
    await client.query('begin');
    for (let at = 0; at < people.length; at += 500) {
      const batch = people.slice(at, at + 500);
      await client.query(`insert into people (id, email, display_name, password_hash, created_at) values ${values(batch.length, 5)}`, batch.flatMap((p, i) => [p.id, `bench-${at + i}-${p.id.slice(0, 8)}@example.com`, `Bench ${at + i}`, null, now]));
      await client.query(
        `insert into sessions (id, person_id, csrf_token, created_at, last_seen_at, expires_at, user_agent) values ${values(batch.length, 7)}`,
        batch.flatMap((p) => [hash('sha256', p.token, 'hex'), p.id, p.csrfToken, now, now, now + 12 * 3_600_000, 'parley-bench']),
      );
    }
    await client.query('commit');
    return people.map(({ id, cookie, csrfToken }) => ({ id, cookie, csrfToken }));
  } finally {
    await client.end();
  }
}

/**
 * Parley pinned to core 0 with `people` people, each with one session and one open conversation
 * with the Sandbox Bank; on SQLite in `dataDir`, or on PostgreSQL when `databaseUrl` is given.
 */
export async function startParleyServer(dataDir: string, people: number, options: { databaseUrl?: string } = {}): Promise<{ server: ServerProcess; persons: BenchPerson[]; conversations: string[] }> {
  const databaseUrl = options.databaseUrl ?? null;
  // The set-up starts (schema, then conversations) are killed on every way out too.
  const guard = async (started: ServerProcess, work: (server: ServerProcess) => Promise<void>): Promise<void> => {
    const pid = started.pid();
    const kill = (): void => void process.kill(pid, 'SIGKILL');
    children.add(kill);
    await work(started).finally(() => started.stop().finally(() => children.delete(kill)));
  };
  await guard(await startServerProcess({ dataDir, databaseUrl }), async () => {});
  const persons = databaseUrl ? await insertPeoplePostgres(databaseUrl, people) : insertPeople(dataDir, people);
  let conversations: string[] = [];
  await guard(await startServerProcess({ dataDir, databaseUrl }), async (opener) => {
    conversations = await openConversations(`http://127.0.0.1:${opener.port}`, persons, 64);
  });
  const server = await startServerProcess({
    dataDir,
    databaseUrl,
    wrap: ['taskset', '-c', '0'],
    nodeFlags: ['--expose-gc', ...serverNodeFlags({ pinned: true })],
    preload: [path.join(here, '../gc-hook.ts')],
  });
  const pid = server.pid();
  const kill = (): void => void process.kill(pid, 'SIGKILL');
  children.add(kill);
  const stop = server.stop.bind(server);
  return { server: { ...server, stop: () => stop().finally(() => children.delete(kill)) }, persons, conversations };
}

/**
 * Parley with `people` people (each one session, one conversation with the Sandbox Bank), made as
 * bench:messaging makes them; pair k is person k's two devices: `a` sends, `b` receives.
 */
export async function startParley(dataDir: string, people: number, options: { databaseUrl?: string; name?: string } = {}): Promise<System> {
  const { server, persons, conversations } = await startParleyServer(dataDir, people, options);
  const origin = `http://localhost:${server.port}`;
  return {
    name: options.name ?? 'Parley',
    pid: () => server.pid(),
    stop: () => server.stop(),
    async openPair(pair, delivered) {
      const person = persons[pair % persons.length];
      const headers = { cookie: person?.cookie ?? '', origin };
      const url = `ws://127.0.0.1:${server.port}/v1/ws`;
      const receiver = await openSocket(url, headers, true);
      receiver.on('message', (data: Buffer) => {
        const text = data.toString('latin1');
        if (text.startsWith('{"type":"message"')) {
          const id = idAfter(text, '"clientId":"');
          if (id) delivered(id);
        }
      });
      const sender = await openSocket(url, headers, true);
      const conversation = conversations[pair % conversations.length];
      return pairLink(sender, receiver, (id) => `{"type":"send","clientId":"${id}","conversationId":"${conversation}","content":{"contentType":"text","text":"${messageText}"}}`);
    },
  };
}
