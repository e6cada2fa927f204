import type { Me, SessionList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/platform/config';
import { createTestApp, dialects, type TestApp } from './context';
import { authHeaders, cookieOf, setCookies } from './identity-fixtures';

const password = 'correct horse battery staple';
let counter = 0;
const newEmail = (): string => `pw-${process.pid}-${++counter}@example.com`;

describe.each(dialects)('password sign-up, sign-in and sign-out on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  const signUp = (email: string) =>
    t.app.inject({ method: 'POST', url: '/v1/auth/password/sign-up', payload: { email, password, displayName: 'Ada' } });
  const signIn = (email: string, pw = password) =>
    t.app.inject({ method: 'POST', url: '/v1/auth/password/sign-in', payload: { email, password: pw } });

  it('signs up, answers /v1/me, signs out, and the cookie no longer works', async () => {
    const email = newEmail();
    const created = await signUp(email.toUpperCase());
    expect(created.statusCode).toBe(201);
    const me = created.json<Me>();
    expect(me).toMatchObject({ displayName: 'Ada', email, hasPassword: true, passkeys: [] });
    const cookie = cookieOf(created);

    const who = await t.app.inject({ url: '/v1/me', headers: { cookie } });
    expect(who.statusCode).toBe(200);
    expect(who.json<Me>().id).toBe(me.id);

    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: authHeaders(cookie, me) });
    expect(out.statusCode).toBe(204);
    expect(setCookies(out)[0]).toMatch(/^parley_session=;/);
    const after = await t.app.inject({ url: '/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'ERR_UNAUTHENTICATED' } });
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const email = newEmail();
    expect((await signUp(email)).statusCode).toBe(201);
    const again = await signUp(email.toUpperCase());
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'ERR_EMAIL_TAKEN' } });
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const email = newEmail();
    await signUp(email);
    const wrongPassword = await signIn(email, 'not the password at all');
    const unknownEmail = await signIn(newEmail());
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(wrongPassword.statusCode);
    expect(unknownEmail.body).toBe(wrongPassword.body);
    expect(wrongPassword.json()).toMatchObject({ error: { code: 'ERR_INVALID_CREDENTIALS' } });
    expect(setCookies(wrongPassword)).toEqual([]);
  });

  it('makes a new session at every sign-in, and the earlier one stays separate and alive', async () => {
    const email = newEmail();
    const first = await signUp(email);
    const second = await signIn(email);
    expect(second.statusCode).toBe(200);
    const [cookieA, cookieB] = [cookieOf(first), cookieOf(second)];
    expect(cookieB).not.toBe(cookieA);
    expect(second.json<Me>().csrfToken).not.toBe(first.json<Me>().csrfToken);

    const listA = (await t.app.inject({ url: '/v1/sessions', headers: { cookie: cookieA } })).json<SessionList>();
    const listB = (await t.app.inject({ url: '/v1/sessions', headers: { cookie: cookieB } })).json<SessionList>();
    expect(listA.sessions).toHaveLength(2);
    const currentA = listA.sessions.find((s) => s.current)?.id;
    const currentB = listB.sessions.find((s) => s.current)?.id;
    expect(currentA).toBeDefined();
    expect(currentB).toBeDefined();
    expect(currentA).not.toBe(currentB);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ and not Secure over http', async () => {
    const response = await signUp(newEmail());
    const cookie = setCookies(response)[0] ?? '';
    expect(cookie).toMatch(/^parley_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
  });
});

describe.each(dialects)('session cookie behind https on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    const publicUrl = new URL('https://parley.example');
    // loadConfig turns Secure cookies on for an https PUBLIC_URL; createTestApp takes config as given.
    expect(loadConfig({ PUBLIC_URL: publicUrl.href }).secureCookies).toBe(true);
    t = await createTestApp(dialect, { config: { publicUrl, secureCookies: true } });
  });
  afterAll(() => t.close());

  it('uses a __Host- cookie that is Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password/sign-up',
      payload: { email: newEmail(), password, displayName: 'Grace' },
    });
    expect(response.statusCode).toBe(201);
    const cookie = setCookies(response)[0] ?? '';
    expect(cookie).toMatch(/^__Host-parley_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    // The plain name is not read when the __Host- one is the rule.
    const plain = cookieOf(response).replace('__Host-parley_session', 'parley_session');
    expect((await t.app.inject({ url: '/v1/me', headers: { cookie: plain } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/me', headers: { cookie: cookieOf(response) } })).statusCode).toBe(200);
  });
});
