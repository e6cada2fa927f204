import { randomUUID } from 'node:crypto';
import type { Business, Conversation, ServerFrame } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import type { Tables } from '../src/database';
import { openDatabase, type Dialect } from '../src/platform/db/database';
import { createTestApp, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** How long a test waits for a frame before it fails, naming what it saw. */
const frameTimeoutMs = 5_000;

/**
 * A real WebSocket client as a test holds it: frames are queued as they arrive and taken in
 * order; `quiet()` proves nothing else came (a ping/pong barrier, since a socket is ordered).
 */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];
  #nonce = 0;

  constructor(readonly socket: WebSocket) {
    // A reset (the server terminated a dead or slow socket) shows up as the close that follows.
    socket.on('error', () => {});
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  /** The first queued frame of this type (and matching `where`), removed from the queue. */
  async take<T extends ServerFrame['type']>(type: T, where: (frame: FrameOf<T>) => boolean = () => true): Promise<FrameOf<T>> {
    const deadline = Date.now() + frameTimeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame) => frame.type === type && where(frame as FrameOf<T>));
      if (index >= 0) return this.frames.splice(index, 1)[0] as FrameOf<T>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${frameTimeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Round-trip a ping; returns (and removes) every frame that arrived before the pong. */
  async quiet(): Promise<ServerFrame[]> {
    const nonce = `barrier-${++this.#nonce}`;
    this.send({ type: 'ping', nonce });
    await this.take('pong', (frame) => frame.nonce === nonce);
    return this.frames.splice(0);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}

/** Open a socket the way a browser of this person would: session cookie and our Origin. Waits for `hello`. */
export async function connect(
  t: TestApp,
  person: TestPerson | null,
  headers: Record<string, string> = {},
  options: WebSocket.ClientOptions = {},
): Promise<TestSocket> {
  const socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/v1/ws`, {
    headers: { origin: t.baseUrl, ...(person ? { cookie: person.cookie } : {}), ...headers },
    perMessageDeflate: false,
    ...options,
  });
  const client = new TestSocket(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
  });
  await client.take('hello');
  return client;
}

/** Try to open a socket that should be refused; resolves with the HTTP status and body of the refusal. */
export async function refusedUpgrade(t: TestApp, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/v1/ws`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => {});
    socket.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }));
    });
  });
}

export async function sandboxBank(app: FastifyInstance, person: TestPerson): Promise<Business> {
  const list = (await app.inject({ url: '/v1/businesses', headers: { cookie: person.cookie } })).json() as { businesses: Business[] };
  const bank = list.businesses.find((business) => business.slug === 'sandbox-bank');
  if (!bank) throw new Error('no Sandbox Bank');
  return bank;
}

/** The person's conversation with the Sandbox Bank (which opens with its greeting as seq 1). */
export async function openBankConversation(app: FastifyInstance, person: TestPerson): Promise<Conversation> {
  const bank = await sandboxBank(app, person);
  const response = await app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: bank.id } });
  if (response.statusCode >= 300) throw new Error(`open failed: ${response.statusCode} ${response.body}`);
  return response.json() as Conversation;
}

/** A listening app, a signed-up person and their open conversation with the Sandbox Bank. */
export async function startBankChat(dialect: Dialect): Promise<{ t: TestApp; person: TestPerson; conversation: Conversation }> {
  const t = await createTestApp(dialect, { listen: true });
  const person = await signUpPerson(t.app);
  return { t, person, conversation: await openBankConversation(t.app, person) };
}

let clientCounter = 0;
/** A fresh valid clientId. */
export function clientId(): string {
  return `c${process.pid}x${Date.now().toString(36)}x${++clientCounter}`;
}

export function textSend(conversationId: string, text: string, id = clientId()): { type: 'send'; clientId: string; conversationId: string; content: { contentType: 'text'; text: string } } {
  return { type: 'send', clientId: id, conversationId, content: { contentType: 'text', text } };
}

/** Another business, written straight to the store (businesses have no HTTP API yet). Returns its id. */
export async function addBusiness(t: TestApp, business: { slug: string; name: string; greeting: string | null }): Promise<string> {
  const database = await openDatabase<Tables>(t.config);
  const id = randomUUID();
  await database.db.insertInto('businesses').values({ id, created_at: Date.now(), ...business }).execute();
  await database.close();
  return id;
}
