import type { Me, PasskeyOptionsReply } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from './context';
import {
  cookieOf,
  creationOptionsOf,
  ManualClock,
  minutes,
  meOf,
  passkeySignInOptions,
  requestOptionsOf,
  verifyPasskeySignIn,
  signUpWithPasskey,
} from './identity-fixtures';
import { signUpPerson } from './people';
import { SoftwareAuthenticator } from './webauthn-authenticator';

describe.each(dialects)('passkeys on %s', (dialect) => {
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

  it('signs up with a passkey: options ask for a discoverable credential, verify creates the person and a session', async () => {
    const start = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/sign-up/options',
      payload: { displayName: 'Ada', email: 'Ada.Passkey@example.com' },
    });
    expect(start.statusCode).toBe(200);
    const reply = start.json<PasskeyOptionsReply>();
    expect(reply.options).toMatchObject({
      rp: { id: 'localhost', name: 'Parley' },
      user: { name: 'ada.passkey@example.com', displayName: 'Ada' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      attestation: 'none',
    });
    const authenticator = new SoftwareAuthenticator(origin);
    const response = authenticator.register(creationOptionsOf(reply));
    const finish = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/sign-up/verify',
      payload: { challengeId: reply.challengeId, response, name: 'Laptop' },
    });
    expect(finish.statusCode).toBe(201);
    const me = finish.json<Me>();
    expect(me).toMatchObject({ displayName: 'Ada', email: 'ada.passkey@example.com', hasPassword: false });
    expect(me.passkeys).toEqual([{ id: response.id, name: 'Laptop', createdAt: clock.now(), lastUsedAt: null }]);
    expect((await meWith(cookieOf(finish))).id).toBe(me.id);
  });

  it('refuses a passkey sign-up with an email someone already has', async () => {
    const taken = await signUpPerson(t.app);
    const start = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/sign-up/options',
      payload: { displayName: 'Copycat', email: taken.me.email },
    });
    expect(start.statusCode).toBe(409);
    expect(start.json()).toMatchObject({ error: { code: 'ERR_EMAIL_TAKEN' } });
  });

  it('refuses the second of two sign-ups that raced for one email, creating nobody', async () => {
    const email = `race-${process.pid}@example.com`;
    const first = new SoftwareAuthenticator(origin);
    const second = new SoftwareAuthenticator(origin);
    const replies = [];
    for (let i = 0; i < 2; i++) {
      const start = await t.app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-up/options', payload: { displayName: 'R', email } });
      replies.push(start.json<PasskeyOptionsReply>());
    }
    const [a, b] = replies as [PasskeyOptionsReply, PasskeyOptionsReply];
    const okA = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/sign-up/verify',
      payload: { challengeId: a.challengeId, response: first.register(creationOptionsOf(a)) },
    });
    expect(okA.statusCode).toBe(201);
    const lateB = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/passkey/sign-up/verify',
      payload: { challengeId: b.challengeId, response: second.register(creationOptionsOf(b)) },
    });
    expect(lateB.statusCode).toBe(409);
    expect(lateB.json()).toMatchObject({ error: { code: 'ERR_EMAIL_TAKEN' } });
    // The loser's passkey signs nobody in.
    const options = await signInOptions();
    const attempt = await verifySignIn({ challengeId: options.challengeId, response: second.authenticate(requestOptionsOf(options)) });
    expect(attempt.statusCode).toBe(400);
  });

  it('signs in with a discoverable passkey, moving the counter and last-used time on', async () => {
    const authenticator = new SoftwareAuthenticator(origin);
    const person = await signUpWithPasskey(t.app, authenticator, { displayName: 'Bea' });
    clock.advance(minutes(3));
    const options = await signInOptions();
    expect(options.options.allowCredentials ?? []).toEqual([]);
    expect(options.options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred' });
    const response = await verifySignIn({ challengeId: options.challengeId, response: authenticator.authenticate(requestOptionsOf(options)) });
    expect(response.statusCode).toBe(200);
    const me = response.json<Me>();
    expect(me.id).toBe(person.me.id);
    expect(me.passkeys[0]?.lastUsedAt).toBe(clock.now());
    expect(cookieOf(response)).not.toBe(person.cookie);
    expect((await meWith(cookieOf(response))).id).toBe(person.me.id);
  });

  it('refuses a replayed answer: the challenge is used up', async () => {
    const authenticator = new SoftwareAuthenticator(origin);
    await signUpWithPasskey(t.app, authenticator, { displayName: 'Cy' });
    const options = await signInOptions();
    const payload = { challengeId: options.challengeId, response: authenticator.authenticate(requestOptionsOf(options)) };
    expect((await verifySignIn(payload)).statusCode).toBe(200);
    const replay = await verifySignIn(payload);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: { code: 'ERR_CHALLENGE_EXPIRED' } });
  });

  it('refuses an answer signed for another origin (a phishing page), and that attempt spends the challenge', async () => {
    const authenticator = new SoftwareAuthenticator(origin);
    await signUpWithPasskey(t.app, authenticator, { displayName: 'Di' });
    const options = await signInOptions();
    const phished = authenticator.authenticate(requestOptionsOf(options), { origin: 'https://parley.evil.example' });
    const response = await verifySignIn({ challengeId: options.challengeId, response: phished });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_PASSKEY_FAILED' } });
    const honest = await verifySignIn({ challengeId: options.challengeId, response: authenticator.authenticate(requestOptionsOf(options)) });
    expect(honest.json()).toMatchObject({ error: { code: 'ERR_CHALLENGE_EXPIRED' } });
  });

  it('refuses a sign-up registered for another origin', async () => {
    const start = await t.app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-up/options', payload: { displayName: 'Eve' } });
    const reply = start.json<PasskeyOptionsReply>();
    const response = new SoftwareAuthenticator(origin).register(creationOptionsOf(reply), { origin: 'https://evil.example' });
    const finish = await t.app.inject({ method: 'POST', url: '/v1/auth/passkey/sign-up/verify', payload: { challengeId: reply.challengeId, response } });
    expect(finish.statusCode).toBe(400);
    expect(finish.json()).toMatchObject({ error: { code: 'ERR_PASSKEY_FAILED' } });
  });

  it('refuses an answer after the five minutes of its challenge', async () => {
    const authenticator = new SoftwareAuthenticator(origin);
    await signUpWithPasskey(t.app, authenticator, { displayName: 'Flo' });
    const options = await signInOptions();
    clock.advance(minutes(5));
    const response = await verifySignIn({ challengeId: options.challengeId, response: authenticator.authenticate(requestOptionsOf(options)) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_CHALLENGE_EXPIRED' } });
  });

  it('refuses a signature counter that did not move on (a cloned passkey)', async () => {
    const authenticator = new SoftwareAuthenticator(origin);
    await signUpWithPasskey(t.app, authenticator, { displayName: 'Gus' });
    const first = await signInOptions();
    expect((await verifySignIn({ challengeId: first.challengeId, response: authenticator.authenticate(requestOptionsOf(first), { signCount: 7 }) })).statusCode).toBe(200);
    const second = await signInOptions();
    const clone = await verifySignIn({ challengeId: second.challengeId, response: authenticator.authenticate(requestOptionsOf(second), { signCount: 7 }) });
    expect(clone.statusCode).toBe(400);
    expect(clone.json()).toMatchObject({ error: { code: 'ERR_PASSKEY_FAILED' } });
  });

  it('refuses a passkey nobody registered here', async () => {
    const stranger = new SoftwareAuthenticator(origin);
    stranger.register({ challenge: 'AAAA', rp: { id: 'localhost' }, user: { id: 'AAAA' } });
    const options = await signInOptions();
    const response = await verifySignIn({ challengeId: options.challengeId, response: stranger.authenticate(requestOptionsOf(options)) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_PASSKEY_FAILED' } });
  });
});
