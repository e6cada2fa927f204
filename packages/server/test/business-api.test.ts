import type { ApiKeyList, Business, CreatedApiKey, MemberList, MembershipList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsidFor, personForBsid } from '../src/business';
import { ConfigError, loadConfig } from '../src/platform/config';
import { addMember, adminToken, bearer, createBusiness, createKey, manualClock, openStore, operator } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';

// Members, keys and BSIDs, attacked from every side: another business's key or staff, a person's
// session where a key is due, a key without the scope, a member without the role.

describe.each(dialects)('business members, keys and BSIDs on %s', (dialect) => {
  const clock = manualClock();
  let t: TestApp;
  let store: Awaited<ReturnType<typeof openStore>>;
  let x: Business;
  let y: Business;
  let ownerX: TestPerson;
  let developerX: TestPerson;
  let agentX: TestPerson;
  let ownerY: TestPerson;
  let stranger: TestPerson;
  let keyX: CreatedApiKey;
  let keyY: CreatedApiKey;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken }, deps: { clock } });
    store = await openStore(t.config, clock);
    x = await createBusiness(t.app, 'Bank X');
    y = await createBusiness(t.app, 'Bank Y');
    ownerX = await signUpPerson(t.app, 'Owner X');
    developerX = await signUpPerson(t.app, 'Dev X');
    agentX = await signUpPerson(t.app, 'Agent X');
    ownerY = await signUpPerson(t.app, 'Owner Y');
    stranger = await signUpPerson(t.app, 'Stranger');
    await addMember(t.app, x.id, ownerX.me.email ?? '', 'owner');
    await addMember(t.app, x.id, developerX.me.email ?? '', 'developer');
    await addMember(t.app, x.id, agentX.me.email ?? '', 'agent');
    await addMember(t.app, y.id, ownerY.me.email ?? '', 'owner');
    keyX = await createKey(t.app, x.id, ['messages:send']);
    keyY = await createKey(t.app, y.id, ['messages:send']);
  });
  afterAll(async () => {
    await store?.close();
    await t?.close();
  });

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
  const post = (url: string, who: TestPerson, payload: object) => t.app.inject({ method: 'POST', url, headers: who.headers, payload });
  const del = (url: string, who: TestPerson) => t.app.inject({ method: 'DELETE', url, headers: who.headers });
  const codeOf = (response: { json(): unknown }) => (response.json() as { error: { code: string } }).error.code;

  describe('members', () => {
    it('owners and developers list members; an agent is forbidden; anyone else sees nothing', async () => {
      const listed = await get(`/v1/business/${x.id}/members`, { cookie: ownerX.cookie });
      expect(listed.statusCode).toBe(200);
      const roles = (listed.json() as MemberList).members.map((m) => [m.email, m.role]);
      expect(roles).toHaveLength(3);
      expect(roles).toEqual(expect.arrayContaining([[ownerX.me.email, 'owner'], [developerX.me.email, 'developer'], [agentX.me.email, 'agent']]));
      expect((await get(`/v1/business/${x.id}/members`, { cookie: developerX.cookie })).statusCode).toBe(200);

      const agent = await get(`/v1/business/${x.id}/members`, { cookie: agentX.cookie });
      expect([agent.statusCode, codeOf(agent)]).toEqual([403, 'ERR_FORBIDDEN']);
      for (const outsider of [stranger, ownerY]) {
        const response = await get(`/v1/business/${x.id}/members`, { cookie: outsider.cookie });
        expect([response.statusCode, codeOf(response)]).toEqual([404, 'ERR_NOT_FOUND']);
      }
      // Exactly the answer for a business that does not exist.
      const none = await get('/v1/business/00000000-0000-4000-8000-000000000000/members', { cookie: ownerX.cookie });
      expect([none.statusCode, codeOf(none)]).toEqual([404, 'ERR_NOT_FOUND']);
    });

    it('only an owner adds and removes members; the last owner stays', async () => {
      const newcomer = await signUpPerson(t.app, 'Newcomer');
      const body = { email: newcomer.me.email, role: 'agent' };
      expect((await post(`/v1/business/${x.id}/members`, developerX, body)).statusCode).toBe(403);
      expect((await post(`/v1/business/${x.id}/members`, agentX, body)).statusCode).toBe(403);
      expect((await post(`/v1/business/${x.id}/members`, ownerY, body)).statusCode).toBe(404);
      expect((await post(`/v1/business/${x.id}/members`, stranger, body)).statusCode).toBe(404);
      const noCsrf = await t.app.inject({ method: 'POST', url: `/v1/business/${x.id}/members`, headers: { cookie: ownerX.cookie }, payload: body });
      expect(codeOf(noCsrf)).toBe('ERR_CSRF');

      const added = await post(`/v1/business/${x.id}/members`, ownerX, { email: newcomer.me.email?.toUpperCase(), role: 'agent' });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({ email: newcomer.me.email, displayName: 'Newcomer', role: 'agent' });
      expect(JSON.stringify(added.json())).not.toContain(newcomer.me.id);
      expect(codeOf(await post(`/v1/business/${x.id}/members`, ownerX, body))).toBe('ERR_CONFLICT');
      expect(codeOf(await post(`/v1/business/${x.id}/members`, ownerX, { email: 'nobody@example.com', role: 'agent' }))).toBe('ERR_NOT_FOUND');

      const memberId = (added.json() as { id: string }).id;
      expect((await del(`/v1/business/${y.id}/members/${memberId}`, ownerY)).statusCode).toBe(404);
      expect((await del(`/v1/business/${x.id}/members/${memberId}`, developerX)).statusCode).toBe(403);
      expect((await del(`/v1/business/${x.id}/members/${memberId}`, ownerX)).statusCode).toBe(204);
      expect((await get(`/v1/business/${x.id}/members`, { cookie: newcomer.cookie })).statusCode).toBe(404);

      const owners = (await get(`/v1/business/${y.id}/members`, { cookie: ownerY.cookie })).json() as MemberList;
      const lastOwner = await del(`/v1/business/${y.id}/members/${owners.members[0]?.id}`, ownerY);
      expect([lastOwner.statusCode, codeOf(lastOwner)]).toEqual([409, 'ERR_LAST_OWNER']);
    });

    it('lists the businesses a person belongs to', async () => {
      const mine = (await get('/v1/business', { cookie: developerX.cookie })).json() as MembershipList;
      expect(mine.memberships.map((m) => [m.business.slug, m.role])).toEqual([['bank-x', 'developer']]);
      expect(((await get('/v1/business', { cookie: stranger.cookie })).json() as MembershipList).memberships).toEqual([]);
    });
  });

  describe('API keys', () => {
    const bsidRoute = async (key: string, bsid: string) => get(`/v1/bsids/${bsid}`, bearer(key));

    it('owners and developers make keys shown once, listed by prefix; agents cannot; outsiders see nothing', async () => {
      const made = await post(`/v1/business/${x.id}/keys`, developerX, { name: 'staging', scopes: ['messages:send', 'webhooks:manage'] });
      expect(made.statusCode).toBe(201);
      const created = made.json() as CreatedApiKey;
      expect(created.secret).toMatch(/^pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(created.secret.startsWith(`${created.key.prefix}_`)).toBe(true);
      expect(created.key).toMatchObject({ name: 'staging', scopes: ['messages:send', 'webhooks:manage'], revokedAt: null, lastUsedAt: null });

      const listed = await get(`/v1/business/${x.id}/keys`, { cookie: ownerX.cookie });
      expect((listed.json() as ApiKeyList).keys.map((k) => k.prefix)).toEqual(expect.arrayContaining([created.key.prefix, keyX.key.prefix]));
      expect(listed.body).not.toContain(created.secret.slice(16));
      expect(listed.body).not.toContain(keyY.key.prefix);

      const byAgent = await post(`/v1/business/${x.id}/keys`, agentX, { name: 'nope', scopes: ['messages:send'] });
      expect([byAgent.statusCode, codeOf(byAgent)]).toEqual([403, 'ERR_FORBIDDEN']);
      expect((await get(`/v1/business/${x.id}/keys`, { cookie: agentX.cookie })).statusCode).toBe(403);
      for (const outsider of [ownerY, stranger]) {
        expect((await post(`/v1/business/${x.id}/keys`, outsider, { name: 'nope', scopes: ['messages:send'] })).statusCode).toBe(404);
        expect((await get(`/v1/business/${x.id}/keys`, { cookie: outsider.cookie })).statusCode).toBe(404);
      }
      expect(codeOf(await post(`/v1/business/${x.id}/keys`, ownerX, { name: 'x', scopes: ['messages:read'] }))).toBe('ERR_VALIDATION');
      expect(codeOf(await post(`/v1/business/${x.id}/keys`, ownerX, { name: 'x', scopes: [] }))).toBe('ERR_VALIDATION');
    });

    it('refuses a missing, malformed, unknown or session credential with 401, and a key without the scope with 403', async () => {
      const bsid = await bsidFor(store.ctx, x.id, stranger.me.id);
      expect((await bsidRoute(keyX.secret, bsid)).statusCode).toBe(200);
      const tampered = `${keyX.secret.slice(0, -1)}${keyX.secret.endsWith('A') ? 'B' : 'A'}`;
      const refusals = [
        await get(`/v1/bsids/${bsid}`, {}),
        await get(`/v1/bsids/${bsid}`, { cookie: ownerX.cookie }),
        await get(`/v1/bsids/${bsid}`, { cookie: stranger.cookie }),
        await get(`/v1/bsids/${bsid}`, { authorization: keyX.secret }),
        await get(`/v1/bsids/${bsid}`, { authorization: `Basic ${keyX.secret}` }),
        await bsidRoute(tampered, bsid),
        await bsidRoute('pk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', bsid),
        await get(`/v1/bsids/${bsid}`, bearer(adminToken)),
      ];
      for (const response of refusals) expect([response.statusCode, codeOf(response)]).toEqual([401, 'ERR_UNAUTHENTICATED']);

      const alertsOnly = await createKey(t.app, x.id, ['alerts:send']);
      const missing = await bsidRoute(alertsOnly.secret, bsid);
      expect([missing.statusCode, codeOf(missing)]).toEqual([403, 'ERR_SCOPE_MISSING']);
      expect((missing.json() as { error: { message: string } }).error.message).toContain('messages:send');
    });

    it('keeps two keys live at once, and refuses a revoked one from the next request', async () => {
      const bsid = await bsidFor(store.ctx, x.id, stranger.me.id);
      const next = (await post(`/v1/business/${x.id}/keys`, ownerX, { name: 'rotation', scopes: ['messages:send'] })).json() as CreatedApiKey;
      const old = (await post(`/v1/business/${x.id}/keys`, ownerX, { name: 'old', scopes: ['messages:send'] })).json() as CreatedApiKey;
      expect((await bsidRoute(old.secret, bsid)).statusCode).toBe(200);
      expect((await bsidRoute(next.secret, bsid)).statusCode).toBe(200);

      expect((await del(`/v1/business/${x.id}/keys/${old.key.id}`, agentX)).statusCode).toBe(403);
      expect((await del(`/v1/business/${x.id}/keys/${old.key.id}`, developerX)).statusCode).toBe(204);
      expect((await bsidRoute(old.secret, bsid)).statusCode).toBe(401);
      expect((await bsidRoute(next.secret, bsid)).statusCode).toBe(200);
      const listed = ((await get(`/v1/business/${x.id}/keys`, { cookie: ownerX.cookie })).json() as ApiKeyList).keys;
      expect(listed.find((k) => k.id === old.key.id)?.revokedAt).toEqual(expect.any(Number));
      expect(listed.find((k) => k.id === next.key.id)?.revokedAt).toBeNull();
    });

    it("cannot reach or revoke another business's key", async () => {
      const bsidOfY = await bsidFor(store.ctx, y.id, stranger.me.id);
      expect((await del(`/v1/business/${x.id}/keys/${keyY.key.id}`, ownerX)).statusCode).toBe(404);
      expect((await del(`/v1/business/${y.id}/keys/${keyY.key.id}`, ownerX)).statusCode).toBe(404);
      expect((await bsidRoute(keyY.secret, bsidOfY)).statusCode).toBe(200);
      // Keys are not sessions: X's key opens none of the members or keys routes, of X or Y.
      for (const id of [x.id, y.id]) {
        for (const url of [`/v1/business/${id}/members`, `/v1/business/${id}/keys`]) expect((await get(url, bearer(keyX.secret))).statusCode).toBe(401);
      }
    });

    it('records when a key was last used, at most once a minute', async () => {
      const bsid = await bsidFor(store.ctx, x.id, stranger.me.id);
      const key = await createKey(t.app, x.id, ['messages:send']);
      const lastUsed = async () => ((await get(`/v1/business/${x.id}/keys`, { cookie: ownerX.cookie })).json() as ApiKeyList).keys.find((k) => k.id === key.key.id)?.lastUsedAt;
      expect(await lastUsed()).toBeNull();
      const first = clock.now();
      await bsidRoute(key.secret, bsid);
      expect(await lastUsed()).toBe(first);
      clock.advance(30_000);
      await bsidRoute(key.secret, bsid);
      expect(await lastUsed()).toBe(first);
      clock.advance(30_000);
      await bsidRoute(key.secret, bsid);
      expect(await lastUsed()).toBe(first + 60_000);
    });
  });

  describe('bank-scoped ids', () => {
    it('gives each business its own stable BSID for a person, and no other business can use it', async () => {
      const person = await signUpPerson(t.app, 'Customer');
      const atX = await bsidFor(store.ctx, x.id, person.me.id);
      const atY = await bsidFor(store.ctx, y.id, person.me.id);
      expect(atX).toMatch(/^bsid_[A-Za-z0-9_-]{27}$/);
      expect(atY).not.toBe(atX);
      expect(await bsidFor(store.ctx, x.id, person.me.id)).toBe(atX);
      expect(await bsidFor(store.ctx, y.id, person.me.id)).toBe(atY);
      expect(await personForBsid(store.ctx, x.id, atX)).toBe(person.me.id);
      expect(await personForBsid(store.ctx, x.id, atY)).toBeUndefined();

      const own = await get(`/v1/bsids/${atX}`, bearer(keyX.secret));
      expect(own.json()).toEqual({ bsid: atX, conversationId: null });
      for (const [key, foreign] of [[keyX.secret, atY], [keyY.secret, atX]] as const) {
        const response = await get(`/v1/bsids/${foreign}`, bearer(key));
        expect([response.statusCode, codeOf(response)]).toEqual([404, 'ERR_NOT_FOUND']);
      }
      expect((await get('/v1/bsids/bsid_doesnotexistatall000000000', bearer(keyX.secret))).statusCode).toBe(404);
    });

    it("shows the business its conversation with the person, and never the person's global id", async () => {
      const person = await signUpPerson(t.app, 'Chatty');
      const bsid = await bsidFor(store.ctx, x.id, person.me.id);
      const opened = await post('/v1/conversations', person, { businessId: x.id });
      const conversationId = (opened.json() as { id: string }).id;
      const seen = await get(`/v1/bsids/${bsid}`, bearer(keyX.secret));
      expect(seen.json()).toEqual({ bsid, conversationId });
      expect(seen.body).not.toContain(person.me.id);
      // Y has a BSID for the person too, but no conversation with them.
      const atY = await bsidFor(store.ctx, y.id, person.me.id);
      expect((await get(`/v1/bsids/${atY}`, bearer(keyY.secret))).json()).toEqual({ bsid: atY, conversationId: null });
    });
  });

  describe('admin API', () => {
    it('needs the operator token', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { cookie: ownerX.cookie }, bearer(keyX.secret)]) {
        const response = await t.app.inject({ method: 'POST', url: '/v1/admin/businesses', headers, payload: { name: 'Sneaky' } });
        expect([response.statusCode, codeOf(response)]).toEqual([401, 'ERR_UNAUTHENTICATED']);
      }
      expect((await get('/v1/admin/businesses', operator)).statusCode).toBe(200);
    });

    it('registers businesses with a unique slug', async () => {
      const made = await t.app.inject({ method: 'POST', url: '/v1/admin/businesses', headers: operator, payload: { name: 'Crédit Mutuel (Test)', greeting: 'Bonjour' } });
      expect([made.statusCode, (made.json() as Business).slug]).toEqual([201, 'credit-mutuel-test']);
      const again = await t.app.inject({ method: 'POST', url: '/v1/admin/businesses', headers: operator, payload: { name: 'Other', slug: 'credit-mutuel-test' } });
      expect([again.statusCode, codeOf(again)]).toEqual([409, 'ERR_CONFLICT']);
      const unknown = await get('/v1/admin/businesses/00000000-0000-4000-8000-000000000000/keys', operator);
      expect(unknown.statusCode).toBe(404);
    });
  });
});

describe('admin API without PARLEY_ADMIN_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('refuses a guessable operator token at start', () => {
    expect(() => loadConfig({ PARLEY_ADMIN_TOKEN: 'hunter2' })).toThrow(ConfigError);
    expect(() => loadConfig({ PARLEY_ADMIN_TOKEN: 'hunter2' })).toThrow(/PARLEY_ADMIN_TOKEN/);
    expect(loadConfig({ PARLEY_ADMIN_TOKEN: adminToken }).adminToken).toBe(adminToken);
  });

  it('does not exist', async () => {
    for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: `Bearer ${adminToken}` }]) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/admin/businesses', headers, payload: { name: 'X' } });
      expect(response.statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: '/v1/admin/businesses', headers })).statusCode).toBe(404);
    }
  });
});
