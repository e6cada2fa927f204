import type { AccountExport, MoneyAccountList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkBank, startBankingWorld, type BankingWorld } from './banking-fixtures';
import { openStore } from './business-fixtures';
import { dialects } from './context';
import { signUpPerson, type TestPerson } from './people';

// "Export everything Parley holds about me": my data is all there, nobody else's is, and no
// secret (token, key, hash) leaves with it.

describe.each(dialects)('account export (%s)', (dialect) => {
  let world: BankingWorld;
  beforeAll(async () => {
    world = await startBankingWorld(dialect);
  });
  afterAll(() => world?.close());

  async function say(person: TestPerson, text: string): Promise<string> {
    const opened = await world.t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: world.institution.businessId } });
    const conversationId = (opened.json() as { id: string }).id;
    const sent = await world.t.app.inject({
      method: 'POST',
      url: `/v1/conversations/${conversationId}/messages`,
      headers: person.headers,
      payload: { clientId: `c${Date.now()}${Math.random().toString(36).slice(2, 10)}`, content: { contentType: 'text', text } },
    });
    expect(sent.statusCode).toBe(201);
    return conversationId;
  }

  it('holds my profile, conversations, BSIDs, consents, receipts and access log — and nothing of anyone else, nothing secret', async () => {
    const alice = await signUpPerson(world.t.app, 'Alice Exporter');
    expect((await linkBank(world, alice)).linked).toBe(world.institution.id);
    const accounts = (await world.t.app.inject({ url: '/v1/money/accounts', headers: { cookie: alice.cookie } })).json() as MoneyAccountList;
    expect(accounts.accounts.length).toBeGreaterThan(0);
    await say(alice, 'my own words, hello bank');
    const canary = `other-person-canary-${Date.now()}`;
    const bob = await signUpPerson(world.t.app, `Bob ${canary}`);
    expect((await linkBank(world, bob, { username: 'bob' })).linked).toBe(world.institution.id);
    await say(bob, `bob says ${canary}`);

    const endpoint = `https://push.example.net/send/${canary}`;
    const device = { endpoint, keys: { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' }, deviceName: 'Alice phone' };
    expect((await world.t.app.inject({ method: 'POST', url: '/v1/push/devices', headers: alice.headers, payload: device })).statusCode).toBe(201);

    const switched = await world.t.app.inject({
      method: 'PUT',
      url: `/v1/alert-preferences/${world.institution.businessId}`,
      headers: alice.headers,
      payload: { kinds: { card_transaction_review: true } },
    });
    expect(switched.statusCode, switched.body).toBe(200);

    const response = await world.t.app.inject({ url: '/v1/account/export', headers: { cookie: alice.cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="parley-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const data = response.json() as AccountExport;

    expect(data.profile).toMatchObject({ id: alice.me.id, displayName: 'Alice Exporter', hasPassword: true });
    expect(data.sessions).toEqual([expect.objectContaining({ current: true })]);
    expect(data.conversations).toHaveLength(1);
    expect(data.conversations[0]?.business.id).toBe(world.institution.businessId);
    expect(data.conversations[0]?.messages.map((message) => JSON.stringify(message.content)).join('\n')).toContain('my own words, hello bank');
    expect(data.bsids).toEqual([expect.objectContaining({ business: expect.objectContaining({ id: world.institution.businessId }), bsid: expect.any(String) })]);
    expect(data.consents).toEqual([expect.objectContaining({ status: 'active', institution: { id: world.institution.id, name: 'Sandbox Bank' } })]);
    expect(data.receipts).toEqual([expect.objectContaining({ kind: 'consent', jws: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) })]);
    expect(data.accessLog.entries.length).toBeGreaterThan(0);
    expect(data.accessLog.entries[0]?.seq).toBe(1);
    expect(data.pushDevices).toEqual([expect.objectContaining({ deviceName: 'Alice phone' })]);
    expect(data.accessLog.chain).toEqual({ intact: true, entries: data.accessLog.entries.length, problem: null });
    expect(data.alertSettings).toEqual([
      expect.objectContaining({ businessId: world.institution.businessId, kinds: expect.objectContaining({ card_transaction_review: true, low_balance: false }) }),
    ]);
    expect(data.supportAnswers).toEqual({ reveals: [], ratings: [] });

    // Nobody else: Bob's name, words, id, email and BSID never appear.
    const text = response.body;
    const store = await openStore(world.t.config);
    try {
      const bobBsid = await store.db.selectFrom('bsids').select('bsid').where('person_id', '=', bob.me.id).executeTakeFirstOrThrow();
      for (const theirs of [canary, bob.me.id, String(bob.me.email), bobBsid.bsid]) expect(text).not.toContain(theirs);

      // Nothing secret: no session token, session id (its hash) or CSRF token, no password hash,
      // no passkey key, no sealed value (bank tokens, cached data), no wrapped data key.
      const person = await store.db.selectFrom('people').select('password_hash').where('id', '=', alice.me.id).executeTakeFirstOrThrow();
      const sessions = await store.db.selectFrom('sessions').select(['id', 'csrf_token']).where('person_id', '=', alice.me.id).execute();
      const tokens = await store.db.selectFrom('bank_tokens').selectAll().execute();
      const keys = await store.db.selectFrom('data_keys').select('wrapped_key').execute();
      const secrets = [
        alice.cookie.split('=')[1] ?? 'missing-cookie',
        alice.csrfToken,
        String(person.password_hash),
        ...sessions.flatMap((row) => [row.id, row.csrf_token]),
        ...tokens.flatMap((row) => [row.refresh_sealed, row.access_sealed ?? 'x-none', row.dpop_sealed]),
        ...keys.map((row) => row.wrapped_key ?? 'x-none'),
      ];
      expect(secrets.length).toBeGreaterThan(6);
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/\$argon2|pk1\.|password_hash|refresh_?token|"d":"/i);
    } finally {
      await store.close();
    }
  });

  it('needs a signed-in person', async () => {
    const response = await world.t.app.inject({ url: '/v1/account/export' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_UNAUTHENTICATED' } });
  });
});
