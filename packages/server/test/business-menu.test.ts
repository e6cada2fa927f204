import type { Business, BusinessMenu, Conversation, ConversationList, CreatedApiKey } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, bearer, createBusiness, createKey } from './business-fixtures';
import { createTestApp, dialects, type TestApp } from './context';
import { signUpPerson, type TestPerson } from './people';

// The get-started button and persistent menu: set, read and cleared with the business's own
// key, validated at the edge, invisible to other businesses, and shown to people.

const menu = {
  getStarted: { title: 'Get started', payload: 'GET_STARTED' },
  persistentMenu: [
    { type: 'postback', title: 'My balance', payload: 'BALANCE' },
    { type: 'postback', title: 'Lock my card right away now', payload: 'LOCK_CARD' },
    { type: 'url', title: 'Help centre', url: 'https://bank-x.example/help?from=parley' },
  ],
} satisfies BusinessMenu;
const empty: BusinessMenu = { getStarted: null, persistentMenu: [] };

describe.each(dialects)('persistent menu and get-started on %s', (dialect) => {
  let t: TestApp;
  let x: Business;
  let y: Business;
  let keyX: CreatedApiKey;
  let keyY: CreatedApiKey;
  let webhooksOnlyX: CreatedApiKey;
  let person: TestPerson;

  beforeAll(async () => {
    t = await createTestApp(dialect, { config: { adminToken } });
    x = await createBusiness(t.app, 'Bank X');
    y = await createBusiness(t.app, 'Bank Y');
    keyX = await createKey(t.app, x.id, ['messages:send']);
    keyY = await createKey(t.app, y.id, ['messages:send']);
    webhooksOnlyX = await createKey(t.app, x.id, ['webhooks:manage']);
    person = await signUpPerson(t.app);
  });
  afterAll(async () => {
    await t?.close();
  });

  const url = '/v1/business/profile/menu';
  const as = (key: CreatedApiKey) => bearer(key.secret);
  const read = (key: CreatedApiKey) => t.app.inject({ method: 'GET', url, headers: as(key) });
  const put = (key: CreatedApiKey, payload: object) => t.app.inject({ method: 'PUT', url, headers: as(key), payload });
  const clear = (key: CreatedApiKey) => t.app.inject({ method: 'DELETE', url, headers: as(key) });
  const codeOf = (response: { json(): unknown }) => (response.json() as { error: { code: string } }).error.code;
  const directory = async (): Promise<Business[]> => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/businesses', headers: { cookie: person.cookie } });
    expect(response.statusCode).toBe(200);
    return (response.json() as { businesses: Business[] }).businesses;
  };
  const inDirectory = async (id: string) => (await directory()).find((business) => business.id === id);

  it('sets, reads and clears the menu; a part left out of a PUT is kept', async () => {
    expect((await read(keyX)).json()).toEqual(empty);

    const set = await put(keyX, menu);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual(menu);
    expect((await read(keyX)).json()).toEqual(menu);

    const onlyMenu = await put(keyX, { persistentMenu: [menu.persistentMenu[0]] });
    expect(onlyMenu.json()).toEqual({ getStarted: menu.getStarted, persistentMenu: [menu.persistentMenu[0]] });
    const noButton = await put(keyX, { getStarted: null });
    expect(noButton.json()).toEqual({ getStarted: null, persistentMenu: [menu.persistentMenu[0]] });

    await put(keyX, menu);
    const cleared = await clear(keyX);
    expect(cleared.statusCode).toBe(204);
    expect((await read(keyX)).json()).toEqual(empty);
  });

  it.each([
    ['four items', { persistentMenu: [...menu.persistentMenu, { type: 'postback', title: 'Fourth', payload: 'FOURTH' }] }],
    ['an http URL', { persistentMenu: [{ type: 'url', title: 'Help', url: 'http://bank-x.example/help' }] }],
    ['a URL without a host', { persistentMenu: [{ type: 'url', title: 'Help', url: 'https:///help' }] }],
    ['a javascript: URL', { persistentMenu: [{ type: 'url', title: 'Help', url: 'javascript:alert(1)' }] }],
    ['a 31-character title', { persistentMenu: [{ type: 'postback', title: 'x'.repeat(31), payload: 'LONG' }] }],
    ['a long get-started title', { getStarted: { title: 'x'.repeat(31), payload: 'GO' } }],
    ['an empty payload', { getStarted: { title: 'Go', payload: '' } }],
    ['a nested menu', { persistentMenu: [{ type: 'nested', title: 'More', items: [] }] }],
    ['an unknown field', { persistentMenu: [], colour: 'red' }],
    ['nothing to set', {}],
  ])('refuses %s with 400 and changes nothing', async (_name, body) => {
    await put(keyX, menu);
    const response = await put(keyX, body);
    expect([response.statusCode, codeOf(response)]).toEqual([400, 'ERR_VALIDATION']);
    expect((await read(keyX)).json()).toEqual(menu);
  });

  it("is per key's business: another business's key neither sees nor changes it", async () => {
    await put(keyX, menu);
    expect((await read(keyY)).json()).toEqual(empty);

    const ySet = { getStarted: { title: 'Start with Y', payload: 'Y_START' } };
    await put(keyY, ySet);
    expect((await read(keyX)).json()).toEqual(menu);
    await clear(keyY);
    expect((await read(keyX)).json()).toEqual(menu);
    expect((await inDirectory(x.id))?.menu).toEqual(menu);
    expect((await inDirectory(y.id))?.menu).toBeUndefined();
  });

  it('needs a messages:send key; a session or no key is refused', async () => {
    for (const response of [await read(webhooksOnlyX), await put(webhooksOnlyX, menu), await clear(webhooksOnlyX)]) {
      expect([response.statusCode, codeOf(response)]).toEqual([403, 'ERR_SCOPE_MISSING']);
    }
    const noKey = await t.app.inject({ method: 'GET', url });
    expect(noKey.statusCode).toBe(401);
    const session = await t.app.inject({ method: 'PUT', url, headers: person.headers, payload: menu });
    expect(session.statusCode).toBe(401);
  });

  it('is described in the OpenAPI document, with examples', async () => {
    const doc = (await t.app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths[url] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(JSON.stringify(doc.paths[url]?.put)).toContain('GET_STARTED');
  });

  it('a person sees the menu in the directory and in the conversation, and no menu once it is cleared', async () => {
    await put(keyX, menu);
    expect((await inDirectory(x.id))?.menu).toEqual(menu);

    const opened = await t.app.inject({ method: 'POST', url: '/v1/conversations', headers: person.headers, payload: { businessId: x.id } });
    expect((opened.json() as Conversation).business.menu).toEqual(menu);
    const list = await t.app.inject({ method: 'GET', url: '/v1/conversations', headers: { cookie: person.cookie } });
    const conversation = (list.json() as ConversationList).conversations.find((held) => held.business.id === x.id);
    expect(conversation?.business.menu).toEqual(menu);

    await put(keyX, { persistentMenu: [] });
    expect((await inDirectory(x.id))?.menu).toEqual({ getStarted: menu.getStarted, persistentMenu: [] });
    await clear(keyX);
    const business = await inDirectory(x.id);
    expect(business).toBeDefined();
    expect(business).not.toHaveProperty('menu');
  });
});
