import type { ConsentList, MoneyAccountList, MoneyBalances, MoneyTransactions, WebhookEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBalances } from '../../sandbox-bank/src/customers';
import { findCustomerByUsername, formatMinor } from '../../sandbox-bank/src/customers';
import { comeBack, linkBank, startBankingWorld, visitBankUntil, type BankingWorld } from './banking-fixtures';
import { bsidFor } from '../src/business';
import { createKey, manualClock, openStore } from './business-fixtures';
import { dialects } from './context';
import { registerEndpoint, startReceiver, type WebhookReceiver } from './webhooks-fixtures';
import { signUpPerson, type TestPerson } from './people';

// Linking the Sandbox Bank over real sockets: Parley's PAR, PKCE, DPoP and private_key_jwt
// against the bank's real OpenID provider, the bank's login and consent pages driven like a
// browser, then money read through the gate.

describe.each(dialects)('linking a bank (%s)', (dialect) => {
  let world: BankingWorld;
  let alice: TestPerson;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    world = await startBankingWorld(dialect);
    alice = await signUpPerson(world.t.app, 'Alice');
    receiver = await startReceiver();
    const key = await createKey(world.t.app, world.institution.businessId, ['webhooks:manage']);
    await registerEndpoint(world.t.app, key.secret, { url: receiver.url, eventTypes: ['link.completed'] });
  });
  afterAll(async () => {
    await receiver?.close();
    await world?.close();
  });

  it('lists the Sandbox Bank as linkable', async () => {
    const response = await world.t.app.inject({ url: '/v1/links/institutions', headers: { cookie: alice.cookie } });
    expect(response.json()).toEqual({ institutions: [world.institution] });
  });

  it('links alice end to end and reads her balances through /v1/money', async () => {
    const outcome = await linkBank(world, alice);
    expect(outcome).toMatchObject({ linked: world.institution.id, error: null });

    const consents = (await world.t.app.inject({ url: '/v1/consents', headers: { cookie: alice.cookie } })).json() as ConsentList;
    expect(consents.consents).toHaveLength(1);
    expect(consents.consents[0]).toMatchObject({ status: 'active', institution: { id: world.institution.id, name: 'Sandbox Bank' } });
    expect(consents.consents[0]!.permissions.map((p) => p.category).sort()).toEqual(['account_details', 'balances', 'transactions']);

    const accounts = (await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } })).json() as MoneyAccountList;
    const bankAlice = (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!;
    const truth = await getBalances(world.bank.ctx, bankAlice.id);
    expect(accounts.accounts.map((a) => a.name)).toEqual(truth.map((b) => b.account.name));
    expect(accounts.accounts[0]!.source.institution.name).toBe('Sandbox Bank');

    const first = accounts.accounts[0]!;
    const balances = (await world.t.app.inject({ url: `/v1/money/accounts/${first.id}/balances`, headers: { cookie: alice.cookie } })).json() as MoneyBalances;
    const booked = balances.balances.find((b) => b.type === 'ITBD')!;
    const expected = truth[0]!;
    const sign = expected.bookedMinor < 0 ? '-' : '';
    expect(booked.amount).toBe(`${sign}${formatMinor(Math.abs(expected.bookedMinor), expected.currency)}`);
    expect(balances.source.fetchedAt).toBeGreaterThan(0);

    // The last 60 days, every page of them (the bank pages by 50), and nothing older.
    const transactions = (await world.t.app.inject({ url: `/v1/money/accounts/${first.id}/transactions`, headers: { cookie: alice.cookie } })).json() as MoneyTransactions;
    const since = Date.now() - 60 * 24 * 60 * 60_000;
    const bankAccountId = first.id.split('.')[1]!;
    const atBank = await world.bank.ctx.db.selectFrom('transactions').select('id').where('account_id', '=', bankAccountId).where('booked_at', '>=', since - 60_000).execute();
    expect(atBank.length).toBeGreaterThan(50);
    expect(transactions.transactions.length).toBeGreaterThanOrEqual(atBank.length - 5);
    expect(transactions.transactions.length).toBeLessThanOrEqual(atBank.length);
    expect(transactions.transactions.every((t) => t.bookedAt >= since - 60_000)).toBe(true);
    expect(transactions.transactions.some((t) => t.merchant !== null)).toBe(true);
  });

  it('opens the conversation with the bank and tells the bank with link.completed, naming alice by her BSID', async () => {
    const list = (await world.t.app.inject({ url: '/v1/conversations', headers: { cookie: alice.cookie } })).json() as { conversations: { business: { id: string } }[] };
    expect(list.conversations.map((c) => c.business.id)).toContain(world.institution.businessId);
    const store = await openStore(world.t.config);
    const bsid = await bsidFor(store.ctx, world.institution.businessId, alice.me.id);
    await store.close();
    await receiver.waitFor(1);
    const events = receiver.received.map((hit) => JSON.parse(hit.body) as WebhookEvent).filter((event) => event.type === 'link.completed');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ bsid, permissions: ['balances', 'transactions', 'account_details'] });
    expect(receiver.received[0]!.body).not.toContain(alice.me.id);
  });

  /** What a failed link must not leave: no consent, no tokens, no consent data key, no receipt. */
  async function storedFor(person: TestPerson): Promise<{ consents: number; tokens: number; consentKeys: number; receipts: number }> {
    const store = await openStore(world.t.config);
    try {
      const consents = await store.db.selectFrom('consents').select('id').where('person_id', '=', person.me.id).execute();
      const ids = consents.map((row) => row.id);
      const tokens = ids.length ? await store.db.selectFrom('bank_tokens').select('consent_id').where('consent_id', 'in', ids).execute() : [];
      const keys = ids.length ? await store.db.selectFrom('data_keys').select('id').where('owner_kind', '=', 'consent').where('owner_id', 'in', ids).execute() : [];
      const receipts = await store.db.selectFrom('consent_receipts').select('id').where('person_id', '=', person.me.id).execute();
      return { consents: consents.length, tokens: tokens.length, consentKeys: keys.length, receipts: receipts.length };
    } finally {
      await store.close();
    }
  }
  const nothing = { consents: 0, tokens: 0, consentKeys: 0, receipts: 0 };

  it('says so clearly and stores nothing when the person refuses at the bank', async () => {
    const bob = await signUpPerson(world.t.app, 'Bob');
    const outcome = await linkBank(world, bob, { username: 'bob', refuse: true });
    expect(outcome).toMatchObject({ linked: null, error: 'ERR_LINK_CANCELLED' });
    expect(await storedFor(bob)).toEqual(nothing);
    const money = (await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: bob.cookie } })).json() as MoneyAccountList;
    expect(money.accounts).toEqual([]);
  });

  it('refuses a callback that comes back in another session, and the state cannot be used again after', async () => {
    const carol = await signUpPerson(world.t.app, 'Carol');
    const mallory = await signUpPerson(world.t.app, 'Mallory');
    const started = await world.t.app.inject({ method: 'POST', url: '/v1/links', headers: carol.headers, payload: { institutionId: world.institution.id, permissions: ['balances'] } });
    const callback = await visitBankUntil((started.json() as { authorizationUrl: string }).authorizationUrl, { stopAt: `${world.t.baseUrl}/v1/links/callback`, username: 'bob', password: 'bob-sandbox' });
    expect(await comeBack(world, callback, mallory)).toMatchObject({ linked: null, error: 'ERR_LINK_SESSION_MISMATCH' });
    expect(await comeBack(world, callback, null)).toMatchObject({ linked: null, error: 'ERR_LINK_EXPIRED' });
    expect(await comeBack(world, callback, carol)).toMatchObject({ linked: null, error: 'ERR_LINK_EXPIRED' });
    expect(await storedFor(carol)).toEqual(nothing);
    expect(await storedFor(mallory)).toEqual(nothing);
  });

  it('refuses a made-up state and a link request outside the rules', async () => {
    const dave = await signUpPerson(world.t.app, 'Dave');
    const forged = new URL(`${world.t.baseUrl}/v1/links/callback?code=abc&state=${'x'.repeat(43)}&iss=${encodeURIComponent(world.bank.url)}`);
    expect(await comeBack(world, forged, dave)).toMatchObject({ error: 'ERR_LINK_EXPIRED' });
    const post = (payload: unknown, headers = dave.headers) => world.t.app.inject({ method: 'POST', url: '/v1/links', headers, payload: payload as Record<string, unknown> });
    expect((await post({ institutionId: world.institution.id, permissions: ['balances'], expiresInDays: 366 })).statusCode).toBe(400);
    expect((await post({ institutionId: world.institution.id, permissions: [] })).statusCode).toBe(400);
    expect((await post({ institutionId: world.institution.id, permissions: ['advertising'] })).statusCode).toBe(400);
    expect((await post({ institutionId: world.institution.id, permissions: ['balances'] }, { cookie: dave.cookie })).statusCode).toBe(403);
    expect((await post({ institutionId: '00000000-0000-4000-8000-000000000000', permissions: ['balances'] })).statusCode).toBe(404);
  });
});

describe('a link session', () => {
  it('expires after 10 minutes: a callback after that links nothing', async () => {
    const clock = manualClock();
    const world = await startBankingWorld('sqlite', { clock });
    try {
      const erin = await signUpPerson(world.t.app, 'Erin');
      const started = await world.t.app.inject({ method: 'POST', url: '/v1/links', headers: erin.headers, payload: { institutionId: world.institution.id, permissions: ['balances'] } });
      const created = started.json() as { expiresAt: number; authorizationUrl: string };
      expect(created.expiresAt - clock.now()).toBe(10 * 60_000);
      const callback = await visitBankUntil(created.authorizationUrl, { stopAt: `${world.t.baseUrl}/v1/links/callback`, username: 'alice', password: 'alice-sandbox' });
      clock.advance(10 * 60_000 + 1);
      expect(await comeBack(world, callback, erin)).toMatchObject({ linked: null, error: 'ERR_LINK_EXPIRED' });
      const consents = (await world.t.app.inject({ url: '/v1/consents', headers: { cookie: erin.cookie } })).json() as ConsentList;
      expect(consents.consents).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
