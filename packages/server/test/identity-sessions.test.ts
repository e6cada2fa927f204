import type { Me, SessionList } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from './context';
import { authHeaders, cookieOf, ManualClock, minutes, setCookies } from './identity-fixtures';
import { signUpPerson } from './people';

describe.each(dialects)('sessions on %s', (dialect) => {
  const clock = new ManualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { deps: { clock } });
  });
  afterAll(() => t.close());

  const me = (cookie: string) => t.app.inject({ url: '/v1/me', headers: { cookie } });
  const sessionsOf = async (cookie: string) => (await t.app.inject({ url: '/v1/sessions', headers: { cookie } })).json<SessionList>().sessions;
  async function signInAgain(email: string | null): Promise<{ cookie: string; me: Me }> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/password/sign-in',
      payload: { email, password: 'correct horse battery staple' },
    });
    expect(response.statusCode).toBe(200);
    return { cookie: cookieOf(response), me: response.json<Me>() };
  }

  it('ends a session after 30 idle minutes, and activity keeps it going', async () => {
    const person = await signUpPerson(t.app);
    clock.advance(minutes(29));
    expect((await me(person.cookie)).statusCode).toBe(200);
    clock.advance(minutes(29));
    expect((await me(person.cookie)).statusCode).toBe(200);
    clock.advance(minutes(30));
    const expired = await me(person.cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'ERR_SESSION_EXPIRED' } });
    // Gone for good, not only refused at that instant.
    clock.advance(-minutes(5));
    expect((await me(person.cookie)).json()).toMatchObject({ error: { code: 'ERR_UNAUTHENTICATED' } });
    clock.advance(minutes(5));
  });

  it('keeps every session going when many are active in the same instant', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => signUpPerson(t.app)));
    clock.advance(minutes(29));
    // All at once: each request is due its touch, and each touch must be stored.
    expect((await Promise.all(people.map((person) => me(person.cookie)))).map((response) => response.statusCode)).toEqual(people.map(() => 200));
    clock.advance(minutes(29));
    // Each touch was stored: 58 minutes after sign-up, 29 after the last request, all are live.
    expect((await Promise.all(people.map((person) => me(person.cookie)))).map((response) => response.statusCode)).toEqual(people.map(() => 200));
    clock.advance(minutes(31));
    expect((await Promise.all(people.map((person) => me(person.cookie)))).map((response) => response.json().error?.code)).toEqual(people.map(() => 'ERR_SESSION_EXPIRED'));
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const person = await signUpPerson(t.app);
    for (let elapsed = 0; elapsed < 12 * 60 - 20; elapsed += 20) {
      clock.advance(minutes(20));
      expect((await me(person.cookie)).statusCode).toBe(200);
    }
    clock.advance(minutes(20));
    const expired = await me(person.cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'ERR_SESSION_EXPIRED' } });
  });

  it('lists only my live sessions and marks the one I use', async () => {
    const person = await signUpPerson(t.app);
    const other = await signInAgain(person.me.email);
    await signUpPerson(t.app); // someone else's session must not show up
    const sessions = await sessionsOf(person.cookie);
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const mine = sessions.find((s) => s.current);
    expect(mine?.expiresAt).toBe(clock.now() + minutes(30));
    expect((await sessionsOf(other.cookie)).find((s) => s.current)?.id).not.toBe(mine?.id);

    // The other session idles out: it is no longer listed.
    clock.advance(minutes(20));
    await me(person.cookie);
    clock.advance(minutes(15));
    expect(await sessionsOf(person.cookie)).toHaveLength(1);
  });

  it('signs out one of my other sessions, and refuses a foreign or unknown id with 404', async () => {
    const alice = await signUpPerson(t.app);
    const aliceElsewhere = await signInAgain(alice.me.email);
    const bob = await signUpPerson(t.app);
    const target = (await sessionsOf(alice.cookie)).find((s) => !s.current);
    expect(target).toBeDefined();

    const foreign = await t.app.inject({ method: 'DELETE', url: `/v1/sessions/${target?.id}`, headers: bob.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
    expect((await me(aliceElsewhere.cookie)).statusCode).toBe(200);

    const unknown = await t.app.inject({ method: 'DELETE', url: '/v1/sessions/no-such-session', headers: alice.headers });
    expect(unknown.statusCode).toBe(404);

    const own = await t.app.inject({ method: 'DELETE', url: `/v1/sessions/${target?.id}`, headers: alice.headers });
    expect(own.statusCode).toBe(204);
    expect((await me(aliceElsewhere.cookie)).statusCode).toBe(401);
    expect((await me(alice.cookie)).statusCode).toBe(200);
  });

  it('signs out everywhere: every session of mine ends, nobody else’s, and the cookie is cleared', async () => {
    const alice = await signUpPerson(t.app);
    const phone = await signInAgain(alice.me.email);
    const bob = await signUpPerson(t.app);
    const response = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out-everywhere', headers: alice.headers });
    expect(response.statusCode).toBe(204);
    expect(setCookies(response)[0]).toMatch(/^parley_session=;/);
    expect((await me(alice.cookie)).statusCode).toBe(401);
    expect((await me(phone.cookie)).statusCode).toBe(401);
    expect((await me(bob.cookie)).statusCode).toBe(200);
  });
});

describe.each(dialects)('CSRF defence on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('refuses an unsafe request without the CSRF token, or with a wrong one, and does nothing', async () => {
    const person = await signUpPerson(t.app);
    for (const headers of [{ cookie: person.cookie }, { cookie: person.cookie, 'x-csrf-token': `${person.csrfToken.slice(1)}x` }]) {
      const response = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out-everywhere', headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
    }
    expect((await t.app.inject({ url: '/v1/me', headers: { cookie: person.cookie } })).statusCode).toBe(200);
  });

  it('refuses another person’s CSRF token', async () => {
    const alice = await signUpPerson(t.app);
    const bob = await signUpPerson(t.app);
    const response = await t.app.inject({ method: 'POST', url: '/v1/ws-ticket', headers: authHeaders(alice.cookie, bob.me) });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a request from a foreign Origin even with the right token, signed in or not', async () => {
    const person = await signUpPerson(t.app);
    const origin = 'https://evil.example';
    const signedIn = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', headers: { ...person.headers, origin } });
    expect(signedIn.statusCode).toBe(403);
    expect(signedIn.json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
    expect((await t.app.inject({ url: '/v1/me', headers: { cookie: person.cookie } })).statusCode).toBe(200);

    for (const url of ['/v1/auth/password/sign-in', '/v1/auth/passkey/sign-in/options']) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { origin },
        payload: { email: 'someone@example.com', password: 'whatever it is' },
      });
      expect(response.statusCode).toBe(403);
    }
  });

  it('accepts the same request from our own origin', async () => {
    const person = await signUpPerson(t.app);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/sign-out',
      headers: { ...person.headers, origin: t.config.publicUrl.origin },
    });
    expect(response.statusCode).toBe(204);
  });
});
