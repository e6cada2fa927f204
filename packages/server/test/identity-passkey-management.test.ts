import type { Me, PasskeyOptionsReply } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from './context';
import {
  creationOptionsOf,
  ManualClock,
  minutes,
  openSideContext,
  meOf,
  passkeySignInOptions,
  requestOptionsOf,
  verifyPasskeySignIn,
  signUpWithPasskey,
  type PasskeyPerson,
} from './identity-fixtures';
import { signUpPerson } from './people';
import { SoftwareAuthenticator } from './webauthn-authenticator';

describe.each(dialects)('managing one’s passkeys on %s', (dialect) => {
  const clock = new ManualClock();
  let t: TestApp;
  let origin: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { deps: { clock } });
    origin = t.config.publicUrl.origin;
  });
  afterAll(() => t.close());

  const signInOptions = () => passkeySignInOptions(t.app);
  const verifySignIn = (payload: object) => verifyPasskeySignIn(t.app, payload);
  const meWith = (cookie: string) => meOf(t.app, cookie);

  async function addPasskey(person: PasskeyPerson, authenticator: SoftwareAuthenticator, name: string) {
    const start = await t.app.inject({ method: 'POST', url: '/v1/me/passkeys/options', headers: person.headers, payload: {} });
    expect(start.statusCode).toBe(200);
    const reply = start.json<PasskeyOptionsReply>();
    const finish = await t.app.inject({
      method: 'POST',
      url: '/v1/me/passkeys',
      headers: person.headers,
      payload: { challengeId: reply.challengeId, response: authenticator.register(creationOptionsOf(reply)), name },
    });
    return { reply, finish };
  }

  it('adds a second passkey, excluding the first, and both sign the person in', async () => {
    const laptop = new SoftwareAuthenticator(origin);
    const phone = new SoftwareAuthenticator(origin);
    const person = await signUpWithPasskey(t.app, laptop, { displayName: 'Hal' });
    clock.advance(minutes(1));
    const { reply, finish } = await addPasskey(person, phone, 'Phone');
    expect(reply.options.excludeCredentials).toEqual([expect.objectContaining({ id: laptop.credentials[0]?.id })]);
    expect(reply.options.user).toMatchObject({ id: Buffer.from(person.me.id).toString('base64url') });
    expect(finish.statusCode).toBe(201);
    expect(finish.json<Me>().passkeys.map((k) => k.name)).toEqual(['Laptop', 'Phone']);
    for (const authenticator of [laptop, phone]) {
      const options = await signInOptions();
      const response = await verifySignIn({ challengeId: options.challengeId, response: authenticator.authenticate(requestOptionsOf(options)) });
      expect(response.json<Me>().id).toBe(person.me.id);
    }
  });

  it('needs the CSRF token to add a passkey, and someone else’s challenge does not work', async () => {
    const person = await signUpWithPasskey(t.app, new SoftwareAuthenticator(origin), { displayName: 'Ivy' });
    const other = await signUpPerson(t.app);
    const noToken = await t.app.inject({ method: 'POST', url: '/v1/me/passkeys/options', headers: { cookie: person.cookie }, payload: {} });
    expect(noToken.statusCode).toBe(403);
    const start = await t.app.inject({ method: 'POST', url: '/v1/me/passkeys/options', headers: person.headers, payload: {} });
    const reply = start.json<PasskeyOptionsReply>();
    const stolen = await t.app.inject({
      method: 'POST',
      url: '/v1/me/passkeys',
      headers: other.headers,
      payload: { challengeId: reply.challengeId, response: new SoftwareAuthenticator(origin).register(creationOptionsOf(reply)) },
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toMatchObject({ error: { code: 'ERR_CHALLENGE_EXPIRED' } });
  });

  it('removes a passkey but never the last way to sign in', async () => {
    const laptop = new SoftwareAuthenticator(origin);
    const phone = new SoftwareAuthenticator(origin);
    const person = await signUpWithPasskey(t.app, laptop, { displayName: 'Jo' });
    await addPasskey(person, phone, 'Phone');
    const [laptopKey, phoneKey] = [laptop.credentials[0]?.id ?? '', phone.credentials[0]?.id ?? ''];
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/me/passkeys/${laptopKey}`, headers: person.headers });
    expect(removed.statusCode).toBe(204);
    const last = await t.app.inject({ method: 'DELETE', url: `/v1/me/passkeys/${phoneKey}`, headers: person.headers });
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ error: { code: 'ERR_LAST_SIGN_IN_METHOD' } });
    expect((await meWith(person.cookie)).passkeys.map((k) => k.id)).toEqual([phoneKey]);
    // The removed passkey no longer signs in.
    const options = await signInOptions();
    const response = await verifySignIn({ challengeId: options.challengeId, response: laptop.authenticate(requestOptionsOf(options)) });
    expect(response.statusCode).toBe(400);
  });

  // SQLite runs one transaction at a time on the app's one connection; on PostgreSQL the row lock does it.
  it.runIf(dialect === 'postgres')('makes a removal wait for a concurrent change to the same person, then re-check', async () => {
    const laptop = new SoftwareAuthenticator(origin);
    const phone = new SoftwareAuthenticator(origin);
    const person = await signUpWithPasskey(t.app, laptop, { displayName: 'Kim' });
    await addPasskey(person, phone, 'Phone');
    const [laptopKey, phoneKey] = [laptop.credentials[0]?.id ?? '', phone.credentials[0]?.id ?? ''];
    const side = await openSideContext(t, clock);
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked = (): void => {};
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    // Another node removing the laptop key, holding the person's row while it does.
    const otherNode = side.ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('people').select('id').where('id', '=', person.me.id).forUpdate().execute();
      signalLocked();
      await held;
      await trx.deleteFrom('passkeys').where('id', '=', laptopKey).execute();
    });
    try {
      await locked;
      let settled = false;
      const removal = t.app
        .inject({ method: 'DELETE', url: `/v1/me/passkeys/${phoneKey}`, headers: person.headers })
        .finally(() => (settled = true));
      // Only how surely a missing lock is caught depends on this pause, never whether correct code passes.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      release();
      await otherNode;
      const response = await removal;
      expect(response.statusCode).toBe(409);
      expect((await meWith(person.cookie)).passkeys.map((k) => k.id)).toEqual([phoneKey]);
    } finally {
      release();
      await otherNode;
      await side.close();
    }
  });

  it('lets a person with a password remove their only passkey, and nobody remove another’s', async () => {
    const person = await signUpPerson(t.app);
    const authenticator = new SoftwareAuthenticator(origin);
    const cookiePerson: PasskeyPerson = { me: person.me, cookie: person.cookie, headers: person.headers };
    expect((await addPasskey(cookiePerson, authenticator, 'Key')).finish.statusCode).toBe(201);
    const keyId = authenticator.credentials[0]?.id ?? '';
    const intruder = await signUpPerson(t.app);
    const foreign = await t.app.inject({ method: 'DELETE', url: `/v1/me/passkeys/${keyId}`, headers: intruder.headers });
    expect(foreign.statusCode).toBe(404);
    const own = await t.app.inject({ method: 'DELETE', url: `/v1/me/passkeys/${keyId}`, headers: person.headers });
    expect(own.statusCode).toBe(204);
    expect((await meWith(person.cookie)).passkeys).toEqual([]);
  });
});
