import { randomBytes } from 'node:crypto';
import type { Business, Conversation, HistoryPage, Message, ServerFrame } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { dialects, freshStore } from './context';
import {
  openPersonSocket,
  requestAs,
  signUpOverHttp,
  startServerProcess,
  type RemotePerson,
  type ServerProcess,
} from './server-process';

// A burst from several sockets of a few people, a SIGKILL in the middle of it, a cold restart on
// the same store: whatever was acknowledged must be there exactly once, and resending what was
// not acknowledged must store nothing twice.

const people = 3;
const socketsPerPerson = 3;
const messagesPerSocket = 40;
const window = 12;
/** Kill once this many acks have arrived: well inside the burst. */
const killAfterAcks = 110;

interface Sender {
  readonly person: number;
  readonly conversationId: string;
  /** clientIds in the order this socket sent (and resends) them. */
  readonly clientIds: string[];
}

interface Ack {
  readonly conversationId: string;
  readonly seq: number;
}

const textOf = (clientId: string): string => `crash test message ${clientId}`;

async function openConversation(baseUrl: string, person: RemotePerson): Promise<string> {
  const list = await requestAs<{ businesses: Business[] }>(baseUrl, person, { path: '/v1/businesses' });
  const bank = list.body.businesses.find((b) => b.name === 'Sandbox Bank');
  if (!bank) throw new Error(`no Sandbox Bank in ${JSON.stringify(list.body)}`);
  const opened = await requestAs<Conversation>(baseUrl, person, {
    method: 'POST',
    path: '/v1/conversations',
    body: { businessId: bank.id },
  });
  if (opened.status >= 300) throw new Error(`opening a conversation failed: ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened.body.id;
}

/** Every stored message of a conversation, paging back from the newest. */
async function history(baseUrl: string, person: RemotePerson, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  let before: number | undefined;
  for (let page = 0; page < 100; page++) {
    const query = before === undefined ? '?limit=200' : `?limit=200&before=${before}`;
    const response = await requestAs<HistoryPage>(baseUrl, person, { path: `/v1/conversations/${conversationId}/messages${query}` });
    expect(response.status).toBe(200);
    all.push(...response.body.messages);
    if (!response.body.hasMore || response.body.messages.length === 0) return all;
    before = Math.min(...response.body.messages.map((m) => m.seq));
  }
  throw new Error('history did not end after 100 pages');
}

/**
 * Send `clientIds` on `socket` keeping `window` in flight; resolve when every one is acked or the
 * socket closes. `onAck` sees each ack as it arrives.
 */
function pump(options: {
  socket: WebSocket;
  conversationId: string;
  clientIds: readonly string[];
  onAck: (clientId: string, ack: Ack) => void;
  onSend?: (clientId: string) => void;
  /** Frames that should never come: refusals. Recorded, and asserted on by the test. */
  refused: ServerFrame[];
}): Promise<void> {
  const { socket, conversationId, clientIds } = options;
  let next = 0;
  let inFlight = 0;
  let acked = 0;
  return new Promise((resolve) => {
    const fill = (): void => {
      while (inFlight < window && next < clientIds.length && socket.readyState === socket.OPEN) {
        const clientId = clientIds[next++] as string;
        inFlight++;
        options.onSend?.(clientId);
        socket.send(JSON.stringify({ type: 'send', clientId, conversationId, content: { contentType: 'text', text: textOf(clientId) } }));
      }
    };
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      if (frame.type === 'error') options.refused.push(frame);
      if (frame.type !== 'ack') return;
      inFlight--;
      acked++;
      options.onAck(frame.clientId, { conversationId: frame.conversationId, seq: frame.seq });
      if (acked === clientIds.length) resolve();
      else fill();
    });
    socket.on('close', () => resolve());
    // A SIGKILLed server resets the connection; the close that follows ends the pump.
    socket.on('error', () => {});
    fill();
  });
}

describe.each(dialects)('crash safety on %s', (dialect) => {
  let store: Awaited<ReturnType<typeof freshStore>>;
  let server: ServerProcess;

  beforeAll(async () => {
    store = await freshStore(dialect);
    server = await startServerProcess(store);
  });
  afterAll(async () => {
    await server?.stop();
    await store?.drop();
  });

  it('keeps every acknowledged message exactly once across a SIGKILL, and a resend stores nothing twice', { timeout: 20_000 }, async () => {
    const persons = await Promise.all(Array.from({ length: people }, () => signUpOverHttp(server.baseUrl)));
    const conversations = await Promise.all(persons.map((p) => openConversation(server.baseUrl, p)));
    const senders = planSenders(conversations);
    const refused: ServerFrame[] = [];

    // ---- the burst, and the kill in the middle of it ----
    const sent = new Set<string>();
    const acks = new Map<string, Ack>();
    const strayAcks: string[] = [];
    let killed: Promise<void> | undefined;
    await sendAll({
      server, persons, senders, refused,
      clientIdsOf: (sender) => sender.clientIds,
      onSend: (clientId) => sent.add(clientId),
      onAck: (sender, clientId, ack) => {
        if (!sent.has(clientId) || ack.conversationId !== sender.conversationId) strayAcks.push(clientId);
        acks.set(clientId, ack);
        if (acks.size >= killAfterAcks) killed ??= server.kill();
      },
    });
    await killed;
    expect(refused).toEqual([]);
    expect(strayAcks).toEqual([]);
    expect(acks.size).toBeGreaterThanOrEqual(killAfterAcks);
    // Otherwise the kill came after the burst and the test proved nothing.
    expect([...sent].filter((id) => !acks.has(id)).length).toBeGreaterThan(0);

    // ---- cold restart on the same store: every ack is there, once, at its seq ----
    await server.restart();
    const storedBefore = await storedByClientId(server.baseUrl, persons, conversations);
    for (const [clientId, ack] of acks) {
      const stored = storedBefore.get(clientId);
      expect(stored, `acknowledged message ${clientId} is lost`).toBeDefined();
      expect(stored?.seq).toBe(ack.seq);
      expect(stored?.conversationId).toBe(ack.conversationId);
      expect(stored?.content).toEqual({ contentType: 'text', text: textOf(clientId) });
    }
    for (const clientId of storedBefore.keys()) expect(sent.has(clientId), `a message nobody sent: ${clientId}`).toBe(true);

    // ---- resend what was not acked, plus a few that were, with the same clientIds ----
    const resendAcks = new Map<string, Ack>();
    const resentOf = (sender: Sender): string[] => sender.clientIds.filter((id) => sent.has(id) && (!acks.has(id) || id.endsWith('m0')));
    await sendAll({ server, persons, senders, refused, clientIdsOf: resentOf, onAck: (_sender, clientId, ack) => resendAcks.set(clientId, ack) });
    expect(refused).toEqual([]);
    expect(resendAcks.size).toBe(senders.flatMap(resentOf).length);
    for (const [clientId, ack] of resendAcks) {
      const earlier = acks.get(clientId) ?? storedBefore.get(clientId);
      // A resend of something already stored is answered with the stored seq.
      if (earlier) expect(ack.seq, `resend of ${clientId} got a new seq`).toBe(earlier.seq);
    }

    const storedAfter = await storedByClientId(server.baseUrl, persons, conversations);
    expect(new Set(storedAfter.keys())).toEqual(sent);
    for (const sender of senders) {
      // A socket's messages are stored in the order it sent them.
      const seqs = sender.clientIds.filter((id) => sent.has(id)).map((id) => storedAfter.get(id)?.seq ?? -1);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});

/** `socketsPerPerson` senders per person, each with its own run-unique clientIds. */
function planSenders(conversations: string[]): Sender[] {
  const run = randomBytes(4).toString('hex');
  const senders: Sender[] = [];
  conversations.forEach((conversationId, p) => {
    for (let s = 0; s < socketsPerPerson; s++) {
      const clientIds = Array.from({ length: messagesPerSocket }, (_, i) => `k${run}p${p}s${s}m${i}`);
      senders.push({ person: p, conversationId, clientIds });
    }
  });
  return senders;
}

/** Every sender sends its clientIds over a new socket of its person, all at once; resolves when all are acked or the sockets closed. */
async function sendAll(options: {
  server: ServerProcess;
  persons: RemotePerson[];
  senders: Sender[];
  refused: ServerFrame[];
  clientIdsOf: (sender: Sender) => string[];
  onSend?: (clientId: string) => void;
  onAck: (sender: Sender, clientId: string, ack: Ack) => void;
}): Promise<void> {
  const { server, persons, senders } = options;
  const sockets = await Promise.all(senders.map((s) => openPersonSocket(server.wsUrl, (persons[s.person] as RemotePerson).cookie)));
  await Promise.all(
    senders.map((sender, i) =>
      pump({
        socket: sockets[i] as WebSocket,
        conversationId: sender.conversationId,
        clientIds: options.clientIdsOf(sender),
        refused: options.refused,
        onSend: options.onSend,
        onAck: (clientId, ack) => options.onAck(sender, clientId, ack),
      }),
    ),
  );
  for (const socket of sockets) socket.close();
}

/** Every person's messages by clientId, failing on a duplicate clientId or seq. */
async function storedByClientId(baseUrl: string, persons: RemotePerson[], conversations: string[]): Promise<Map<string, Message>> {
  const byClientId = new Map<string, Message>();
  for (let p = 0; p < persons.length; p++) {
    const messages = await history(baseUrl, persons[p] as RemotePerson, conversations[p] as string);
    const seqs = messages.map((m) => m.seq).sort((a, b) => a - b);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], 'two messages share a seq').toBeGreaterThan(seqs[i - 1] as number);
    for (const message of messages) {
      if (message.clientId === null) continue;
      expect(byClientId.has(message.clientId), `stored twice: ${message.clientId}`).toBe(false);
      byClientId.set(message.clientId, message);
    }
  }
  return byClientId;
}
