import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aispBasePath, aispClient, type AispClient, type AispConnection } from './aisp-client';
import { startTestBank, type TestBank } from './bank-fixtures';
import { obCall, obLink } from './openapi-validator';

const alice = { username: 'alice', password: 'alice-sandbox' };
const revokedEvent = 'urn:uk:org:openbanking:events:consent-authorization-revoked';

/** Parley's events endpoint, played by a little server: it can be told to fail, and records every POST. */
function eventsReceiver() {
  const received: { status: number; contentType: string | undefined; financialId: string | undefined; body: string }[] = [];
  let failuresLeft = 0;
  const waiters: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const status = failuresLeft > 0 ? 503 : 202;
      if (failuresLeft > 0) failuresLeft -= 1;
      received.push({ status, contentType: request.headers['content-type'], financialId: request.headers['x-fapi-financial-id'] as string | undefined, body });
      response.writeHead(status).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  return {
    received,
    failNext(count: number) {
      failuresLeft = count;
    },
    /** Resolves once `count` POSTs (failed or not) have arrived. */
    async waitFor(count: number): Promise<void> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/banking/events`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sign in at the bank's own /login form, as a browser would; returns the session cookie. */
async function signIn(bankUrl: string, customer: { username: string; password: string }): Promise<string> {
  const response = await fetch(`${bankUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...customer, next: '/connected-apps' }).toString(),
  });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/connected-apps');
  return response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
}

