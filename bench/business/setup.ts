import { randomBytes } from 'node:crypto';
import { startServerProcess, type ServerProcess } from '../../packages/server/test/server-process';
import type { Target } from '../load';
import { insertPeople, openConversations, type BenchPerson } from '../seed';

export interface SeededParley {
  readonly server: ServerProcess;
  readonly people: BenchPerson[];
  readonly conversations: string[];
  /** `pk_…` with messages:send and webhooks:manage, made through the admin API. */
  readonly apiKey: string;
  /** The endpoint's `whsec_…`, for the peer's signatures. */
  readonly webhookSecret: string;
  readonly target: Target;
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Parley pinned to core 0 on a fresh SQLite folder: people and sessions inserted as
 * bench/seed.ts does, their conversations with the Sandbox Bank opened over HTTP, an API key
 * made through the admin API and a webhook endpoint registered at the sink.
 */
export async function seedParley(options: {
  dataDir: string;
  people: number;
  sinkUrl: string;
  pin: boolean;
  onStart: (s: ServerProcess) => void;
  /** Node flags for the measured server, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (bench/profile-send.ts). */
  nodeFlags?: readonly string[];
}): Promise<SeededParley> {
  const adminToken = randomBytes(32).toString('base64url');
  const env = {
    LOG_LEVEL: 'warn',
    PARLEY_ADMIN_TOKEN: adminToken,
    PARLEY_WEBHOOKS_ALLOW_PRIVATE: '1',
    // The sink holds some deliveries unanswered while the backlog builds (see webhooks.ts).
    PARLEY_WEBHOOK_TIMEOUT_MS: '60000',
  };
  const schema = await startServerProcess({ dataDir: options.dataDir, databaseUrl: null, env });
  options.onStart(schema);
  await schema.stop();
  const people = insertPeople(options.dataDir, options.people);
  const server = await startServerProcess({ dataDir: options.dataDir, databaseUrl: null, env, wrap: options.pin ? ['taskset', '-c', '0'] : [], nodeFlags: options.nodeFlags ?? [] });
  options.onStart(server);
  const base = `http://127.0.0.1:${server.port}`;
  const conversations = await openConversations(base, people, 32);

  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const { businesses } = await json<{ businesses: { id: string; name: string }[] }>(await fetch(`${base}/v1/admin/businesses`, { headers: admin }), 'listing businesses');
  const bank = businesses.find((b) => b.name === 'Sandbox Bank');
  if (!bank) throw new Error('no Sandbox Bank');
  const { secret: apiKey } = await json<{ secret: string }>(
    await fetch(`${base}/v1/admin/businesses/${bank.id}/keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'bench', scopes: ['messages:send', 'webhooks:manage'] }),
    }),
    'making an API key',
  );
  const { secret: webhookSecret } = await json<{ secret: string }>(
    await fetch(`${base}/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: options.sinkUrl, eventTypes: ['message.created'] }),
    }),
    'registering the endpoint',
  );
  const origin = `http://localhost:${server.port}`;
  const target: Target = {
    name: 'Parley',
    pid: () => server.pid(),
    socket: (pair) => ({ url: `ws://127.0.0.1:${server.port}/v1/ws`, headers: { cookie: people[pair]?.cookie ?? '', origin } }),
    sendFrame: (pair, clientId) =>
      `{"type":"send","clientId":"${clientId}","conversationId":"${conversations[pair]}","content":{"contentType":"text","text":"Hello from the bench: what is my balance?"}}`,
    greets: true,
    acks: true,
  };
  return { server, people, conversations, apiKey, webhookSecret, target };
}

const balance = {
  contentType: 'template.balance',
  accounts: [{ name: 'Everyday account', mask: '1234', balance: { amount: '1520.35', currency: 'EUR' }, available: { amount: '1420.35', currency: 'EUR' } }],
  asOf: '2026-11-03T09:30:00Z',
};

/** Send API body k: to person k mod n, a text or (every other one) a balance template. */
export function sendBodies(bsids: readonly string[]): (k: number) => string {
  const texts = bsids.map((bsid) => JSON.stringify({ recipient: { bsid }, messagingType: 'RESPONSE', content: { contentType: 'text', text: 'Your card ending 1234 is locked.' } }));
  const balances = bsids.map((bsid) => JSON.stringify({ recipient: { bsid }, messagingType: 'RESPONSE', content: balance }));
  return (k) => ((k & 1 ? balances : texts)[k % bsids.length] as string);
}
