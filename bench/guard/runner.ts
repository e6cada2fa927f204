// Run one hot path `count` times, for bench/guard/check.ts to count instructions under callgrind:
//   node --single-threaded --predictable runner.mjs <path> <count>
// Bundled to plain JS first (no tsx, no esbuild child process under valgrind).
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Message } from '@parley/protocol';
import { DeliveryHub, publishMessage, type DeliveryEvent, type Subscriber } from '../../packages/server/src/messaging/delivery.hub';
import { parseClientFrame } from '../../packages/server/src/messaging/frame.validator';
import { insertMessages } from '../../packages/server/src/messaging/message.repository';
import { createInProcessBus } from '../../packages/server/src/platform/bus';
import { signatureHeader } from '../../packages/server/src/webhooks/webhook.signer';

const conversationId = '6f0c2a52-7d1e-4d43-9a0e-3c1c8f0e2b11';
const frame = Buffer.from(
  JSON.stringify({ type: 'send', clientId: 'client-0001', conversationId, content: { contentType: 'text', text: 'Hello, is my card still locked?' } }),
);
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const body = JSON.stringify({ type: 'message.created', timestamp: '2026-11-22T06:00:00Z', data: { bsid: 'bsid_x', conversationId, message: { seq: 1, sender: 'person', content: { contentType: 'text', text: 'Hello' }, sentAt: 0 } } });

async function insertPath(count: number): Promise<void> {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table messages (conversation_id text not null, seq integer not null, client_id text, sender text not null, content_type text not null, body text not null, created_at integer not null, primary key (conversation_id, seq), unique (conversation_id, client_id))');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the guard needs only the messages table, not Parley's whole schema type
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  for (let seq = 1; seq <= count; seq++) {
    await insertMessages(db, 'sqlite', [conversationId, seq, `c-${seq}`, 'person', 'text', '{"contentType":"text","text":"Hello"}', 1_795_000_000_000]);
  }
  await db.destroy();
}

/** A socket as the hub sees it, keeping the text it would write instead of writing it. */
class CollectingSocket implements Subscriber {
  written = 0;
  last = '';
  constructor(
    readonly id: string,
    readonly personId: string,
  ) {}
  deliver(event: DeliveryEvent, render: () => string): void {
    if (event.skipSocket === this.id) return;
    this.last = render();
    this.written++;
  }
}

/**
 * Routing one stored message: publishMessage on the in-process bus to the DeliveryHub, which
 * hands the frame, rendered once, to the person's other device and two agents in the bank's
 * inbox; 500 other people stay attached, as on a busy node.
 */
function routePath(count: number): void {
  const bus = createInProcessBus();
  const hub = new DeliveryHub<CollectingSocket>(bus);
  const personId = 'a3e1c9d2-0000-4000-8000-000000000001';
  const businessId = 'b7f2d4e6-0000-4000-8000-000000000002';
  for (let i = 0; i < 500; i++) hub.attach(new CollectingSocket(`other-${i}`, `person-${i}`));
  const phone = new CollectingSocket('phone', personId);
  const laptop = new CollectingSocket('laptop', personId);
  hub.attach(phone);
  hub.attach(laptop);
  const agents = [new CollectingSocket('agent-1', 'agent-person-1'), new CollectingSocket('agent-2', 'agent-person-2')];
  for (const agent of agents) hub.attachBusiness(agent, businessId);
  for (let seq = 1; seq <= count; seq++) {
    const message: Message = { conversationId, seq, clientId: `c-${seq}`, sender: 'person', content: { contentType: 'text', text: 'Hello, is my card still locked?' }, sentAt: 1_795_000_000_000 };
    publishMessage(bus, { personId, businessId, message, skipSocket: phone.id });
  }
  if (count > 0 && (phone.written !== 0 || laptop.written !== count || agents.some((a) => a.written !== count))) throw new Error('the message was not routed to the laptop and both agents alone');
}

const paths: Record<string, (count: number) => void | Promise<void>> = {
  frame: (count) => {
    for (let i = 0; i < count; i++) if (!parseClientFrame(frame, false).ok) throw new Error('the sample frame was refused');
  },
  sign: (count) => {
    for (let i = 0; i < count; i++) signatureHeader([secret], { id: `msg_${i}`, timestamp: 1_795_000_000, body });
  },
  insert: insertPath,
  route: routePath,
};

const [name = '', countText = '0'] = process.argv.slice(2);
const path = paths[name];
if (!path) throw new Error(`unknown hot path "${name}"; one of ${Object.keys(paths).join(', ')}`);
// Warm every path once whatever the count, so both runs load and compile the same code.
await paths[name]?.(1);
await path(Number(countText));
