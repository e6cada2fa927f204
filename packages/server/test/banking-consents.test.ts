import type { AccessLogPage, Consent, ConsentList, MoneyAccountList } from '@parley/protocol';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endConsent as endConsentAtBankDb, findConsent, listConsentsOfCustomer } from '../../sandbox-bank/src/open-banking';
import { findCustomerByUsername } from '../../sandbox-bank/src/customers';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { until } from './bank-parley-fixtures';
import { openStore } from './business-fixtures';
import { dialects } from './context';
import { signUpPerson, type TestPerson } from './people';

// Consents after a link: revocation in Parley (at the bank too, then erased here), revocation at
// the bank (its signed event, or its 403), and nobody else's consents or accounts.

describe.each(dialects)('consents (%s)', (dialect) => {
  let world: BankingWorld;

  beforeAll(async () => {
    world = await startBankingWorld(dialect);
  });
  afterAll(() => world?.close());

  const get = <T>(person: TestPerson, url: string) => world.t.app.inject({ url, headers: { cookie: person.cookie } }).then((r) => ({ status: r.statusCode, body: r.json() as T }));
  const consentsOf = async (person: TestPerson) => (await get<ConsentList>(person, '/v1/consents')).body.consents;

  async function linked(name: string, username: string): Promise<{ person: TestPerson; consent: Consent; accountId: string }> {
    const person = await signUpPerson(world.t.app, name);
    expect((await linkBank(world, person, { username })).linked).toBe(world.institution.id);
    const [consent] = await consentsOf(person);
    const accounts = (await get<MoneyAccountList>(person, '/v1/money/accounts')).body.accounts;
    return { person, consent: consent!, accountId: accounts[0]!.id };
  }

  /** What Parley still holds for a consent: tokens, cached data, and whether its data key is live. */
  async function heldFor(consentId: string): Promise<{ tokens: number; cached: number; liveKeys: number; status: string | undefined }> {
    const store = await openStore(world.t.config);
    try {
      const tokens = await store.db.selectFrom('bank_tokens').select('consent_id').where('consent_id', '=', consentId).execute();
      const cached = await store.db.selectFrom('bank_data_cache').select('id').where('consent_id', '=', consentId).execute();
      const keys = await store.db.selectFrom('data_keys').select(['id', 'wrapped_key']).where('owner_kind', '=', 'consent').where('owner_id', '=', consentId).execute();
      const consent = await store.db.selectFrom('consents').select('status').where('id', '=', consentId).executeTakeFirst();
      return { tokens: tokens.length, cached: cached.length, liveKeys: keys.filter((key) => key.wrapped_key !== null).length, status: consent?.status };
    } finally {
      await store.close();
    }
  }

  async function bankConsentIdOf(consentId: string): Promise<string> {
    const store = await openStore(world.t.config);
    const row = await store.db.selectFrom('consents').select('bank_consent_id').where('id', '=', consentId).executeTakeFirstOrThrow();
    await store.close();
    return row.bank_consent_id;
  }

  it('revokes at the bank and erases here: consent CANC at the bank, tokens and cache gone, data key destroyed, reads refused and logged', async () => {
    const { person, consent, accountId } = await linked('Alice', 'alice');
    expect((await get(person, `/v1/money/accounts/${accountId}/balances`)).status).toBe(200);
    expect(await heldFor(consent.id)).toMatchObject({ tokens: 1, liveKeys: 1, status: 'active' });
    expect((await heldFor(consent.id)).cached).toBeGreaterThan(0);

    const revoked = await world.t.app.inject({ method: 'DELETE', url: `/v1/consents/${consent.id}`, headers: person.headers });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', endedBy: 'person' });
    expect((await findConsent(world.bank.ctx.db, await bankConsentIdOf(consent.id)))?.status).toBe('CANC');
    expect(await heldFor(consent.id)).toEqual({ tokens: 0, cached: 0, liveKeys: 0, status: 'revoked' });

    const read = await get<{ error: { code: string } }>(person, `/v1/money/accounts/${accountId}/balances`);
    expect([read.status, read.body.error.code]).toEqual([403, 'ERR_CONSENT_NOT_ACTIVE']);
    expect((await get<MoneyAccountList>(person, '/v1/money/accounts')).body.accounts).toEqual([]);
    const log = (await get<AccessLogPage>(person, '/v1/privacy/access-log')).body.entries;
    expect(log[0]).toMatchObject({ outcome: 'refused', category: 'balances', purpose: 'show_to_user', actor: 'person' });
    expect(log.some((entry) => entry.outcome === 'allowed' && entry.accountId === accountId)).toBe(true);

    const receipts = (await get<{ receipts: { kind: string; consentId: string }[] }>(person, '/v1/privacy/receipts')).body.receipts;
    expect(receipts.filter((r) => r.consentId === consent.id).map((r) => r.kind).sort()).toEqual(['consent', 'revocation']);
  });

  it('marks the consent revoked when the customer revokes it at the bank (Connected apps), with the same erasure', async () => {
    const { person, consent } = await linked('Bob', 'bob');
    const signedIn = await fetch(`${world.bank.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'bob', password: 'bob-sandbox', next: '/connected-apps' }).toString(),
    });
    const cookie = signedIn.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    const bankConsentId = await bankConsentIdOf(consent.id);
    const revoke = await fetch(`${world.bank.url}/connected-apps/${bankConsentId}/revoke`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: new URL(world.bank.url).origin } });
    expect(revoke.status).toBe(303);
    const ended = await until('Parley to hear of it', async () => {
      const [now] = await consentsOf(person);
      return now?.status === 'revoked' ? now : undefined;
    });
    expect(ended.endedBy).toBe('bank');
    expect(await heldFor(consent.id)).toMatchObject({ tokens: 0, cached: 0, liveKeys: 0 });
  });

  it('ends a consent the bank refuses with 403, even without an event', async () => {
    const { person, consent, accountId } = await linked('Carol', 'carol');
    await endConsentAtBankDb(world.bank.ctx.db, { id: await bankConsentIdOf(consent.id), status: 'CANC', at: Date.now() });
    // Transactions were not read yet, so nothing is cached: the gate must ask the bank.
    const read = await get<{ error: { code: string } }>(person, `/v1/money/accounts/${accountId}/transactions`);
    expect([read.status, read.body.error.code]).toEqual([403, 'ERR_CONSENT_NOT_ACTIVE']);
    expect((await consentsOf(person))[0]).toMatchObject({ status: 'revoked', endedBy: 'bank' });
    expect(await heldFor(consent.id)).toMatchObject({ tokens: 0, cached: 0, liveKeys: 0 });
    const log = (await get<AccessLogPage>(person, '/v1/privacy/access-log')).body.entries;
    expect(log[0]).toMatchObject({ outcome: 'refused', category: 'transactions', reason: 'consent revoked at the bank (403)' });
  });

  it("answers 404 for another person's consents and accounts, and changes nothing", async () => {
    const { person: dave, consent, accountId } = await linked('Dave', 'alice');
    const mallory = await signUpPerson(world.t.app, 'Mallory');
    expect(await consentsOf(mallory)).toEqual([]);
    expect((await world.t.app.inject({ method: 'DELETE', url: `/v1/consents/${consent.id}`, headers: mallory.headers })).statusCode).toBe(404);
    for (const path of ['balances', 'transactions']) {
      const read = await get<{ error: { code: string } }>(mallory, `/v1/money/accounts/${accountId}/${path}`);
      expect([read.status, read.body.error.code]).toEqual([404, 'ERR_NOT_FOUND']);
    }
    expect((await get<MoneyAccountList>(mallory, '/v1/money/accounts')).body.accounts).toEqual([]);
    expect((await consentsOf(dave))[0]?.status).toBe('active');
    const aliceAtBank = (await findCustomerByUsername(world.bank.ctx.db, 'alice'))!;
    expect((await listConsentsOfCustomer(world.bank.ctx.db, aliceAtBank.id)).some((row) => row.status === 'AUTH')).toBe(true);
  });

  it('expires a consent past its expiry on read, with the same erasure, and the gate refuses it', async () => {
    const { person, consent, accountId } = await linked('Erin', 'alice');
    const store = await openStore(world.t.config);
    await store.db.updateTable('consents').set({ expires_at: Date.now() - 1 }).where('id', '=', consent.id).execute();
    await store.close();
    expect((await consentsOf(person))[0]).toMatchObject({ status: 'expired', endedBy: 'expiry' });
    expect(await heldFor(consent.id)).toMatchObject({ tokens: 0, cached: 0, liveKeys: 0, status: 'expired' });
    const read = await get<{ error: { code: string } }>(person, `/v1/money/accounts/${accountId}/balances`);
    expect([read.status, read.body.error.code]).toEqual([403, 'ERR_CONSENT_NOT_ACTIVE']);
  });

  it('refuses a bank event not signed by the bank, and keeps the consent', async () => {
    const { person, consent } = await linked('Frank', 'bob');
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({
      events: { 'urn:uk:org:openbanking:events:consent-authorization-revoked': { subject: { 'http://openbanking.org.uk/rid': await bankConsentIdOf(consent.id) } } },
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'secevent+jwt', kid: 'forged' })
      .setIssuer(world.bank.url)
      .setAudience('parley')
      .setIssuedAt()
      .setJti('forged-1')
      .sign(privateKey);
    for (const body of [forged, 'not a jwt']) {
      const response = await world.t.app.inject({ method: 'POST', url: '/v1/banking/events', headers: { 'content-type': 'application/jwt' }, payload: body });
      expect(response.statusCode).toBe(403);
    }
    expect((await consentsOf(person))[0]?.status).toBe('active');
  });

  it('tells the person once, in the bank conversation, 7 days before a consent ends, with a Renew button', async () => {
    const { person, consent } = await linked('Grace', 'bob');
    const store = await openStore(world.t.config);
    await store.db.updateTable('consents').set({ expires_at: Date.now() + 6 * 24 * 60 * 60_000 }).where('id', '=', consent.id).execute();
    await store.close();
    expect(await world.t.app.banking.remindRenewals()).toBe(1);
    expect(await world.t.app.banking.remindRenewals()).toBe(0);
    const conversations = (await get<{ conversations: { id: string; business: { id: string } }[] }>(person, '/v1/conversations')).body.conversations;
    const withBank = conversations.find((c) => c.business.id === world.institution.businessId)!;
    const history = (await get<{ messages: { sender: string; content: { contentType: string; text?: string; buttons?: { url?: string }[] } }[] }>(person, `/v1/conversations/${withBank.id}/messages`)).body.messages;
    const reminders = history.filter((m) => m.sender === 'system' && m.content.contentType === 'buttons');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.content.text).toMatch(/Your link with Sandbox Bank ends on \d{4}-\d{2}-\d{2}/);
    expect(reminders[0]!.content.buttons?.[0]?.url).toBe(`${world.t.baseUrl}/?renew=${consent.id}`);
  });
});
