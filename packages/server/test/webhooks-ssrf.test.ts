import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { CreatedApiKey } from '@parley/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, createBusiness, createKey, openStore } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { deliveryById, registerEndpoint, sendTest } from './webhooks-fixtures';

// Parley as a production operator runs it (private targets NOT allowed): endpoint URLs that point
// inside the network are refused at registration, and a row that somehow holds one anyway is
// refused again at delivery, on the address actually being connected to.

const forbiddenUrls = [
  'https://127.0.0.1/hooks',
  'https://10.0.0.1/hooks',
  'https://169.254.169.254/latest/meta-data/',
  'https://[::1]/hooks',
  'https://[::ffff:127.0.0.1]/hooks',
  'https://[fd00:ec2::254]/latest',
  'https://100.64.0.1/hooks',
  'https://0x7f.1/hooks',
  'https://0.0.0.0/hooks',
  'https://localhost/hooks',
  'http://93.184.216.34/hooks',
  'http://127.0.0.1:4000/hooks',
  'https://bank:secret@93.184.216.34/hooks',
];

/** A TCP listener that only counts who connects: a guard that works lets nobody in. */
async function countingListener(): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(dialects)('webhook SSRF protection on %s', (dialect) => {
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let key: CreatedApiKey;
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      config: { adminToken, webhookAllowPrivate: false, webhookTimeoutMs: 2_000 },
      deps: { logger: pino({ level: 'warn' }, logStream) },
    });
    store = await openStore(t.config);
    const bank = await createBusiness(t.app, 'Careful Bank');
    key = await createKey(t.app, bank.id, ['webhooks:manage']);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  it.each(forbiddenUrls)('refuses to register %s with ERR_WEBHOOK_URL_FORBIDDEN', async (url) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: bearer(key.secret), payload: { url, eventTypes: ['postback'] } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_WEBHOOK_URL_FORBIDDEN' } });
  });

  it('answers bad input with a 4xx code, never a 500', async () => {
    const cases = [
      { url: 'not a url', eventTypes: ['postback'] },
      { url: 'https://93.184.216.34/hooks', eventTypes: [] },
      { url: 'https://93.184.216.34/hooks', eventTypes: ['account.drained'] },
      { url: 'https://93.184.216.34/hooks', eventTypes: ['postback', 'postback'] },
      { url: 'https://93.184.216.34/hooks', eventTypes: ['postback'], secret: 'mine' },
      { url: `https://93.184.216.34/${'a'.repeat(2_100)}`, eventTypes: ['postback'] },
    ];
    for (const payload of cases) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: bearer(key.secret), payload });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'ERR_VALIDATION' } });
    }
    const badQuery = await t.app.inject({ method: 'GET', url: '/v1/webhooks/deliveries?status=lost', headers: bearer(key.secret) });
    expect(badQuery.statusCode).toBe(400);
    const badId = await t.app.inject({ method: 'POST', url: '/v1/webhooks/deliveries/not-an-id/replay', headers: bearer(key.secret) });
    expect(badId.statusCode).toBe(400);
  });

  it('accepts a public https address', async () => {
    const endpoint = await registerEndpoint(t.app, key.secret, { url: 'https://93.184.216.34/hooks', eventTypes: ['postback'] });
    expect(endpoint.url).toBe('https://93.184.216.34/hooks');
  });

  it('refuses at delivery a loopback target the row holds anyway, by IP or by a name resolving to it, without connecting', async () => {
    const listener = await countingListener();
    try {
      const targets = [`https://127.0.0.1:${listener.port}/hooks`, `https://localhost:${listener.port}/hooks`, `http://127.0.0.1:${listener.port}/hooks`];
      const deliveries: string[] = [];
      for (const target of targets) {
        const endpoint = await registerEndpoint(t.app, key.secret, { url: 'https://93.184.216.34/hooks', eventTypes: ['postback'] });
        // What a bug, a restore of an old backup or a hand edit could leave behind.
        await store.db.updateTable('webhook_endpoints').set({ url: target }).where('id', '=', endpoint.id).execute();
        deliveries.push((await sendTest(t.app, key.secret, endpoint.id)).deliveryId);
      }
      await t.app.webhooks.flush();
      const [byIp, byName, plainHttp] = await Promise.all(deliveries.map((id) => deliveryById(t.app, key.secret, id)));
      expect(byIp).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
      expect(byIp?.lastError).toBe('Refused to connect: 127.0.0.1 is or resolves to an address that is not public.');
      expect(byName?.lastError).toBe('Refused to connect: localhost is or resolves to an address that is not public.');
      expect(plainHttp?.lastError).toBe('Refused: the endpoint URL is not https.');
      expect(listener.connections()).toBe(0);
      // The bank is not told which address its host resolved to; the operator's log is.
      expect(logLines.some((line) => line.includes('"address":"127.0.0.1"') && line.includes('non-public address'))).toBe(true);
    } finally {
      await listener.close();
    }
  });
});