describe('the Connected apps page', () => {
  const receiver = eventsReceiver();
  let client: AispClient;
  let bank: TestBank;
  let parley: AispConnection;
  let cookie: string;
  const revocations: { consentId: string; by: string }[] = [];
  // The bank's clock: real time plus an offset the expiry test moves on (it runs last).
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };

  const revoke = (consentId: string, headers: Record<string, string>) =>
    fetch(`${bank.url}/connected-apps/${consentId}/revoke`, { method: 'POST', redirect: 'manual', headers: { cookie, ...headers } });
  const consentStatus = async (consentId: string) =>
    (await obCall(parley, `/account-access-consents/${consentId}`, { accessToken: await parley.clientCredentialsToken() })).body.Data.Status as string;

  beforeAll(async () => {
    const eventsUrl = await receiver.start();
    const plain = await aispClient();
    client = { ...plain, client: { ...plain.client, eventsUrl } };
    bank = await startTestBank({ config: { clients: [client.client] }, deps: { clock } });
    bank.ctx.events.on('consent.revoked', (event) => revocations.push(event));
    parley = await client.connect(bank.url);
    cookie = await signIn(bank.url, alice);
  });
  afterAll(async () => {
    await bank.stop();
    await receiver.close();
  });

  it('sends a visitor who is not signed in to the login page first', async () => {
    const response = await fetch(`${bank.url}/connected-apps`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=/connected-apps');
  });

  it('lists the apps the customer let in: who, what in plain words, which accounts, until when', async () => {
    const tokens = await obLink(parley, alice, ['ReadAccountsBasic', 'ReadBalances'], { ExpirationDateTime: '2099-01-01T00:00:00Z' });
    const page = await (await fetch(`${bank.url}/connected-apps`, { headers: { cookie } })).text();
    const item = page.slice(page.indexOf(`data-consent-id="${tokens.consentId}"`));
    expect(item).toContain('<strong>Parley</strong>');
    expect(item).toContain('See your balances');
    expect(item).toContain('See your account names, types and currencies');
    expect(item).toContain('Everyday Current Account');
    expect(item).toContain('Active');
    expect(item).toContain('Expires Thu, 01 Jan 2099');
    expect(item).toContain(`action="/connected-apps/${tokens.consentId}/revoke"`);
  });

  it('revokes on the customer’s word: CANC, tokens dead, and Parley gets a signed event it can verify, retried until it accepts', async () => {
    const tokens = await obLink(parley, alice, ['ReadAccountsBasic']);
    expect((await obCall(parley, '/accounts', { accessToken: tokens.accessToken })).status).toBe(200);

    // A form posted from another site must not revoke anything.
    expect((await revoke(tokens.consentId, {})).status).toBe(403);
    expect((await revoke(tokens.consentId, { origin: 'http://evil.example' })).status).toBe(403);
    expect(await consentStatus(tokens.consentId)).toBe('AUTH');

    receiver.failNext(1);
    const before = receiver.received.length;
    const response = await revoke(tokens.consentId, { origin: new URL(bank.url).origin });
    expect(response.status).toBe(303);
    expect(await (await fetch(`${bank.url}${response.headers.get('location')}`, { headers: { cookie } })).text()).toContain('Access revoked');
    expect(await consentStatus(tokens.consentId)).toBe('CANC');
    expect(revocations).toContainEqual(expect.objectContaining({ consentId: tokens.consentId, by: 'customer' }));
    expect((await obCall(parley, '/accounts', { accessToken: tokens.accessToken })).status).toBe(403);
    await expect(parley.refresh(tokens.refreshToken ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });

    await receiver.waitFor(before + 2);
    const [failed, delivered] = receiver.received.slice(before);
    expect(failed?.status).toBe(503);
    expect(delivered).toMatchObject({ status: 202, contentType: 'application/jwt', financialId: 'sandbox-bank' });
    expect(delivered?.body).toBe(failed?.body);

    const jwks = createRemoteJWKSet(new URL('/open-banking/jwks', bank.url));
    const { payload, protectedHeader } = await jwtVerify(delivered?.body ?? '', jwks, { issuer: parley.config.serverMetadata().issuer, audience: 'parley', typ: 'secevent+jwt' });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: `${bank.url}${aispBasePath}/account-access-consents/${tokens.consentId}`, toe: expect.any(Number), jti: expect.any(String), txn: expect.any(String) });
    expect((payload.events as Record<string, { subject: Record<string, unknown> }>)[revokedEvent]?.subject).toMatchObject({
      'http://openbanking.org.uk/rid': tokens.consentId,
      'http://openbanking.org.uk/rty': 'account-access-consent',
    });
    expect(revocations.filter((event) => event.consentId === tokens.consentId)).toHaveLength(1);
  });

  it('delivers an event that failed before a restart once the bank is back, signed with the same key', async () => {
    const tokens = await obLink(parley, alice, ['ReadBalances']);
    receiver.failNext(1);
    const before = receiver.received.length;
    expect((await revoke(tokens.consentId, { origin: new URL(bank.url).origin })).status).toBe(303);
    await receiver.waitFor(before + 1);
    const kid = decodeProtectedHeader(receiver.received[before]?.body ?? '').kid;

    await bank.stop({ keepData: true });
    bank = await startTestBank({ config: { clients: [client.client] }, deps: { clock }, dataDir: bank.dataDir });
    parley = await client.connect(bank.url);
    await receiver.waitFor(before + 2);
    const delivered = receiver.received[before + 1];
    expect(delivered?.status).toBe(202);
    const jwks = createRemoteJWKSet(new URL('/open-banking/jwks', bank.url));
    const { payload, protectedHeader } = await jwtVerify(delivered?.body ?? '', jwks, { audience: 'parley', typ: 'secevent+jwt' });
    expect(protectedHeader.kid).toBe(kid);
    expect(payload.sub).toContain(tokens.consentId);
  });

  it('tells nothing to a client without an eventsUrl, and revokes only the signed-in customer’s consents', async () => {
    const quiet = await aispClient({ clientId: 'quiet-app', name: 'Quiet App' });
    const bob = { username: 'bob', password: 'bob-sandbox' };
    const restarted = await startTestBank({ config: { clients: [quiet.client] } });
    try {
      const connection = await quiet.connect(restarted.url);
      const alices = await obLink(connection, alice, ['ReadBalances']);
      const bobs = await obLink(connection, bob, ['ReadBalances']);
      const aliceCookie = await signIn(restarted.url, alice);
      const origin = new URL(restarted.url).origin;
      const post = (consentId: string) => fetch(`${restarted.url}/connected-apps/${consentId}/revoke`, { method: 'POST', redirect: 'manual', headers: { cookie: aliceCookie, origin } });
      expect((await post(bobs.consentId)).status).toBe(404);
      expect((await post(alices.consentId)).status).toBe(303);
      const rows = await restarted.ctx.db.selectFrom('account_access_consents').select(['id', 'status']).where('id', 'in', [alices.consentId, bobs.consentId]).execute();
      expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({ [alices.consentId]: 'CANC', [bobs.consentId]: 'AUTH' });
      expect(await restarted.ctx.db.selectFrom('consent_event_outbox').selectAll().execute()).toEqual([]);
    } finally {
      await restarted.stop();
    }
  });

  it('shows a consent past its expiry as Expired, with nothing left to revoke', async () => {
    const tokens = await obLink(parley, alice, ['ReadBalances'], { ExpirationDateTime: new Date(Date.now() + 20_000).toISOString() });
    offsetMs += 30_000;
    const page = await (await fetch(`${bank.url}/connected-apps`, { headers: { cookie } })).text();
    const item = page.slice(page.indexOf(`data-consent-id="${tokens.consentId}"`));
    expect(item.slice(0, item.indexOf('</li>\n'))).toContain('Expired');
    expect(page).not.toContain(`/connected-apps/${tokens.consentId}/revoke`);
    expect((await obCall(parley, `/account-access-consents/${tokens.consentId}`, { accessToken: await parley.clientCredentialsToken() })).body.Data.Status).toBe('EXPD');
  });
});
